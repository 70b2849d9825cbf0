package dev.crossbar.monitor.game;

import java.math.BigInteger;

/**
 * A node of a dispute game's claim tree as {@code FaultDisputeGame} addresses it: a generalized index
 * {@code 2^depth + indexAtDepth} (OP's {@code LibPosition}, contracts-bedrock 0.17.3), the root being {@code 1}.
 * Every method computes what the library function of the same name computes.
 *
 * <p>The <em>trace index</em> of a position at a max depth is the index of its deepest right-most descendant: the
 * point of the trace the claim at that position commits to. A claim's children are always left children
 * ({@link #attack()} is the left child; {@link #defend()} the left child of the right sibling), so a claim never
 * commits to the same trace index as its parent.
 *
 * @param gindex the generalized index, at least 1 and below {@code 2^126} ({@code LibPosition.MAX_POSITION_BITLEN})
 */
public record Position(BigInteger gindex) implements Comparable<Position> {
    /** {@code LibPosition.MAX_POSITION_BITLEN}: the generalized index has fewer bits than this. */
    public static final int MAX_POSITION_BITLEN = 126;
    /** The root claim's position. */
    public static final Position ROOT = new Position(BigInteger.ONE);

    /**
     * @throws IllegalArgumentException when {@code gindex} is null, below 1 or of {@code MAX_POSITION_BITLEN} bits
     *     or more
     */
    public Position {
        if (gindex == null || gindex.signum() <= 0) {
            throw new IllegalArgumentException("a position's generalized index must be at least 1, got " + gindex);
        }
        if (gindex.bitLength() > MAX_POSITION_BITLEN) {
            throw new IllegalArgumentException("generalized index " + gindex + " has " + gindex.bitLength()
                    + " bits; positions have at most " + MAX_POSITION_BITLEN);
        }
    }

    /** {@code LibPosition.wrap}: the position {@code indexAtDepth} at {@code depth}. */
    public static Position of(int depth, BigInteger indexAtDepth) {
        if (depth < 0 || depth >= MAX_POSITION_BITLEN) {
            throw new IllegalArgumentException("depth " + depth + " is outside [0, " + MAX_POSITION_BITLEN + ")");
        }
        if (indexAtDepth.signum() < 0 || indexAtDepth.bitLength() > depth) {
            throw new IllegalArgumentException("index " + indexAtDepth + " is outside [0, 2^" + depth + ")");
        }
        return new Position(BigInteger.ONE.shiftLeft(depth).add(indexAtDepth));
    }

    /** {@link #of(int, BigInteger)} for a small index. */
    public static Position of(int depth, long indexAtDepth) {
        return of(depth, BigInteger.valueOf(indexAtDepth));
    }

    /** The position with generalized index {@code gindex} (a claim's {@code position} as the contract stores it). */
    public static Position of(BigInteger gindex) {
        return new Position(gindex);
    }

    /** {@code LibPosition.depth}: the root is at depth 0. */
    public int depth() {
        return gindex.bitLength() - 1;
    }

    /** {@code LibPosition.indexAtDepth}: the node's place among the {@code 2^depth} nodes of its depth, from 0. */
    public BigInteger indexAtDepth() {
        return gindex.clearBit(depth());
    }

    public boolean isRoot() {
        return gindex.equals(BigInteger.ONE);
    }

    /** {@code LibPosition.parent}. */
    public Position parent() {
        if (isRoot()) {
            throw new IllegalStateException("the root position has no parent");
        }
        return new Position(gindex.shiftRight(1));
    }

    /** {@code LibPosition.move(position, true)}: the left child, where an attack puts its claim. */
    public Position attack() {
        return move(true);
    }

    /**
     * {@code LibPosition.move(position, false)}: the left child of {@code position | 1}, where a defense puts its
     * claim (for a claim's position, always even below the root, the left child of the right sibling).
     */
    public Position defend() {
        return move(false);
    }

    /** {@code LibPosition.move}. */
    public Position move(boolean isAttack) {
        BigInteger base = isAttack ? gindex : gindex.setBit(0);
        return new Position(base.shiftLeft(1));
    }

    /** The next node to the right at the same depth (op-challenger's {@code MoveRight}). */
    public Position moveRight() {
        return new Position(gindex.add(BigInteger.ONE));
    }

    /**
     * {@code LibPosition.rightIndex}: the deepest right-most descendant at {@code maxDepth}.
     *
     * @throws IllegalArgumentException when this position is deeper than {@code maxDepth}
     */
    public Position rightIndex(int maxDepth) {
        int remaining = remaining(maxDepth);
        return new Position(gindex.shiftLeft(remaining).or(ones(remaining)));
    }

    /**
     * {@code LibPosition.traceIndex}: the index at {@code maxDepth} of {@link #rightIndex}, the point of the trace
     * a claim at this position commits to.
     */
    public BigInteger traceIndex(int maxDepth) {
        return rightIndex(maxDepth).indexAtDepth();
    }

    /**
     * {@code LibPosition.traceAncestor}: the highest ancestor (or this position) that commits to the same trace
     * index, at any max depth: the position shifted right past its trailing one bits, bounded below by the root.
     */
    public Position traceAncestor() {
        int trailingOnes = gindex.not().getLowestSetBit();
        BigInteger a = gindex.shiftRight(trailingOnes);
        return new Position(a.signum() == 0 ? BigInteger.ONE : a);
    }

    /**
     * {@code LibPosition.traceAncestorBounded}: {@link #traceAncestor}, kept below depth {@code upperBoundExclusive}
     * (the split depth): an ancestor at or above it is replaced by its right-most descendant at
     * {@code upperBoundExclusive + 1}, the root of the execution sub-game.
     *
     * @throws IllegalStateException when this position is not below {@code upperBoundExclusive} (the contract's
     *     {@code ClaimAboveSplit})
     */
    public Position traceAncestorBounded(int upperBoundExclusive) {
        if (depth() <= upperBoundExclusive) {
            throw new IllegalStateException("position " + this + " is not below depth " + upperBoundExclusive
                    + " (ClaimAboveSplit)");
        }
        Position a = traceAncestor();
        return a.depth() <= upperBoundExclusive ? a.rightIndex(upperBoundExclusive + 1) : a;
    }

    /**
     * This position in the sub-tree whose root is this position's ancestor at {@code ancestorDepth}: depth and index
     * counted from that ancestor (op-challenger's {@code RelativeToAncestorAtDepth}).
     */
    public Position relativeTo(int ancestorDepth) {
        int d = depth() - ancestorDepth;
        if (ancestorDepth < 0 || d < 0) {
            throw new IllegalArgumentException("position " + this + " is not below depth " + ancestorDepth);
        }
        return of(d, indexAtDepth().and(ones(d)));
    }

    @Override
    public int compareTo(Position o) {
        return gindex.compareTo(o.gindex);
    }

    @Override
    public String toString() {
        return "Position(gindex " + gindex + ", depth " + depth() + ", index " + indexAtDepth() + ")";
    }

    private int remaining(int maxDepth) {
        int remaining = maxDepth - depth();
        if (remaining < 0) {
            throw new IllegalArgumentException("position " + this + " is deeper than max depth " + maxDepth);
        }
        return remaining;
    }

    private static BigInteger ones(int bits) {
        return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }
}
