package dev.crossbar.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sampler behind {@code /api/history} over a real meter registry, its samples taken one by one (not started, so
 * no timer interleaves): what each interval counts, the mean latency of an interval, and the hour it keeps.
 */
class MetricsHistoryTest {
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private Long lag = 7L;
    private final MetricsHistory history = new MetricsHistory(null, meters, () -> {
        Map<String, Object> row = new HashMap<>();
        row.put("name", "l2a");
        row.put("lag", lag);
        return Future.succeededFuture(List.of(row));
    });

    private MetricsHistory.Sample sample() {
        return history.sample().result();
    }

    @Test
    void eachSampleCountsItsIntervalOnly() {
        Counter relayed = Counter.builder(MetricsHistory.RELAYED).tag("kind", "CROSS_ROLLUP").tag("result", "relayed")
                .register(meters);
        Timer latency = Timer.builder(MetricsHistory.LATENCY).tag("kind", "CROSS_ROLLUP").tag("chain", "l2b")
                .register(meters);
        relayed.increment(4);
        latency.record(Duration.ofSeconds(9));

        MetricsHistory.Sample first = sample();
        assertThat(first.relayed()).as("no interval before the first").isNull();
        assertThat(first.latencyMs()).isNull();
        assertThat(first.lag()).containsEntry("l2a", 7L);

        relayed.increment(2);
        latency.record(Duration.ofSeconds(2));
        latency.record(Duration.ofSeconds(4));
        lag = null;
        MetricsHistory.Sample second = sample();
        assertThat(second.relayed()).isEqualTo(2);
        assertThat(second.latencyMs()).as("the mean of this interval's deliveries").isEqualTo(3000.0);
        assertThat(second.lag()).containsEntry("l2a", null);

        MetricsHistory.Sample idle = sample();
        assertThat(idle.relayed()).isZero();
        assertThat(idle.latencyMs()).as("no delivery confirmed").isNull();
    }

    @Test
    void itKeepsAnHourOfSamples() {
        int hour = (int) (MetricsHistory.WINDOW.toSeconds() / MetricsHistory.INTERVAL.toSeconds());
        List<MetricsHistory.Sample> taken = new ArrayList<>();
        for (int i = 0; i < hour + 5; i++) {
            taken.add(sample());
        }
        @SuppressWarnings("unchecked")
        List<MetricsHistory.Sample> kept = (List<MetricsHistory.Sample>) history.view().get("samples");
        assertThat(kept).hasSize(hour).containsExactlyElementsOf(taken.subList(5, taken.size()));
    }
}
