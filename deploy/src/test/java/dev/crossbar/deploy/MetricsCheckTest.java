package dev.crossbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.monitor.MonitorMetrics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checks LiveMetricsIT applies, on made-up scrapes: they must fail when a used metric or label is missing; and
 * applied to the metrics that test's devnet cannot show.
 */
class MetricsCheckTest {
    @Test
    void namesAndLabelsAreParsedOutOfPromQl() {
        String expr = "(max by (namespace, chain) (changes(crossbar_watcher_cursor_block{namespace=\"n\", "
                + "job=~\"j-(a|b)\"}[15m])) == 0) and on (namespace) histogram_quantile(0.95, sum by (le, kind) "
                + "(rate(crossbar_relay_latency_seconds_bucket{kind=\"CROSS_ROLLUP\"}[5m]))) > 1e+08 or "
                + "absent(up{job=\"x\"} == 1)";
        assertThat(Metrics.namesIn(expr)).containsExactlyInAnyOrder("crossbar_watcher_cursor_block",
                "crossbar_relay_latency_seconds_bucket", "up");
        assertThat(Metrics.selectorLabels(expr)).containsEntry("crossbar_relay_latency_seconds_bucket", Set.of("kind"))
                .containsEntry("crossbar_watcher_cursor_block", Set.of("namespace", "job"));
        assertThat(Metrics.groupingLabels(expr)).containsEntry("crossbar_watcher_cursor_block",
                Set.of("namespace", "chain")).containsEntry("crossbar_relay_latency_seconds_bucket", Set.of("le", "kind"));
        assertThat(Metrics.balanced(expr)).isTrue();
        assertThat(Metrics.balanced("sum(rate(x[5m])")).isFalse();
    }

    @Test
    void aMissingMetricOrLabelOrANaNOnlyMetricIsReported() {
        List<Rendered.Expression> used = List.of(
                new Rendered.Expression("alert A", "max by (chain) (crossbar_watcher_lag_blocks{job=\"j\"}) > 5"),
                new Rendered.Expression("alert B", "sum(increase(crossbar_relayer_messages_total{result=\"x\"}[5m]))"),
                new Rendered.Expression("panel C", "histogram_quantile(0.9, sum by (le) (rate("
                        + "crossbar_relay_latency_seconds_bucket[5m])))"),
                new Rendered.Expression("alert D", "crossbar_kafka_consumer_lag > 1"));
        String scrape = """
                # HELP crossbar_watcher_lag_blocks blocks
                crossbar_watcher_lag_blocks{chain="l1"} 3.0
                crossbar_relayer_messages_total{kind="DEPOSIT"} 0.0
                crossbar_relay_latency_seconds_bucket{kind="X",le="1.0"} 0
                crossbar_kafka_consumer_lag{component="relayer"} NaN
                """;
        Map<String, Set<String>> exported = Metrics.exported(scrape);
        assertThat(LiveMetricsIT.check(used, exported, Metrics.withValues(scrape))).containsExactlyInAnyOrder(
                "crossbar_kafka_consumer_lag is exported only as NaN (used by alert D)",
                "crossbar_relayer_messages_total lacks the labels [result] (has [kind]; used by alert B)");
        assertThat(LiveMetricsIT.check(used, Metrics.exported("crossbar_watcher_lag_blocks{chain=\"a\"} 1\n"),
                Set.of("crossbar_watcher_lag_blocks"))).hasSize(3)
                .anyMatch(p -> p.startsWith("crossbar_relay_latency_seconds_bucket is not exported (used by panel C)"));
        assertThat(Metrics.seriesFor("crossbar_relay_latency_seconds", exported))
                .containsExactly("crossbar_relay_latency_seconds_bucket");
    }

    /**
     * The monitor's dispute-game gauges, which LiveMetricsIT's devnet (output oracles) does not export: what the
     * chart's rules and panels read of them is what the monitor's meters export through the application's registry
     * (its naming, and its allow-list of label keys, which refuses a meter with any other).
     */
    @Test
    void theDisputeGameMetricsTheChartReadsAreWhatTheMonitorExports() {
        List<Rendered.Expression> used = Helm.template("prod", "bridge", List.of(Repo.productionValues()))
                .expressions().stream().filter(e -> Metrics.namesIn(e.expr()).stream()
                        .anyMatch(LiveMetricsIT.DISPUTE_GAMES_ONLY::contains)).toList();
        assertThat(used).extracting(Rendered.Expression::usedBy).contains("alert CrossbarGameAtRisk",
                "alert CrossbarGameResolvedAgainstVerdict", "alert CrossbarBondsUnclaimed");
        try (dev.crossbar.app.http.Metrics app = dev.crossbar.app.http.Metrics.create()) {
            MonitorMetrics monitor = new MonitorMetrics(app.registry());
            monitor.games("l2a", "CHALLENGER_WINS", "disagree", 1);
            monitor.gameClaims("l2a", "dishonest", 2);
            monitor.gameClockLeft("l2a", 600);
            monitor.gameBonds("l2a", "claimable", 1e17);
            String scrape = app.scrape();

            Map<String, Set<String>> exported = Metrics.exported(scrape);
            assertThat(exported.keySet()).containsAll(LiveMetricsIT.DISPUTE_GAMES_ONLY);
            assertThat(LiveMetricsIT.check(used, exported, Metrics.withValues(scrape))).isEmpty();
        }
    }
}
