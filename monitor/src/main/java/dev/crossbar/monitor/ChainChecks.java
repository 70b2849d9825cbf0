package dev.crossbar.monitor;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the monitor checks on one chain, and its thresholds.
 *
 * @param enabled the checks that run on this chain (checks that do not apply to a chain's role are skipped)
 * @param proposerLivenessTimeout an L2 that moves on without a new output for this long (L1 time) is PROPOSER_DOWN
 * @param depositInclusionWindow a deposit not executed on its L2 this long (L1 time) after it was made is
 *     CENSORED_DEPOSIT
 * @param safeReorgDepth a reorg replacing more blocks than this is DEEP_REORG
 * @param haltAfter no new block for this long (wall clock, as the monitor sees the chain) is CHAIN_HALTED
 */
public record ChainChecks(Set<Check> enabled, Duration proposerLivenessTimeout, Duration depositInclusionWindow,
        int safeReorgDepth, Duration haltAfter) {

    public ChainChecks {
        enabled = enabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(enabled));
        positive("proposerLivenessTimeout", proposerLivenessTimeout);
        positive("depositInclusionWindow", depositInclusionWindow);
        positive("haltAfter", haltAfter);
        if (safeReorgDepth < 1) {
            throw new IllegalArgumentException("safeReorgDepth must be at least 1, was " + safeReorgDepth);
        }
    }

    /** Every check, with the defaults of the configuration reference. */
    public static ChainChecks defaults() {
        return new ChainChecks(EnumSet.allOf(Check.class), Duration.ofMinutes(10), Duration.ofMinutes(10), 16,
                Duration.ofMinutes(2));
    }

    public boolean runs(Check check) {
        return enabled.contains(check);
    }

    public ChainChecks without(Check... checks) {
        EnumSet<Check> e = enabled.isEmpty() ? EnumSet.noneOf(Check.class) : EnumSet.copyOf(enabled);
        for (Check c : checks) {
            e.remove(c);
        }
        return new ChainChecks(e, proposerLivenessTimeout, depositInclusionWindow, safeReorgDepth, haltAfter);
    }

    public ChainChecks withThresholds(Duration liveness, Duration inclusion, int reorgDepth, Duration halt) {
        return new ChainChecks(enabled, liveness, inclusion, reorgDepth, halt);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
