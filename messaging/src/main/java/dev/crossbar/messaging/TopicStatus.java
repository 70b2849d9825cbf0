package dev.crossbar.messaging;

/**
 * What {@link TopicAdmin} found or did for one topic.
 *
 * @param detail what was created or raised, or every way the topic differs from its configuration
 */
public record TopicStatus(String topic, Outcome outcome, String detail) {
    public enum Outcome {
        CREATED,
        UNCHANGED,
        PARTITIONS_RAISED,
        /** The topic exists and differs from its configuration in a way that was not (or cannot be) fixed. */
        MISMATCH
    }

    public boolean isMismatch() {
        return outcome == Outcome.MISMATCH;
    }
}
