package dev.crossbar.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchFiguresTest {
    @Test
    void percentileIsTheNearestRank() {
        List<Long> hundred = new java.util.ArrayList<>();
        for (long i = 100; i >= 1; i--) {
            hundred.add(i); // unsorted on purpose
        }
        assertThat(BenchFigures.percentile(hundred, 0.5)).isEqualTo(50);
        assertThat(BenchFigures.percentile(hundred, 0.99)).isEqualTo(99);
        assertThat(BenchFigures.percentile(hundred, 1.0)).isEqualTo(100);
        assertThat(BenchFigures.percentile(List.of(7L, 3L), 0.5)).isEqualTo(3);
        assertThat(BenchFigures.percentile(List.of(7L, 3L), 0.99)).isEqualTo(7);
        assertThat(BenchFigures.percentile(List.of(42L), 0.01)).isEqualTo(42);
        assertThat(BenchFigures.percentile(List.of(), 0.5)).isEqualTo(-1);
    }

    @Test
    void percentileOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> BenchFigures.percentile(List.of(1L), 0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> BenchFigures.percentile(List.of(1L), 99)).hasMessageContaining("was 99");
    }

    @Test
    void jsonLineIsOneObjectOnOneLineInOrder() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("unbatched_msgs_per_s", BenchFigures.round1(123.456));
        f.put("raw_tx_per_s", Double.NaN);
        f.put("messages", 300);
        f.put("note", "a \"quoted\"\nline");
        String line = BenchFigures.jsonLine(f);
        assertThat(line).doesNotContain("\n")
                .isEqualTo("{\"unbatched_msgs_per_s\":123.5,\"raw_tx_per_s\":null,\"messages\":300,"
                        + "\"note\":\"a \\\"quoted\\\"\\nline\"}");
    }

    @Test
    void mibRoundsToOneDecimal() {
        assertThat(BenchFigures.mib(512L * 1024 * 1024)).isEqualTo(512.0);
        assertThat(BenchFigures.mib(1024L * 1024 + 104858)).isEqualTo(1.1);
    }
}
