package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.testkit.StoreOutage;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The patrol is a supervised loop: a round whose steps the store fails is counted and reported down (what readiness
 * reads), naming the failed steps, until a round runs clean again.
 */
class PatrolLoopTest {

    @Test
    void aPatrolWhoseStepsTheStoreFailsIsDownAndCountedUntilARoundRunsClean() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startMonitor(w.settings());
            await().atMost(Duration.ofSeconds(30)).until(() -> patrol().map(l -> l.down().isEmpty()).orElse(false));

            try (StoreOutage outage = StoreOutage.hide(w.dir.resolve("store.db"), "chain_cursors")) {
                // A round that began before the outage may fail only its later steps: wait for one that ran wholly in it.
                await().atMost(Duration.ofSeconds(20)).until(() -> patrol().flatMap(SupervisedLoop::down)
                        .filter(reason -> reason.contains("lag on l1 (")).isPresent());
                assertThat(patrol().flatMap(SupervisedLoop::down)).get().asString()
                        .contains("patrol steps failed: ").contains("lag on l1 (")
                        .contains("no such table: chain_cursors");
                assertThat(w.meters.get("crossbar.loop.restarts").tag("loop", "monitor-patrol").counter().count())
                        .isGreaterThanOrEqualTo(1);
                assertThat(w.meters.get("crossbar.loop.up").tag("loop", "monitor-patrol").gauge().value()).isZero();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> patrol().map(l -> l.down().isEmpty()).orElse(false));
            assertThat(w.meters.get("crossbar.loop.up").tag("loop", "monitor-patrol").gauge().value()).isEqualTo(1);
        }
        assertThat(patrol()).as("stopped with the monitor").isEmpty();
    }

    private static Optional<SupervisedLoop> patrol() {
        return SupervisedLoop.running().stream().filter(l -> l.name().equals("monitor-patrol")).findFirst();
    }
}
