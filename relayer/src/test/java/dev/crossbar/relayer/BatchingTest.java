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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several L2-to-L2 relays in one Multicall3 transaction, under a gas cap, each still delivered once. */
class BatchingTest {
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
    void relaysAreBatchedUnderTheGasCapAndEachIsDeliveredOnce() throws Exception {
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        int n = 12;
        user.crossRollupBatch(0, 1, n, "batched");
        p.awaitWatchers();
        RelayerSettings fast = Pipeline.fastSettings(1);
        String multicall = p.devnet.manifest().l2s().get(1).contract("multicall3");
        RelayerSettings batching = new RelayerSettings(fast.group(), 1, 1, fast.fees(), fast.retry(),
                fast.maxAttempts(), fast.replayMaxAttempts(), fast.gasRaisePercent(),
                new RelayerSettings.Batching(true, 5, 2_000_000, Map.of(902L, multicall)), fast.tick(), null,
                fast.sessionTimeout());
        p.startRelayer(batching, DevKeys.RELAYER);

        await().atMost(Duration.ofSeconds(60)).until(() -> relayed().size() == n);
        Set<String> batchTxs = new HashSet<>();
        for (MessageRecord m : relayed()) {
            batchTxs.add(m.details().get("batchTx"));
        }
        assertThat(batchTxs).as("%d messages in batches of at most 5", n).hasSizeBetween(3, n - 1)
                .doesNotContainNull();
        // The destination watcher may record the relays before the signer has seen its batch transactions reach
        // their confirmations; every one of them must still end up settled.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<TxRecord> txs = p.store.openTransactions(902, DevKeys.RELAYER.address());
            assertThat(txs).isEmpty();
        });
        assertThat(OnChainEffects.crossRollupRelays(p.devnet.l2(1))).hasSize(n).allSatisfy((id, c) ->
                assertThat(c).isEqualTo(1));

        // Each batch transaction declares every message it executes, each once, and nothing else.
        for (String batchTx : batchTxs) {
            List<MessageRecord> members = relayed().stream().filter(m -> batchTx.equals(m.details().get("batchTx")))
                    .toList();
            var declared = OnChainEffects.declaredBy(p.devnet.l2(1), batchTx);
            assertThat(declared).as("batch %s declares its %d members", batchTx, members.size())
                    .hasSize(members.size());
            for (MessageRecord m : members) {
                long matching = 0;
                for (var d : declared) {
                    if (OnChainEffects.declares(d, m, p.devnet.l2(0))) {
                        matching++;
                    }
                }
                assertThat(matching).as("batch %s declares message %s once", batchTx, m.id()).isEqualTo(1);
            }
        }
    }

    private static List<MessageRecord> relayed() {
        return p.store.messages(new MessageQuery(Set.of(MessageState.RELAYED), Set.of(MessageKind.CROSS_ROLLUP), null,
                null, null, null, 1000));
    }
}
