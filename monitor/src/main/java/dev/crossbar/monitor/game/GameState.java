package dev.crossbar.monitor.game;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.web3j.utils.Numeric;

/**
 * The claims of one dispute game, in {@code claimData} order, with the game's shape. Checked on construction to be
 * a tree the contract can have built: claim {@code i} at index {@code i}, each claim at its parent's attack or
 * defense position, none below the max depth.
 */
public final class GameState {
    private final int maxDepth;
    private final int splitDepth;
    private final List<Claim> claims;
    /** Every claim but the root as value, position and parent: what the contract's {@code claims} mapping holds. */
    private final Set<String> moves = new HashSet<>();

    /**
     * @param maxDepth {@code maxGameDepth()}
     * @param splitDepth {@code splitDepth()}: claims at this depth and above are output roots
     * @param claims every claim, root first
     * @throws IllegalArgumentException naming the first claim or parameter that does not fit
     */
    public GameState(int maxDepth, int splitDepth, List<Claim> claims) {
        if (splitDepth < 1 || splitDepth >= maxDepth || maxDepth >= Position.MAX_POSITION_BITLEN) {
            throw new IllegalArgumentException("split depth " + splitDepth + " and max depth " + maxDepth
                    + " must satisfy 1 <= split < max < " + Position.MAX_POSITION_BITLEN);
        }
        this.maxDepth = maxDepth;
        this.splitDepth = splitDepth;
        this.claims = List.copyOf(claims);
        if (this.claims.isEmpty()) {
            throw new IllegalArgumentException("a game has at least its root claim");
        }
        for (int i = 0; i < this.claims.size(); i++) {
            Claim c = this.claims.get(i);
            if (c.index() != i) {
                throw new IllegalArgumentException("claim at list position " + i + " has index " + c.index());
            }
            if (c.depth() > maxDepth) {
                throw new IllegalArgumentException(c + " is below the max depth " + maxDepth);
            }
            if (!c.isRoot()) {
                Position p = this.claims.get(c.parent()).position();
                if (!c.position().equals(p.attack()) && !c.position().equals(p.defend())) {
                    throw new IllegalArgumentException(c + " is neither an attack nor a defense of its parent at " + p);
                }
                moves.add(key(c));
            }
        }
    }

    public int maxDepth() {
        return maxDepth;
    }

    public int splitDepth() {
        return splitDepth;
    }

    /** Every claim, root first. */
    public List<Claim> claims() {
        return claims;
    }

    public Claim root() {
        return claims.get(0);
    }

    public Claim claim(int index) {
        return claims.get(index);
    }

    public Claim parent(Claim claim) {
        return claims.get(claim.parent());
    }

    /** Whether {@code claim} is its parent's defense (a move to the right) rather than an attack. */
    public boolean defendsParent(Claim claim) {
        return !claim.isRoot() && !claim.position().equals(parent(claim).position().attack());
    }

    /** The claim's trace index at the max depth. */
    public BigInteger traceIndex(Claim claim) {
        return claim.position().traceIndex(maxDepth);
    }

    /**
     * Whether the game holds a claim of {@code value} at {@code position} countering claim {@code parentIndex}: the
     * move the contract refuses with {@code ClaimAlreadyExists} ({@code claims[hash(value, position, parent)]}).
     */
    public boolean contains(byte[] value, Position position, int parentIndex) {
        return moves.contains(key(value, position, parentIndex));
    }

    /** {@code claim} or its nearest ancestor at {@code depth} or above. */
    public Claim ancestorAtDepth(Claim claim, int depth) {
        Claim c = claim;
        while (c.depth() > depth) {
            c = parent(c);
        }
        return c;
    }

    /**
     * {@code claim} or its nearest ancestor whose trace index at {@code depth} is {@code traceIndex}, if any (the
     * claims on one path commit to different trace indices, so at most one matches).
     */
    public Optional<Claim> ancestorWithTraceIndex(Claim claim, int depth, BigInteger traceIndex) {
        Claim c = claim;
        while (true) {
            if (c.depth() <= depth && c.position().traceIndex(depth).equals(traceIndex)) {
                return Optional.of(c);
            }
            if (c.isRoot()) {
                return Optional.empty();
            }
            c = parent(c);
        }
    }

    /**
     * {@code FaultDisputeGame._findTraceAncestor}: the claim at {@code position}, found by walking up from claim
     * {@code start}.
     *
     * @throws IllegalStateException when no claim on that path stands there (the contract reverts)
     */
    public Claim ancestorAt(Position position, int start) {
        Claim c = claims.get(start);
        while (!c.position().equals(position)) {
            if (c.isRoot()) {
                throw new IllegalStateException("no claim at " + position + " above claim " + start);
            }
            c = parent(c);
        }
        return c;
    }

    /**
     * A claim's identity in a game, as the contract's {@code claims} mapping keys it
     * ({@code hashClaimPos(value, position, parentIndex)}).
     */
    static String key(byte[] value, Position position, long parentIndex) {
        return Numeric.toHexString(value) + "@" + position.gindex() + "/" + parentIndex;
    }

    static String key(Claim c) {
        return key(c.claim(), c.position(), c.parentIndex());
    }
}
