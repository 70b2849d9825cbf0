package dev.crossbar.messaging;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One topic's name, partition count and retention. Rule: a name Kafka would refuse, fewer than one partition
 * or a retention that is not positive is refused here, naming the field and the topic.
 *
 * @param name       legal Kafka topic name: ASCII letters, digits, {@code . _ -}, at most 249 characters
 * @param partitions at least 1; bounds how many consumers of a group work in parallel
 * @param retention  how long records are kept ({@code retention.ms})
 */
public record TopicSpec(String name, int partitions, Duration retention) {
    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicSpec {
        if (name == null || !LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("name must be a legal Kafka topic name (letters, digits, '.', '_', '-';"
                    + " at most 249 characters), was '" + name + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of topic " + name + " must be at least 1, was " + partitions);
        }
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention of topic " + name + " must be positive, was " + retention);
        }
    }

    /** {@code retention.ms} as Kafka wants it. */
    public long retentionMs() {
        return retention.toMillis();
    }
}
