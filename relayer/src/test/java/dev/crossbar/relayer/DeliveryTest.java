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
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Withdrawals and fast L2-to-L2 messages through the whole path (chains, watchers, store, Kafka, relayer): every
 * one is delivered, and each exactly once, counted from the chains' own events.
 */
class DeliveryTest {
    static Pipeline p;

    @BeforeAll
    static void start() throws Exception {
        p = new Pipeline(1);
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @Test
    void everyWithdrawalAndFastMessageIsDeliveredExactlyOnce() throws Exception {
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        int n = 5;
        for (int i = 0; i < n; i++) {
            user.withdrawal(0, "withdrawal " + i, BigInteger.ZERO);
            user.crossRollup(0, 1, "fast " + i);
        }
        p.proposeL2a();

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            assertThat(ids(MessageKind.CROSS_ROLLUP, MessageState.RELAYED)).hasSize(n);
            assertThat(ids(MessageKind.WITHDRAWAL, MessageState.IN_WINDOW)).hasSize(n);
        });
        p.passWindow();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(ids(MessageKind.WITHDRAWAL, MessageState.RELAYED)).hasSize(n));

        String portal = p.devnet.manifest().l2s().getFirst().settlement().portal();
        Map<String, Integer> finalized = OnChainEffects.finalizations(p.devnet.l1(), portal);
        Map<String, Integer> relayed = OnChainEffects.crossRollupRelays(p.devnet.l2(1));
        for (String id : ids(MessageKind.WITHDRAWAL, MessageState.RELAYED)) {
            assertThat(finalized.get(id)).as("withdrawal %s finalized once", id).isEqualTo(1);
        }
        for (String id : ids(MessageKind.CROSS_ROLLUP, MessageState.RELAYED)) {
            assertThat(relayed.get(id)).as("message %s relayed once", id).isEqualTo(1);
            MessageRecord m = p.store.message(id).orElseThrow();
            TxRecord relay = p.store.transactionsOf(id).stream().filter(t -> t.status() == TxRecord.Status.CONFIRMED)
                    .findFirst().orElseThrow();
            var declared = OnChainEffects.declaredBy(p.devnet.l2(1), relay.txHash());
            assertThat(declared).as("the relay of %s declares exactly its message", id).hasSize(1);
            assertThat(OnChainEffects.declares(declared.getFirst(), m, p.devnet.l2(0))).isTrue();
        }
        for (MessageRecord m : p.store.messages(MessageQuery.all())) {
            List<TxRecord> txs = p.store.transactionsOf(m.id());
            assertThat(txs).as("no transaction of %s reverted", m.id())
                    .noneMatch(t -> t.status() == TxRecord.Status.REVERTED);
        }
        // The relayer's own meters count each of its deliveries once, whether its settlement or the watcher's sight
        // of the delivery's event moved the message to RELAYED first.
        for (MessageKind kind : List.of(MessageKind.WITHDRAWAL, MessageKind.CROSS_ROLLUP)) {
            assertThat(p.meters.find("crossbar.relayer.messages").tag("kind", kind.name()).tag("result", "relayed")
                    .counter().count()).as("%s relayed, by the relayer's counter", kind).isEqualTo(n);
            assertThat(p.meters.find("crossbar.relay.latency").tag("kind", kind.name()).timers().stream()
                    .mapToLong(t -> t.count()).sum()).as("%s latencies recorded", kind).isEqualTo(n);
        }
        assertThat(p.store.history(ids(MessageKind.WITHDRAWAL, MessageState.RELAYED).getFirst()))
                .extracting(t -> t.to()).containsSubsequence(MessageState.SENT, MessageState.COMMITTED,
                        MessageState.PROVEN, MessageState.IN_WINDOW, MessageState.READY, MessageState.RELAYING,
                        MessageState.RELAYED);
    }

    private static List<String> ids(MessageKind kind, MessageState state) {
        return p.store.messages(new MessageQuery(Set.of(state), Set.of(kind), null, null, null, null, 1000)).stream()
                .map(MessageRecord::id).toList();
    }
}
