package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.TxRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two relayer instances in one consumer group, two signer slots per chain: the routing keys are split between
 * them, each key has one writer, and no nonce is ever fought over.
 */
class ScaleOutTest {
    static Pipeline p;

    @BeforeAll
    static void start() throws Exception {
        p = new Pipeline(2);
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @Test
    void twoInstancesInOneGroupDeliverEverythingWithoutANonceConflict() throws Exception {
        RelayerSettings settings = Pipeline.fastSettings(2);
        RelayerService a = p.startRelayer(settings, DevKeys.RELAYER, DevKeys.RELAYER_2);
        RelayerService b = p.startRelayer(settings, DevKeys.RELAYER, DevKeys.RELAYER_2);
        await().atMost(Duration.ofSeconds(60)).until(() -> a.ownedKeys().size() + b.ownedKeys().size() == 6);
        Set<String> overlap = new HashSet<>(a.ownedKeys());
        overlap.retainAll(b.ownedKeys());
        assertThat(overlap).as("a routing key (and so a signing key) has one owner").isEmpty();

        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        int n = 16;
        for (int i = 0; i < n; i++) {
            user.crossRollup(i % 2, (i + 1) % 2, "scaled " + i);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> relayed().size() == n);
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.openTransactions(901, DevKeys.RELAYER.address())
                .isEmpty() && p.store.openTransactions(902, DevKeys.RELAYER.address()).isEmpty()
                && p.store.openTransactions(901, DevKeys.RELAYER_2.address()).isEmpty()
                && p.store.openTransactions(902, DevKeys.RELAYER_2.address()).isEmpty());

        List<TxRecord> txs = new ArrayList<>();
        for (MessageRecord m : relayed()) {
            txs.addAll(p.store.transactionsOf(m.id()));
        }
        assertThat(txs).as("no transaction was dropped or replaced over a nonce")
                .allMatch(t -> t.status() == TxRecord.Status.CONFIRMED);
        Map<String, Long> bySigner = new java.util.HashMap<>();
        txs.forEach(t -> bySigner.merge(t.chainId() + "/" + t.signer().toLowerCase(), 1L, Long::sum));
        assertThat(bySigner.keySet()).as("both signer slots of a destination were used")
                .anyMatch(k -> k.endsWith(DevKeys.RELAYER_2.address().toLowerCase()))
                .anyMatch(k -> k.endsWith(DevKeys.RELAYER.address().toLowerCase()));
        assertThat(OnChainEffects.crossRollupRelays(p.devnet.l2(1)).values()).allMatch(c -> c == 1);
        assertThat(OnChainEffects.crossRollupRelays(p.devnet.l2(0)).values()).allMatch(c -> c == 1);
    }

    private static List<MessageRecord> relayed() {
        return p.store.messages(new MessageQuery(Set.of(MessageState.RELAYED), Set.of(MessageKind.CROSS_ROLLUP), null,
                null, null, null, 1000));
    }
}
