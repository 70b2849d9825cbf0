package dev.crossbar.app.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** What the benchmarks share to report: percentiles, rounding, and the one-line JSON object they end with. */
final class BenchFigures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double MIB = 1024.0 * 1024.0;

    private BenchFigures() {}

    /**
     * The nearest-rank percentile of {@code values}: the smallest value with at least {@code p} of them at or below
     * it ({@code p} in (0, 1]); -1 when there is none.
     */
    static long percentile(Collection<Long> values, double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("percentile must be in (0, 1], was " + p);
        }
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    /**
     * The machine's load average over the last minute (-1 where the system has none): the benchmarks print it, since
     * their figures mean little on a machine busy with something else.
     */
    static double loadAverage() {
        return round1(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** {@code value} rounded to one decimal, for figures a reader compares by eye. */
    static double round1(double value) {
        return Math.round(value * 10.0) / 10.0;
    }

    static double mib(long bytes) {
        return round1(bytes / MIB);
    }

    /**
     * {@code fields} as one JSON object on one line, in their order: what a script reads from a benchmark's last
     * line. A rate that could not be measured (NaN, infinite) is written as null.
     */
    static String jsonLine(Map<String, ?> fields) {
        Map<String, Object> clean = new java.util.LinkedHashMap<>();
        fields.forEach((k, v) -> clean.put(k, v instanceof Double d && (d.isNaN() || d.isInfinite()) ? null : v));
        try {
            return JSON.writeValueAsString(clean);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the benchmark's JSON line", e);
        }
    }
}
