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
}
