package dev.crossbar.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The topics every service shares (docs/architecture.md, "Data flow"): protocol events from the watchers, messages
 * due for relaying, circuit-breaker control records, and the dead-letter topic for records that cannot be
 * processed. Names, partitions and retention are configuration; {@link #withPrefix} builds the defaults
 * ({@code <prefix>.events}, {@code .messages}, {@code .control}, {@code .deadletter}).
 *
 * <p>Rule: an invalid configuration is refused when it is built, with an error naming the field.
 *
 * @param replicationFactor copies of each partition; 1 for a single broker, 3 in production
 */
public record TopicsConfig(
        TopicSpec events, TopicSpec messages, TopicSpec control, TopicSpec deadLetter, short replicationFactor) {

    public static final String DEFAULT_PREFIX = "crossbar";
    private static final Pattern LEGAL_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    public TopicsConfig {
        require(events, "events");
        require(messages, "messages");
        require(control, "control");
        require(deadLetter, "deadLetter");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, was " + replicationFactor);
        }
        Map<String, String> fieldByName = new HashMap<>();
        for (var field : List.of(Map.entry("events", events), Map.entry("messages", messages),
                Map.entry("control", control), Map.entry("deadLetter", deadLetter))) {
            String other = fieldByName.putIfAbsent(field.getValue().name(), field.getKey());
            if (other != null) {
                throw new IllegalArgumentException(other + " and " + field.getKey() + " must be different topics,"
                        + " both are " + field.getValue().name());
            }
        }
    }

    /** The defaults: {@code crossbar.events}, {@code crossbar.messages}, {@code crossbar.control}, {@code crossbar.deadletter}. */
    public static TopicsConfig defaults() {
        return withPrefix(DEFAULT_PREFIX);
    }

    /**
     * Default partitions and retention under another prefix: events and messages 6 partitions kept 7 days,
     * control 1 partition kept 30 days (one ordered stream of breaker state), dead letters 1 partition kept
     * 30 days (time for an operator to look); replication factor 1.
     */
    public static TopicsConfig withPrefix(String prefix) {
        if (prefix == null || !LEGAL_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix must be letters, digits, '.', '_' or '-' (at most 200), was '"
                    + prefix + "'");
        }
        return new TopicsConfig(
                new TopicSpec(prefix + ".events", 6, Duration.ofDays(7)),
                new TopicSpec(prefix + ".messages", 6, Duration.ofDays(7)),
                new TopicSpec(prefix + ".control", 1, Duration.ofDays(30)),
                new TopicSpec(prefix + ".deadletter", 1, Duration.ofDays(30)),
                (short) 1);
    }

    public TopicsConfig withEvents(TopicSpec spec) {
        return new TopicsConfig(spec, messages, control, deadLetter, replicationFactor);
    }

    public TopicsConfig withMessages(TopicSpec spec) {
        return new TopicsConfig(events, spec, control, deadLetter, replicationFactor);
    }

    public TopicsConfig withControl(TopicSpec spec) {
        return new TopicsConfig(events, messages, spec, deadLetter, replicationFactor);
    }

    public TopicsConfig withDeadLetter(TopicSpec spec) {
        return new TopicsConfig(events, messages, control, spec, replicationFactor);
    }

    public TopicsConfig withReplicationFactor(short factor) {
        return new TopicsConfig(events, messages, control, deadLetter, factor);
    }

    /** Every topic, in a fixed order. */
    public List<TopicSpec> all() {
        return List.of(events, messages, control, deadLetter);
    }

    private static void require(TopicSpec spec, String field) {
        if (spec == null) {
            throw new IllegalArgumentException(field + " is required");
        }
    }
}
