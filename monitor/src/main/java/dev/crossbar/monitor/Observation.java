package dev.crossbar.monitor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a check saw that is worth a finding: its kind, the chain it is about, the key that makes the same thing
 * seen twice one finding, a one-line summary and the evidence (chain, block, hashes, expected and seen values,
 * deadline) an operator needs to act.
 */
public record Observation(FindingKind kind, long chainId, String dedupeKey, String summary,
        Map<String, String> evidence) {

    public Observation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        Objects.requireNonNull(summary, "summary");
        evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** Builds evidence in the order it is given: {@code evidence("chain", "l2a", "block", "12")}. */
    public static Map<String, String> evidence(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("evidence needs key/value pairs");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(String.valueOf(keyValues[i]), String.valueOf(keyValues[i + 1]));
        }
        return m;
    }
}
