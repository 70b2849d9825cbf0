package dev.crossbar.txmanager;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;

/**
 * EIP-1559 pricing with a cap, and how a stuck transaction is re-priced.
 *
 * <pre>
 * first try:  priority = min(priorityFee, cap)
 *             maxFee   = min(cap, 2 * baseFee + priority)        (room for the base fee to double)
 * each bump:  priority' = ceil(priority * (100 + bumpPercent) / 100)
 *             maxFee'   = min(cap, max(ceil(maxFee * (100 + bumpPercent) / 100), 2 * baseFee + priority'))
 * </pre>
 *
 * A price is refused (empty) when the cap cannot cover the current base fee plus the tip, or when a bump cannot
 * raise both prices by {@code bumpPercent} (nodes refuse a replacement that does not); after {@code maxBumps}
 * bumps a stuck transaction is cancelled instead. {@code bumpPercent} is at least 10, what geth-style nodes demand.
 */
public record FeePolicy(BigInteger priorityFee, BigInteger maxFeeCap, int bumpPercent, int maxBumps,
        Duration stuckAfter) {

    public FeePolicy {
        if (priorityFee == null || priorityFee.signum() < 0) {
            throw new IllegalArgumentException("priorityFee must be zero or more, was " + priorityFee);
        }
        if (maxFeeCap == null || maxFeeCap.signum() <= 0) {
            throw new IllegalArgumentException("maxFeeCap must be positive, was " + maxFeeCap);
        }
        if (bumpPercent < 10 || bumpPercent > 1000) {
            throw new IllegalArgumentException("bumpPercent must be between 10 and 1000 (nodes refuse replacements"
                    + " raised by less than 10%), was " + bumpPercent);
        }
        if (maxBumps < 0 || maxBumps > 50) {
            throw new IllegalArgumentException("maxBumps must be between 0 and 50, was " + maxBumps);
        }
        if (stuckAfter == null || stuckAfter.isNegative() || stuckAfter.isZero()) {
            throw new IllegalArgumentException("stuckAfter must be positive, was " + stuckAfter);
        }
    }

    /** The fees of one transaction. */
    public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {}

    public static FeePolicy defaults() {
        return new FeePolicy(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(200_000_000_000L), 15, 5,
                Duration.ofSeconds(30));
    }

    /** Fees for a first attempt at {@code baseFee}; empty when the cap cannot pay the base fee and the tip. */
    public Optional<Fees> initial(BigInteger baseFee) {
        BigInteger priority = priorityFee.min(maxFeeCap);
        if (baseFee.add(priority).compareTo(maxFeeCap) > 0) {
            return Optional.empty();
        }
        BigInteger maxFee = baseFee.shiftLeft(1).add(priority).min(maxFeeCap);
        return Optional.of(new Fees(maxFee, priority));
    }

    /** Fees replacing {@code previous} at {@code baseFee}; empty when the cap leaves no room for a valid bump. */
    public Optional<Fees> bump(Fees previous, BigInteger baseFee) {
        BigInteger priority = raise(previous.maxPriorityFeePerGas()).max(BigInteger.ONE);
        BigInteger maxFee = raise(previous.maxFeePerGas()).max(baseFee.shiftLeft(1).add(priority));
        if (maxFee.compareTo(maxFeeCap) > 0) {
            maxFee = maxFeeCap;
        }
        boolean enough = maxFee.compareTo(raise(previous.maxFeePerGas())) >= 0 && priority.compareTo(maxFee) <= 0
                && maxFee.compareTo(baseFee.add(priority)) >= 0;
        return enough ? Optional.of(new Fees(maxFee, priority)) : Optional.empty();
    }

    private BigInteger raise(BigInteger v) {
        BigInteger[] qr = v.multiply(BigInteger.valueOf(100L + bumpPercent)).divideAndRemainder(BigInteger.valueOf(100));
        return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }
}
