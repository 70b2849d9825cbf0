package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The relayer killed with SIGKILL at random points while messages are in flight, and started again: every message
 * ends delivered once, and no transaction was sent for an effect that was already on chain. The relayer runs in
 * its own JVM against PostgreSQL (the store several processes share); the watchers run in the test's JVM.
 */
class RelayerKillTest {
    static final String PG_URL = System.getenv().getOrDefault("CROSSBAR_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getenv().getOrDefault("CROSSBAR_TEST_PG_USER", "postgres");

    @Test
    void aRelayerKilledAtRandomPointsDeliversEverythingOnceAfterRestarts() throws Exception {
        String schema = "crossbar_kill_" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
        try (Pipeline p = new Pipeline(1, StoreConfig.postgres(PG_URL, PG_USER, 4, schema))) {
            DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
            int n = 6;
            for (int i = 0; i < n; i++) {
                user.withdrawal(0, "kill-withdrawal " + i, BigInteger.ZERO);
                user.crossRollup(0, 1, "kill-fast " + i);
                user.crossRollup(1, 0, "kill-back " + i);
            }
            p.proposeL2a();
            String group = "relayer-kill-" + schema;
            Random random = new Random(42);
            Process child = startChild(p, schema, group);
            try {
                child = killAndRestart(p, child, schema, group, random, 4);
                await().atMost(Duration.ofSeconds(120)).until(() -> p.store.messages(new MessageQuery(
                        Set.of(MessageState.IN_WINDOW), Set.of(MessageKind.WITHDRAWAL), null, null, null, null, 100))
                        .size() == n);
                p.passWindow();
                child = killAndRestart(p, child, schema, group, random, 3);
                Process last = child;
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(relayed(p))
                        .as("relayed so far (by state: %s; child alive: %s)", p.store.countByState(), last.isAlive())
                        .hasSize(3 * n));
            } finally {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(relayed(p)).hasSize(3 * n);

            String portal = p.devnet.manifest().l2s().getFirst().settlement().portal();
            Map<String, Integer> finalized = OnChainEffects.finalizations(p.devnet.l1(), portal);
            Map<String, Integer> relayedOnB = OnChainEffects.crossRollupRelays(p.devnet.l2(1));
            Map<String, Integer> relayedOnA = OnChainEffects.crossRollupRelays(p.devnet.l2(0));
            for (MessageRecord m : relayed(p)) {
                Map<String, Integer> effects = m.kind() == MessageKind.WITHDRAWAL ? finalized
                        : m.destinationChainId() == 902 ? relayedOnB : relayedOnA;
                assertThat(effects.get(m.id())).as("%s delivered once", m.id()).isEqualTo(1);
                List<TxRecord> txs = p.store.transactionsOf(m.id());
                assertThat(txs).as("no transaction of %s reverted (none was sent for an effect already on chain)",
                        m.id()).noneMatch(t -> t.status() == TxRecord.Status.REVERTED);
                assertThat(txs.stream().filter(t -> t.status() == TxRecord.Status.CONFIRMED
                        && !t.purpose().equals("PROVE")).count()).as("one delivery transaction for %s", m.id())
                        .isLessThanOrEqualTo(1);
            }
        } finally {
            try (var c = DriverManager.getConnection(PG_URL, PG_USER, null); var st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static List<MessageRecord> relayed(Pipeline p) {
        return p.store.messages(new MessageQuery(Set.of(MessageState.RELAYED),
                Set.of(MessageKind.WITHDRAWAL, MessageKind.CROSS_ROLLUP), null, null, null, null, 1000));
    }

    /** SIGKILLs the relayer {@code times} times at random moments, starting it again each time. */
    private static Process killAndRestart(Pipeline p, Process child, String schema, String group, Random random,
            int times) throws Exception {
        for (int kill = 0; kill < times; kill++) {
            Thread.sleep(300 + random.nextInt(1500));
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, nothing cleaned up
            child = startChild(p, schema, group);
        }
        return child;
    }

    private static Process startChild(Pipeline p, String schema, String group) throws Exception {
        return RelayerChild.start(p, PG_URL, PG_USER, schema, group, "relayer-0", p.dir.resolve("child.log"));
    }
}
