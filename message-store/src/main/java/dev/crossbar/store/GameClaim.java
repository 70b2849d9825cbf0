package dev.crossbar.store;

import java.math.BigInteger;

/**
 * A claim in a dispute game: its entry in the game's {@code claimData}. The root claim (index 0) comes from the
 * game's creation (its claimant the game's creator, its bond the init bond) and has no parent (null).
 *
 * @param claimIndex the claim's index in {@code claimData}
 * @param parentIndex the index of the claim it counters; null for the root claim
 * @param claim the claimed hash (0x hex)
 * @param position the claim's position in the game tree (generalized index: the root is 1)
 * @param bond the bond paid with the move, in wei
 * @param clock the packed clock: duration (seconds) in the high 64 bits, timestamp (seconds) in the low 64
 */
public record GameClaim(String gameAddress, long claimIndex, Long parentIndex, String claim, String claimant,
        BigInteger position, BigInteger bond, BigInteger clock) {
    private static final BigInteger LOW_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    /** The root claim's position. */
    public static final BigInteger ROOT_POSITION = BigInteger.ONE;

    /** The packed clock of a claim made at {@code timestamp} when its side had used {@code durationSeconds}. */
    public static BigInteger packClock(long durationSeconds, long timestamp) {
        return BigInteger.valueOf(durationSeconds).shiftLeft(64).or(BigInteger.valueOf(timestamp));
    }

    /** The clock's duration: the time (seconds) the claim's side had used on its branch when it made the claim. */
    public long clockDurationSeconds() {
        return clock.shiftRight(64).and(LOW_64).longValue();
    }

    /** The clock's timestamp: when the claim was made (seconds). */
    public long clockTimestamp() {
        return clock.and(LOW_64).longValue();
    }

    /** The claim's depth in the game tree, {@code floor(log2(position))}: the root is at 0. */
    public int depth() {
        return position.bitLength() - 1;
    }

    /** Whether the defender of the root claim made it (even depth), not a challenger (odd depth). */
    public boolean byDefender() {
        return depth() % 2 == 0;
    }
}
