package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.store.Finding;
import dev.crossbar.store.OutputRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The monitor stopped and started again (in-process, no kill) while valid outputs are outstanding: it checks them
 * before it judges any deadline. Restarted inside their act-by time, nothing about them is found; restarted after it (the L1
 * clock moved past {@code proposal + window * (1 - margin)} while it was down), each output is VALID and at most a
 * warning that the monitor was late: never the critical WINDOW_CLOSING_UNCHECKED (issue #10, item 4).
 */
class MonitorRestartTest {

    @Test
    void aRestartAroundTheActByTimeRaisesNoCriticalFindingForValidOutputs() throws Exception {
        try (Watchtower w = new Watchtower()) {
            MonitorSettings settings = w.settings();
            long window = w.devnet.config().finalizationPeriod().toSeconds();
            w.startMonitor(settings);
            w.proposeL2a();
            await().atMost(Duration.ofSeconds(30)).until(() -> outstanding(w).isEmpty()
                    && !w.store.outputs(Watchtower.L2A, 10).isEmpty());

            // stopped and started again inside the act-by time: checked, nothing found
            w.stopMonitor();
            w.proposeL2a();
            proposeL2b(w);
            await().atMost(Duration.ofSeconds(30)).until(() -> outstanding(w).size() == 2);
            w.startMonitor(settings);
            await().atMost(Duration.ofSeconds(30)).until(() -> outstanding(w).isEmpty());
            awaitNextRound(w);
            assertThat(w.store.findings(null, 1000)).as("findings of a restart inside the act-by time")
                    .noneMatch(f -> f.severity().equals("critical"));
            assertThat(lateWarnings(w)).as("nothing was late").isEmpty();

            // stopped while outputs are outstanding; their act-by time passes before the monitor is back
            w.stopMonitor();
            w.proposeL2a();
            w.proposeL2a();
            proposeL2b(w);
            await().atMost(Duration.ofSeconds(30)).until(() -> outstanding(w).size() == 3);
            List<OutputRecord> late = outstanding(w);
            w.l1().anvil().increaseTime(window * 6 / 10);
            w.l1().anvil().mine(1);
            assertThat(w.l1Timestamp()).as("act-by time passed, window still open").isGreaterThanOrEqualTo(
                    late.getFirst().l1Timestamp() + window / 2).isLessThan(late.getFirst().l1Timestamp() + window);
            w.startMonitor(settings);
            await().atMost(Duration.ofSeconds(30)).until(() -> outstanding(w).isEmpty());
            awaitNextRound(w);

            assertThat(w.store.outputs(null, 100)).allMatch(o -> "VALID".equals(o.verdict()));
            assertThat(w.findings("WINDOW_CLOSING_UNCHECKED")).as("valid outputs checked after a restart").isEmpty();
            assertThat(w.store.findings(null, 1000)).as("no critical finding").noneMatch(f ->
                    f.severity().equals("critical"));
            await().atMost(Duration.ofSeconds(10)).until(() -> lateWarnings(w).size() == late.size());
            for (OutputRecord o : late) {
                assertThat(lateWarnings(w)).as("a warning that output %s was checked late", o.outputIndex())
                        .anySatisfy(f -> {
                            assertThat(f.severity()).isEqualTo("warning");
                            assertThat(f.chainId()).isEqualTo(o.l2ChainId());
                            assertThat(f.evidence()).containsEntry("outputIndex", o.outputIndex().toString())
                                    .containsEntry("verdict", "VALID").containsKeys("actBy", "deadline", "seen");
                            assertThat(f.summary()).contains("late");
                        });
            }
            assertThat(w.webhooks.alertmanagerAlerts()).noneMatch(a ->
                    a.path("labels").path("severity").asText().equals("critical"));
        }
    }

    /** Proposed outputs without a verdict, on both L2s. */
    static List<OutputRecord> outstanding(Watchtower w) {
        return w.store.outputs(null, 100).stream()
                .filter(o -> o.status() == OutputRecord.Status.PROPOSED && o.verdict() == null).toList();
    }

    /** Findings that a valid output was checked only after its act-by time. */
    static List<Finding> lateWarnings(Watchtower w) {
        return w.findings("MONITOR_LAGGING").stream().filter(f -> f.dedupeKey().contains(":output:")).toList();
    }

    static void proposeL2b(Watchtower w) throws Exception {
        w.l2(1).anvil().mine(1);
        w.operator.proposer("l2b").propose(w.l2(1).blockNumber().longValueExact());
    }

    /**
     * Waits until a patrol round has run to its end after now: the round checks outputs and judges their deadlines
     * before it looks at the chains' heads, so a head newer than the L1's head now means those steps have run since.
     */
    static void awaitNextRound(Watchtower w) throws Exception {
        long head = w.clients.get(Watchtower.L1).blockNumber();
        await().atMost(Duration.ofSeconds(20)).until(() -> w.monitor.seenHead(Watchtower.L1) > head);
    }
}
