package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The watchers of an L1 and two L2s record every protocol flow as typed events, and the store turns them into
 * messages with their lifecycle.
 */
class WatcherRecordsFlowsTest extends WatcherTestBase {

    @Test
    void depositsWithdrawalsOutputsAndCrossRollupMessagesAreRecorded() throws Exception {
        ChainWatcher l1 = startWatcher(chain("l1"));
        ChainWatcher l2a = startWatcher(chain("l2a"));
        ChainWatcher l2b = startWatcher(chain("l2b"));
        DemoTraffic demo = new DemoTraffic(devnet, DevKeys.USER.credentials());
        try (DevnetOperator operator = DevnetOperator.manual(devnet)) {
            var deposit = demo.deposit(0, "in", BigInteger.ZERO);
            operator.sequencer("l2a").executeDue();
            var withdrawal = demo.withdrawal(0, "out", BigInteger.ZERO);
            devnet.l2(0).anvil().mine(1);
            operator.proposer("l2a").propose(devnet.l2(0).blockNumber().longValueExact());
            demo.crossRollup(0, 1, "across");

            awaitCaughtUp(l1, "l1");
            awaitCaughtUp(l2a, "l2a");
            awaitCaughtUp(l2b, "l2b");

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<MessageRecord> all = store.messages(MessageQuery.all());
                assertThat(all).extracting(MessageRecord::kind)
                        .contains(MessageKind.DEPOSIT, MessageKind.WITHDRAWAL, MessageKind.CROSS_ROLLUP);
                MessageRecord dep = all.stream().filter(m -> m.kind() == MessageKind.DEPOSIT).findFirst().orElseThrow();
                assertThat(dep.state()).as("executed on l2a").isEqualTo(MessageState.RELAYED);
                assertThat(dep.source().txHash()).isEqualToIgnoringCase(deposit.getTransactionHash());
                assertThat(dep.messengerHash()).as("linked to its messenger message").isNotNull();
                MessageRecord wd = all.stream().filter(m -> m.kind() == MessageKind.WITHDRAWAL).findFirst().orElseThrow();
                assertThat(wd.state()).as("an output covers its block").isEqualTo(MessageState.COMMITTED);
                assertThat(wd.source().txHash()).isEqualToIgnoringCase(withdrawal.getTransactionHash());
                assertThat(wd.destinationChainId()).isEqualTo(900);
                MessageRecord x = all.stream().filter(m -> m.kind() == MessageKind.CROSS_ROLLUP).findFirst().orElseThrow();
                assertThat(x.state()).isEqualTo(MessageState.READY);
                assertThat(x.destinationChainId()).isEqualTo(902);
                assertThat(store.outputs(901L, 10)).hasSize(1);
            });
            assertThat(store.history(store.messages(MessageQuery.inStates(Set.of(MessageState.RELAYED))).getFirst().id()))
                    .extracting(t -> t.to()).containsExactly(MessageState.SENT, MessageState.RELAYED);
            assertThat(meters.get("crossbar.watcher.events").tag("chain", "l1").counter().count()).isGreaterThan(0);
        }
    }
}
