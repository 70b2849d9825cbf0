package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageQuery;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/** A settled cross-rollup message (L2 to L1 to L2): the relayer drives the withdrawal, the deposit follows. */
class SettledDeliveryTest {

    @Test
    void aSettledCrossRollupMessageIsDrivenThroughBothLegs() throws Exception {
        try (Pipeline p = new Pipeline(1)) {
            p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
            DevChain l2b = p.devnet.l2(1);
            DemoTarget target = DemoTarget.load(p.devnet.manifest().l2s().get(1).contract("demoTarget"), l2b.web3j(),
                    l2b.txManager(DevKeys.USER.credentials()), DevChain.GAS);
            BigInteger pings = target.pingCount().send();
            var sent = new DemoTraffic(p.devnet, DevKeys.USER.credentials()).settled(0, 1, "l2a to L1 to l2b");
            String withdrawal = Numeric.toHexString(L2ToL1MessagePasser.getMessagePassedEvents(sent).getFirst()
                    .withdrawalHash);
            p.proposeL2a();
            await().atMost(Duration.ofSeconds(90)).until(() -> p.store.message(withdrawal)
                    .map(m -> m.state() == MessageState.IN_WINDOW).orElse(false));
            p.passWindow();
            // Leg one: the relayer finalizes the withdrawal on L1; its call sends the message on into l2b...
            await().atMost(Duration.ofSeconds(90)).until(() -> p.store.message(withdrawal)
                    .map(m -> m.state() == MessageState.RELAYED).orElse(false));
            // ...leg two: l2b's sequencer executes the deposit that created, which the store links to its withdrawal.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                p.operator.sequencer("l2b").executeDue();
                return p.store.messages(new MessageQuery(Set.of(MessageState.RELAYED), Set.of(MessageKind.DEPOSIT),
                        null, null, 902L, null, 100)).stream().anyMatch(m -> withdrawal.equalsIgnoreCase(m.parentId()));
            });
            assertThat(target.pingCount().send()).isEqualTo(pings.add(BigInteger.ONE));
            assertThat(target.lastNote().send()).isEqualTo("l2a to L1 to l2b");
        }
    }
}
