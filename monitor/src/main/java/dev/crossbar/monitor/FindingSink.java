package dev.crossbar.monitor;


/** Where checks put what they find, and say when a condition they found is over. */
public interface FindingSink {
    /** Records an observation as a finding (once per dedupe key while it is open). */
    void report(Observation observation);

    /**
     * Resolves the open findings of {@code kind} on {@code chainId} (a chain producing blocks again, a proposer
     * proposing again, the monitor caught up), except the one with {@code keepKey} (may be null).
     */
    void clear(FindingKind kind, long chainId, String keepKey, String reason);

    /**
     * Resolves the open findings of {@code kind} on {@code chainId} whose dedupe key {@code which} accepts: a
     * condition that is over for some of what it was about (one output checked at last) but not for all. A sink that
     * keeps no open findings has nothing to resolve.
     */
    default void clearIf(FindingKind kind, long chainId, java.util.function.Predicate<String> which, String reason) {}

    /**
     * Whether a finding with {@code dedupeKey} is open, so that a check can skip gathering the evidence of one that is
     * (reporting it again is harmless). A sink that keeps no open findings says no.
     */
    default boolean isOpen(String dedupeKey) {
        return false;
    }
}
