package dev.crossbar.messaging;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before trying a record again after a transient failure:
 *
 * <pre>
 *   base(n)  = min(max, initial * multiplier^(n - 1))      n = failures so far, n >= 1
 *   delay(n) = base(n) * (1 - jitter * r)                   r uniform in [0, 1)
 * </pre>
 *
 * The jitter only shortens a delay, so it never breaks the cap; it spreads the retries of a consumer group's
 * members. Immutable and thread-safe; bad parameters fail here, naming the parameter.
 */
public record RetryBackoff(Duration initial, Duration max, double multiplier, double jitter) {
    public static final RetryBackoff DEFAULT = new RetryBackoff(Duration.ofMillis(200), Duration.ofSeconds(30), 2.0, 0.2);

    public RetryBackoff {
        if (initial == null || initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive, was " + initial);
        }
        if (max == null || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be at least initial (" + initial + "), was " + max);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, was " + multiplier);
        }
        if (!(jitter >= 0.0 && jitter < 1.0)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), was " + jitter);
        }
    }

    /** The delay before attempt {@code failures + 1}. */
    public Duration delay(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, was " + failures);
        }
        double base = Math.min(max.toMillis(), initial.toMillis() * Math.pow(multiplier, failures - 1));
        double jittered = base * (1.0 - jitter * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }
}
