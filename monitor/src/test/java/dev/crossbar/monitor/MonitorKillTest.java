package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.store.OutputRecord;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The monitor in its own JVM, killed with SIGKILL while a challenge is due, and started again: it still deletes the
 * bad output inside its window, and sends one deletion only. Killed across the margin of a window (down while a bad
 * output passes {@code proposal + window * (1 - margin)}), after the restart it raises the critical "window closing"
 * alert and still deletes the output before the window ends: deadlines come from the chain and the store, not from
 * memory. The store is PostgreSQL, shared by the test's watchers and the monitor's process.
 */
class MonitorKillTest {
    static final String PG_URL = System.getenv().getOrDefault("CROSSBAR_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getenv().getOrDefault("CROSSBAR_TEST_PG_USER", "postgres");

    @Test
    void aMonitorKilledWhileAChallengeIsDueStillChallengesInTime() throws Exception {
        String schema = "crossbar_monkill_" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
        Random random = new Random();
        try (Watchtower w = new Watchtower(StoreConfig.postgres(PG_URL, PG_USER, 4, schema))) {
            String group = "monitor-kill-" + schema;
            long window = w.devnet.config().finalizationPeriod().toSeconds();
            Process child = start(w, schema, group);
            try {
                w.proposeL2a();
                await().atMost(Duration.ofSeconds(60)).until(() -> w.store.outputs(Watchtower.L2A, 10).stream()
                        .anyMatch(o -> "VALID".equals(o.verdict())));

                // killed right after a bad output is proposed, started again at once
                BigInteger bad1 = w.nextOutputIndex(0);
                w.operator.proposer("l2a").proposeWrongOutputNext();
                w.proposeL2a();
                Thread.sleep(random.nextInt(400));
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                child = start(w, schema, group);
                await().atMost(Duration.ofSeconds(60)).until(() -> w.nextOutputIndex(0).compareTo(bad1) <= 0);
                OutputRecord first = output(w, bad1);
                assertThat(w.l1Timestamp()).isLessThan(first.l1Timestamp() + window);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(w.store.transactionsOf(
                        "challenge:901:" + bad1 + ":" + first.outputRoot())).noneMatch(TxRecord::isOpen)
                        .filteredOn(t -> t.status() == TxRecord.Status.CONFIRMED).hasSizeLessThanOrEqualTo(1));
                assertThat(deletions(w)).as("one deletion of output %s", bad1).containsExactly(bad1);

                // down while a bad output passes the margin of its window
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                w.proposeL2a();
                BigInteger bad2 = w.nextOutputIndex(0);
                w.operator.proposer("l2a").proposeWrongOutputNext();
                w.proposeL2a();
                w.l1().anvil().increaseTime(window * 6 / 10);
                w.l1().anvil().mine(1);
                child = start(w, schema, group);
                await().atMost(Duration.ofSeconds(60)).until(() -> w.nextOutputIndex(0).compareTo(bad2) <= 0);
                OutputRecord second = output(w, bad2);
                assertThat(w.l1Timestamp()).as("deleted before its window ends")
                        .isLessThan(second.l1Timestamp() + window);
                await().atMost(Duration.ofSeconds(30)).until(() -> w.webhooks.alertmanagerAlerts().stream().anyMatch(a ->
                        Set.of("WINDOW_CLOSING_UNCHECKED", "WINDOW_CLOSING_UNCHALLENGED").contains(
                                a.path("labels").path("kind").asText())
                                && a.path("labels").path("severity").asText().equals("critical")
                                && a.path("annotations").path("description").asText().contains(second.outputRoot())));
                assertThat(w.findings("BAD_OUTPUT")).hasSize(2);
                assertThat(deletions(w)).as("one deletion per bad output").containsExactly(bad1, bad2);
            } finally {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try (var c = DriverManager.getConnection(PG_URL, PG_USER, null); var st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /**
     * On a fault-proof devnet: killed the moment its counter to a false root is recorded (in flight, or about to be
     * broadcast) and started again, it counters the root once, resolves the game CHALLENGER_WINS once the root's clock has run out, and
     * claims the bonds: the game's state comes from the chain, the moves in flight from the store.
     */
    @Test
    void aMonitorKilledInAGameStillWinsItWithOneCounter() throws Exception {
        String schema = "crossbar_monkill_" + Long.toHexString(new Random().nextLong() & 0xffffffffL);
        try (Watchtower w = Watchtower.faultProofs(StoreConfig.postgres(PG_URL, PG_USER, 4, schema))) {
            String group = "monitor-kill-" + schema;
            var fp = w.devnet.manifest().l2("l2a").faultProofs();
            var l1 = w.clients.get(Watchtower.L1);
            Process child = start(w, schema, group);
            try {
                w.operator.misbehave(dev.crossbar.devnet.operator.Misbehaviour.WRONG_ROOT, "l2a", null);
                w.l2(0).anvil().mine(1);
                var wrong = w.operator.gameProposer("l2a").propose(
                        dev.crossbar.devnet.faultproof.FaultProofParams.ALPHABET, w.l2(0).blockNumber().longValueExact());
                // killed the moment its counter is recorded (sent or about to be): the work has started
                String counter = "move:" + wrong.address().toLowerCase() + ":0:attack";
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> !w.store.transactionsOf(counter).isEmpty());
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                child = start(w, schema, group);

                await().atMost(Duration.ofSeconds(60)).until(() ->
                        dev.crossbar.core.chain.FaultProofViews.claimCount(l1, wrong.address(), "latest") > 1);
                w.l1().anvil().increaseTime(fp.maxClockDurationSeconds() + 1);
                w.l1().anvil().mine(1);
                await().atMost(Duration.ofSeconds(60)).until(() -> dev.crossbar.core.chain.FaultProofViews
                        .outcome(l1, wrong.address()).status() == dev.crossbar.core.chain.FaultProofViews.CHALLENGER_WINS);
                assertThat(dev.crossbar.core.chain.FaultProofViews.claimCount(l1, wrong.address(), "latest"))
                        .as("one counter to the false root, however the kill fell").isEqualTo(2);
                w.l1().anvil().increaseTime(fp.delayedWethDelaySeconds() + 1);
                w.l1().anvil().mine(1);
                await().atMost(Duration.ofSeconds(60)).until(() -> dev.crossbar.core.chain.FaultProofViews.credit(l1,
                        wrong.address(), dev.crossbar.devnet.DevKeys.CHALLENGER.address()).signum() == 0);
                assertThat(w.findings("WRONG_RESOLUTION")).isEmpty();
            } finally {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            try (var c = DriverManager.getConnection(PG_URL, PG_USER, null); var st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** The first index each OutputsDeleted of l2a's oracle deleted from, in order. */
    private static java.util.List<BigInteger> deletions(Watchtower w) throws Exception {
        var f = new org.web3j.protocol.core.methods.request.EthFilter(
                org.web3j.protocol.core.DefaultBlockParameterName.EARLIEST,
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST, w.settlement(0).outputOracle());
        f.addSingleTopic(org.web3j.abi.EventEncoder.encode(dev.crossbar.contracts.bindings.OutputOracle
                .OUTPUTSDELETED_EVENT));
        return w.l1().web3j().ethGetLogs(f).send().getLogs().stream().map(r ->
                org.web3j.utils.Numeric.toBigInt(((org.web3j.protocol.core.methods.response.Log) r.get()).getTopics()
                        .get(2))).toList();
    }

    private static OutputRecord output(Watchtower w, BigInteger index) {
        return w.store.outputs(Watchtower.L2A, 50).stream().filter(o -> o.outputIndex().equals(index)).findFirst()
                .orElseThrow();
    }

    private static Process start(Watchtower w, String schema, String group) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), MonitorChild.class.getName(),
                w.devnet.config().dataDir().toString(), PG_URL, PG_USER, schema,
                dev.crossbar.kafka.embedded.KafkaFixture.bootstrapServers(),
                w.topics.events().name().replace(".events", ""), group, w.webhooks.alertmanagerUrl().toString(),
                w.webhooks.jsonUrl().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        w.dir.resolve("monitor-child.log").toFile())).start();
    }
}
