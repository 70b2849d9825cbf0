package dev.crossbar.monitor.game;

import dev.crossbar.core.chain.FaultProofViews;
import java.math.BigInteger;
import java.util.Arrays;
import org.web3j.abi.datatypes.Address;
import org.web3j.utils.Numeric;

/**
 * One entry of a game's {@code claimData}, with its index in that array.
 *
 * @param index the claim's index in {@code claimData}; the root claim is 0
 * @param parentIndex the index of the claim it counters; {@link #NO_PARENT} for the root
 * @param counteredBy who countered it: set by a step on a leaf claim, or by the resolution of its subgame;
 *     {@link #NOBODY} otherwise
 * @param claimant who made it
 * @param bond the bond paid with it, in wei
 * @param claim the 32-byte value claimed: an output root above the split depth, a VM state commitment below it
 * @param position where it stands in the tree
 * @param clock its chess clock
 */
public record Claim(int index, long parentIndex, String counteredBy, String claimant, BigInteger bond, byte[] claim,
        Position position, Clock clock) {
    /** The root claim's {@code parentIndex}: {@code type(uint32).max}. */
    public static final long NO_PARENT = 0xFFFF_FFFFL;
    /** The zero address: no one has countered the claim. */
    public static final String NOBODY = Address.DEFAULT.getValue();

    /**
     * A claim's clock ({@code LibClock}): the time its side had used when it was made, and when it was made.
     *
     * @param duration seconds used on the chess clock of the claimant's side up to {@code timestamp}
     * @param timestamp when the claim was made, in seconds since the epoch
     */
    public record Clock(long duration, long timestamp) {
        /** A clock as the contract packs it: the duration in the high 64 bits, the timestamp in the low 64. */
        public static Clock unpack(BigInteger packed) {
            return new Clock(packed.shiftRight(64).longValueExact(),
                    packed.and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)).longValueExact());
        }
    }

    /**
     * @throws IllegalArgumentException when the value is not 32 bytes, or the root/parent relation is broken
     */
    public Claim {
        if (claim == null || claim.length != 32) {
            throw new IllegalArgumentException("claim " + index + ": the value must be 32 bytes, got "
                    + (claim == null ? "none" : claim.length + " bytes"));
        }
        if (position == null) {
            throw new IllegalArgumentException("claim " + index + " has no position");
        }
        if (index == 0 != position.isRoot() || index == 0 != (parentIndex == NO_PARENT)) {
            throw new IllegalArgumentException("claim " + index + " at " + position + " with parent " + parentIndex
                    + ": the root claim, and only it, is claim 0 at position 1 with no parent");
        }
        if (index != 0 && (parentIndex < 0 || parentIndex >= index)) {
            throw new IllegalArgumentException("claim " + index + ": parent " + parentIndex
                    + " must be an earlier claim");
        }
        claim = claim.clone();
        counteredBy = counteredBy == null ? NOBODY : counteredBy.toLowerCase();
        claimant = claimant == null ? NOBODY : claimant.toLowerCase();
        bond = bond == null ? BigInteger.ZERO : bond;
        clock = clock == null ? new Clock(0, 0) : clock;
    }

    /** Entry {@code index} of {@code claimData} as {@link FaultProofViews#claim} reads it. */
    public static Claim of(int index, FaultProofViews.Claim c) {
        return new Claim(index, c.parentIndex(), c.counteredBy(), c.claimant(), c.bond(), c.claim(),
                Position.of(c.position()), Clock.unpack(c.clock()));
    }

    @Override
    public byte[] claim() {
        return claim.clone();
    }

    /** Whether the value claimed is {@code value}. */
    public boolean claims(byte[] value) {
        return Arrays.equals(claim, value);
    }

    public boolean isRoot() {
        return index == 0;
    }

    public int depth() {
        return position.depth();
    }

    /** Whether someone has countered it (a step on a leaf; or its subgame resolved against it). */
    public boolean countered() {
        return !NOBODY.equals(counteredBy);
    }

    /** The parent's index, for a claim that is not the root. */
    public int parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root claim has no parent");
        }
        return (int) parentIndex;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Claim c && index == c.index && parentIndex == c.parentIndex
                && counteredBy.equals(c.counteredBy) && claimant.equals(c.claimant) && bond.equals(c.bond)
                && Arrays.equals(claim, c.claim) && position.equals(c.position) && clock.equals(c.clock);
    }

    @Override
    public int hashCode() {
        return 31 * index + Arrays.hashCode(claim);
    }

    @Override
    public String toString() {
        return "Claim[" + index + " " + Numeric.toHexString(claim) + " at " + position + ", parent "
                + (isRoot() ? "none" : parentIndex) + ", claimant " + claimant
                + (countered() ? ", countered by " + counteredBy : "") + "]";
    }
}
