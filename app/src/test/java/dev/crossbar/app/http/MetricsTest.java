package dev.crossbar.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.testing.ApiFixture;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics}: Prometheus text, every name prefixed crossbar_, no label outside the allow-list. */
class MetricsTest {
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @TempDir
    Path dir;

    @Test
    void theScrapeIsPrometheusTextWithCrossbarNamesAndBoundedLabels() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, false, ChainStatusSource.none())) {
            var registry = api.metrics.registry();
            Counter.builder("crossbar.watcher.events").tag("chain", "l2a").register(registry).increment(3);
            // The supervised loops' meters, as SupervisedLoop registers them: their loop label is kept.
            Counter.builder("crossbar.loop.restarts").tag("loop", "relayer-consumer").register(registry).increment();
            Timer.builder("crossbar.relay.latency").tag("kind", "CROSS_ROLLUP").register(registry)
                    .record(Duration.ofSeconds(2));
            // A label with a message id would make one series per message: refused, whole.
            Counter.builder("crossbar.relay.attempts").tag("chain", "l2a").tag("message_id", "0xabc")
                    .register(registry).increment();
            Gauge.builder("crossbar.unbounded", () -> 1).tag("tx", "0xdef").register(registry);

            ApiFixture.Response r = api.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
            String text = r.body();
            assertThat(text).contains("crossbar_watcher_events_total{chain=\"l2a\"} 3.0");
            assertThat(text).contains("crossbar_relay_latency_seconds_count{kind=\"CROSS_ROLLUP\"} 1");
            assertThat(text).contains("crossbar_loop_restarts_total{loop=\"relayer-consumer\"} 1.0");
            assertThat(text).contains("crossbar_jvm_memory_used_bytes{", "crossbar_process_uptime_seconds",
                    "crossbar_jvm_threads_live_threads");
            assertThat(text).doesNotContain("crossbar_relay_attempts", "message_id", "0xabc", "crossbar_unbounded");

            List<String> samples = Arrays.stream(text.split("\n")).filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
            assertThat(samples).hasSizeGreaterThan(10).allSatisfy(l -> assertThat(l).startsWith("crossbar_"));
            Set<String> allowed = new java.util.HashSet<>(Metrics.ALLOWED_TAGS);
            allowed.addAll(Metrics.JVM_TAGS);
            allowed.addAll(Set.of("le", "quantile"));
            for (String line : samples) {
                Matcher m = LABEL.matcher(line.contains("{") ? line.substring(line.indexOf('{'), line.indexOf('}'))
                        : "");
                while (m.find()) {
                    assertThat(m.group(1)).as(line).isIn(allowed);
                }
                if (!line.startsWith("crossbar_jvm_") && !line.startsWith("crossbar_process_")
                        && !line.startsWith("crossbar_system_")) {
                    m.reset();
                    while (m.find()) {
                        assertThat(Metrics.ALLOWED_TAGS).as(line).contains(m.group(1));
                    }
                }
            }
        }
    }
}
