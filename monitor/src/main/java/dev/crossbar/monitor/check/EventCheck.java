package dev.crossbar.monitor.check;

import dev.crossbar.monitor.Check;

/** A check started by one protocol event, run until it concludes (and again after every {@link Outcome.Wait}). */
public interface EventCheck {
    /** Which check it is (metrics, per-chain switches). */
    Check check();

    /** The chain it is about (its breaker is what a finding trips). */
    long chainId();

    /** What it checks, for logs: the event and the subject. */
    String describe();

    /**
     * Runs it once.
     *
     * @param waitForBehind whether endpoints that have not reached the block asked about still hold the answer back
     */
    Outcome run(boolean waitForBehind);
}
