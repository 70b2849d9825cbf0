package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.store.Finding;
import dev.crossbar.watcher.ChainWatcher;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The monitor watches itself: when it falls more than 30 blocks behind l2b (its watcher stopped), it raises
 * MONITOR_LAGGING after the grace period and reports the lag as {@code crossbar_monitor_lag_blocks{chain}}; once it
 * catches up the finding is resolved. Falling behind is no misbehaviour: no breaker is tripped.
 */
class SelfLagTest {

    @Test
    void theMonitorAlertsWhenItFallsBehindAChain() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startMonitor(w.settings());
            await().atMost(Duration.ofSeconds(30)).until(() -> lag(w, "l2b") < 30);
            ChainWatcher l2b = w.watchers.stream().filter(x -> x.chain().name().equals("l2b")).findFirst()
                    .orElseThrow();
            l2b.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            w.l2(1).anvil().mine(50);

            Finding finding = w.awaitFinding("MONITOR_LAGGING", Duration.ofSeconds(30));
            assertThat(finding.severity()).isEqualTo("warning");
            assertThat(finding.chainId()).isEqualTo(Watchtower.L2B);
            assertThat(lag(w, "l2b")).isGreaterThan(30);
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("MONITOR_LAGGING", "l2b")
                    .isPresent());
            assertThat(w.tripped(Watchtower.L2B)).isFalse();

            l2b.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> w.findings("MONITOR_LAGGING").getFirst().status()
                    .equals("RESOLVED"));
            assertThat(lag(w, "l2b")).isLessThanOrEqualTo(30);
        }
    }

    private static double lag(Watchtower w, String chain) {
        Gauge g = w.meters.find("crossbar.monitor.lag.blocks").tag("chain", chain).gauge();
        return g == null ? Double.NaN : g.value();
    }
}
