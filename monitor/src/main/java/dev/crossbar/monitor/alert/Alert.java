package dev.crossbar.monitor.alert;

import dev.crossbar.monitor.FindingKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An alert about one finding: what, where, the evidence, how urgent, what to do, and since when (and, once the
 * condition is over, until when).
 *
 * @param findingId the store's id of the finding (alerts about the same finding are the same alert)
 * @param endsAt null while firing
 */
public record Alert(long findingId, FindingKind kind, String chain, long chainId, String summary,
        Map<String, String> evidence, Instant startsAt, Instant endsAt, String dedupeKey) {

    public Alert {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(startsAt, "startsAt");
        evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    public boolean resolved() {
        return endsAt != null;
    }

    public Alert resolvedAt(Instant at) {
        return new Alert(findingId, kind, chain, chainId, summary, evidence, startsAt, at, dedupeKey);
    }

    /** This alert as resolved at {@code at}, its evidence ending with why ({@code resolution}). */
    public Alert resolvedAt(Instant at, String reason) {
        Map<String, String> withReason = new LinkedHashMap<>(evidence);
        withReason.put("resolution", reason);
        return new Alert(findingId, kind, chain, chainId, summary, withReason, startsAt, at, dedupeKey);
    }

    /** The evidence as {@code key=value} lines. */
    public String description() {
        return evidence.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
    }
}
