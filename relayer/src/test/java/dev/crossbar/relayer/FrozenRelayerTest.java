package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.KeyLease;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The classic split brain: two relayers in one group (each its own JVM, one PostgreSQL store), and the one that owns
 * the L2-to-L2 key is frozen (SIGSTOP) while its relays are in flight, longer than its session timeout, so the group
 * hands its key to the other; then it is resumed (SIGCONT) and traffic goes on. The frozen one must send nothing
 * more under the key it lost: checked from the store (no transaction is ever recorded under an epoch older than
 * one already used) and from the chain (every message relayed exactly once, every transaction of the signer a
 * successful relay: no extra transaction).
 */
class FrozenRelayerTest {
    private static final String KEY = "902:0";

    @Test
    void aRelayerFrozenPastItsSessionSendsNothingForTheKeyItLost() throws Exception {
        String schema = "crossbar_frozen_" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
        try (Pipeline p = new Pipeline(1, StoreConfig.postgres(RelayerKillTest.PG_URL, RelayerKillTest.PG_USER, 4,
                schema))) {
            DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
            long fromBlock = p.devnet.l2(1).blockNumber().longValueExact() + 1;
            String group = "relayer-frozen-" + schema;
            Process a = RelayerChild.start(p, RelayerKillTest.PG_URL, RelayerKillTest.PG_USER, schema, group,
                    "relayer-a", p.dir.resolve("relayer-a.log"));
            Process b = RelayerChild.start(p, RelayerKillTest.PG_URL, RelayerKillTest.PG_USER, schema, group,
                    "relayer-b", p.dir.resolve("relayer-b.log"));
            try {
                // Both have joined and the key has settled on one of them for a while.
                KeyLease[] seen = new KeyLease[1];
                Instant[] since = {Instant.now()};
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    KeyLease l = p.store.lease(KEY).filter(x -> x.expiresAt().isAfter(Instant.now())).orElse(null);
                    if (l == null || seen[0] == null || l.epoch() != seen[0].epoch()) {
                        seen[0] = l;
                        since[0] = Instant.now();
                        return false;
                    }
                    return Duration.between(since[0], Instant.now()).toSeconds() >= 4
                            && log(p, "relayer-a").contains("relayer started")
                            && log(p, "relayer-b").contains("relayer started");
                });
                String frozenName = seen[0].owner();
                Process frozen = frozenName.equals("relayer-a") ? a : b;
                String otherName = frozenName.equals("relayer-a") ? "relayer-b" : "relayer-a";

                // Relays in flight for the key, then the freeze: as soon as the owner recorded its first one.
                user.crossRollupBatch(0, 1, 20, "frozen-before");
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> !txs(schema).isEmpty());
                signal(frozen, "STOP");
                Instant frozenAt = Instant.now();
                long frozenEpoch = p.store.lease(KEY).orElseThrow().epoch();
                long pendingAtFreeze = messagesTo(p, 902).stream().filter(m -> m.state() != MessageState.RELAYED)
                        .count();
                assertThat(pendingAtFreeze).as("relays still to do when the owner froze").isPositive();

                user.crossRollupBatch(0, 1, 10, "frozen-during");
                await().atMost(Duration.ofSeconds(90)).until(() -> p.store.lease(KEY)
                        .filter(l -> l.owner().equals(otherName) && l.epoch() > frozenEpoch).isPresent());
                await().atMost(Duration.ofSeconds(90)).until(() -> relayedCount(p) == 30);

                signal(frozen, "CONT");
                Instant resumedAt = Instant.now();
                user.crossRollupBatch(0, 1, 10, "frozen-after");
                await().atMost(Duration.ofSeconds(90)).until(() -> relayedCount(p) == 40);
                // The resumed one hears of the group's decision when it polls again.
                await().atMost(Duration.ofSeconds(60)).until(() -> log(p, frozenName).contains("released key=" + KEY)
                        || log(p, frozenName).contains("fenced off key=" + KEY));
                p.devnet.l2(1).anvil().mine(1);

                List<LeasedTx> recorded = txs(schema);
                long epochSoFar = 0;
                for (LeasedTx t : recorded) {
                    assertThat(t.epoch).as("transaction %s recorded under epoch %s after epoch %s was in use (%s)",
                            t.hash, t.epoch, epochSoFar, recorded).isGreaterThanOrEqualTo(epochSoFar);
                    epochSoFar = t.epoch;
                    if (t.owner.equals(frozenName) && t.epoch == frozenEpoch) {
                        assertThat(t.createdAt).as("nothing recorded under the lost lease after the freeze")
                                .isBefore(frozenAt.plusMillis(100));
                    }
                }
                assertThat(recorded).as("the other took the key over during the freeze and relayed")
                        .anyMatch(t -> t.owner.equals(otherName) && t.epoch > frozenEpoch
                                && t.createdAt.isAfter(frozenAt) && t.createdAt.isBefore(resumedAt));

                Map<String, Integer> relays = OnChainEffects.crossRollupRelays(p.devnet.l2(1));
                for (MessageRecord m : messagesTo(p, 902)) {
                    assertThat(relays.get(m.id())).as("%s relayed once on chain", m.id()).isEqualTo(1);
                }
                List<OnChainEffects.SignerTx> onChain = OnChainEffects.signerTransactions(p.devnet.l2(1),
                        DevKeys.RELAYER.address(), fromBlock);
                assertThat(onChain).as("every transaction of the signer is one successful relay (no extra)")
                        .allMatch(t -> t.succeeded() && t.relays() == 1).hasSize(40);
                System.out.printf("TIMING frozen relayer: frozen %d ms with %d relays pending; taken over by %s;"
                        + " %d transactions, epochs %s%n", Duration.between(frozenAt, resumedAt).toMillis(),
                        pendingAtFreeze, otherName, recorded.size(),
                        recorded.stream().map(t -> t.epoch).distinct().toList());
            } finally {
                for (Process c : List.of(a, b)) {
                    signal(c, "CONT");
                    c.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            try (Connection c = DriverManager.getConnection(RelayerKillTest.PG_URL, RelayerKillTest.PG_USER, null);
                    var st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private record LeasedTx(long id, String hash, String owner, long epoch, Instant createdAt) {}

    /** The transactions recorded for the key's signer on the destination, in the order they were recorded. */
    private static List<LeasedTx> txs(String schema) throws Exception {
        List<LeasedTx> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(RelayerKillTest.PG_URL, RelayerKillTest.PG_USER, null);
                var st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, tx_hash, lease_owner, lease_epoch, created_at FROM " + schema
                        + ".transactions WHERE chain_id = 902 ORDER BY id")) {
            while (rs.next()) {
                out.add(new LeasedTx(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                        Instant.ofEpochMilli(rs.getLong(5))));
            }
        }
        return out;
    }

    private static List<MessageRecord> messagesTo(Pipeline p, long destination) {
        return p.store.messages(new MessageQuery(null, Set.of(MessageKind.CROSS_ROLLUP), null, null, destination,
                null, 1000));
    }

    private static long relayedCount(Pipeline p) {
        return messagesTo(p, 902).stream().filter(m -> m.state() == MessageState.RELAYED).count();
    }

    private static String log(Pipeline p, String name) throws Exception {
        Path f = p.dir.resolve(name + ".log");
        return Files.exists(f) ? Files.readString(f) : "";
    }

    private static void signal(Process p, String signal) throws Exception {
        if (p.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
