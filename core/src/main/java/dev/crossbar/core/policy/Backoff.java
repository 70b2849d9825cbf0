package dev.crossbar.core.policy;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter: the delay before attempt {@code n} (1-based, n >= 1) is
 *
 * <pre>  delay(n) = min(max, base * 2^(n-1)) * (1 + u),  u uniform in [-jitter, +jitter]</pre>
 *
 * and never more than {@code max}: the jitter spreads retries of many messages apart but does not break the cap.
 * Immutable and thread-safe.
 */
public record Backoff(Duration base, Duration max, double jitter) {

    public Backoff {
        if (base == null || base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("backoff base must be positive, was " + base);
        }
        if (max == null || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff max (" + max + ") must be at least its base (" + base + ")");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("backoff jitter must be in [0, 1), was " + jitter);
        }
    }

    /** The delay before attempt {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, was " + attempt);
        }
        double exp = base.toMillis() * Math.pow(2, Math.min(attempt - 1, 40));
        double capped = Math.min(max.toMillis(), exp);
        double u = jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return Duration.ofMillis((long) Math.min(max.toMillis(), Math.max(0, capped * (1 + u))));
    }
}
