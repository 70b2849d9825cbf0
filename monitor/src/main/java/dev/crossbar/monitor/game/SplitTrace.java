package dev.crossbar.monitor.game;

import java.math.BigInteger;

/**
 * The honest trace of a whole game: the output roots down to the split depth, and below each output-root leaf the
 * execution trace of the sub-game it bounds (op-challenger's {@code trace/split} selector with the
 * {@code outputs} split adapter).
 *
 * <p>Which sub-game a position below the split belongs to is read from the claims above it, as op-challenger does:
 * take the output-root leaf {@code L} that the reference claim descends from (the claim being answered, or the claim
 * itself). A position right of {@code L}'s sub-tree belongs to a defense of {@code L}: the sub-game runs from
 * {@code L} (agreed) to the claim above committing to the next trace index (disputed). Otherwise it belongs to an
 * attack on {@code L}: from the claim above committing to the previous trace index (or the anchor, at trace index 0)
 * to {@code L}. The bottom provider then answers for the position taken relative to the sub-game's root at
 * {@code splitDepth + 1}.
 */
public final class SplitTrace {
    /** The bottom-half traces of one game type. */
    public interface BottomProviders {
        /** The trace of {@code subGame}, of depth {@code maxDepth - splitDepth - 1}. */
        TraceProvider forSubGame(SubGame subGame);

        /**
         * The VM's absolute prestate commitment, the same in every sub-game: a game whose {@code absolutePrestate()}
         * differs runs another program and is not played with these providers.
         */
        byte[] absolutePrestate();
    }

    /**
     * The AlphabetVM's traces ({@link AlphabetTraceProvider}), for sub-games of depth {@code bottomDepth}
     * ({@code maxDepth - splitDepth - 1}).
     */
    public static BottomProviders alphabet(int bottomDepth) {
        return new BottomProviders() {
            @Override
            public TraceProvider forSubGame(SubGame subGame) {
                return new AlphabetTraceProvider(subGame.disputedBlock(), bottomDepth);
            }

            @Override
            public byte[] absolutePrestate() {
                return new AlphabetTraceProvider(1, bottomDepth).absolutePrestate();
            }
        };
    }

    private final OutputTraceProvider top;
    private final int maxDepth;
    private final BottomProviders bottoms;

    /**
     * @param top the output roots, whose depth is the split depth
     * @param maxDepth the game's max depth
     * @param bottoms the traces below the split
     * @throws IllegalArgumentException when the max depth leaves no execution sub-game below the split
     */
    public SplitTrace(OutputTraceProvider top, int maxDepth, BottomProviders bottoms) {
        if (maxDepth <= top.depth() || maxDepth >= Position.MAX_POSITION_BITLEN) {
            throw new IllegalArgumentException("max depth " + maxDepth + " must be deeper than the split depth "
                    + top.depth() + " and below " + Position.MAX_POSITION_BITLEN);
        }
        this.top = top;
        this.maxDepth = maxDepth;
        this.bottoms = bottoms;
    }

    /** The trace of an AlphabetVM game: {@code top} above the split, {@link AlphabetTraceProvider}s below. */
    public static SplitTrace alphabet(OutputTraceProvider top, int maxDepth) {
        return new SplitTrace(top, maxDepth, alphabet(maxDepth - top.depth() - 1));
    }

    public int splitDepth() {
        return top.depth();
    }

    public int maxDepth() {
        return maxDepth;
    }

    public OutputTraceProvider top() {
        return top;
    }

    /** The VM's absolute prestate: the game's {@code absolutePrestate()} must be this for the game to be played. */
    public byte[] absolutePrestate() {
        return bottoms.absolutePrestate();
    }

    /** Whether {@code claim} is what the honest trace claims at its position. */
    public boolean agrees(GameState game, Claim claim) {
        return claim.claims(claimAt(game, claim, claim.position()));
    }

    /**
     * The honest claim at {@code position}, in the context of {@code ref}: the claim being answered (or the claim
     * itself), which below the split tells which sub-game the position belongs to.
     */
    public byte[] claimAt(GameState game, Claim ref, Position position) {
        if (position.depth() <= splitDepth()) {
            return top.claimAt(position);
        }
        return bottom(game, ref, position).claimAt(position.relativeTo(splitDepth() + 1));
    }

    /**
     * What a step for the leaf position {@code position} (the stepped claim's position for an attack, the next
     * position to its right for a defense) must carry, in the context of the stepped claim {@code ref}.
     */
    public TraceProvider.StepData stepData(GameState game, Claim ref, Position position) {
        if (position.depth() != maxDepth) {
            throw new IllegalArgumentException("a step is at the max depth " + maxDepth + ", not at " + position);
        }
        BigInteger i = position.relativeTo(splitDepth() + 1).indexAtDepth();
        return bottom(game, ref, position).stepData(i);
    }

    /**
     * The sub-game {@code position} (below the split) belongs to, in the context of {@code ref} (at or below the
     * split).
     *
     * @throws IllegalArgumentException when {@code ref} is above the split or the position is not below it
     * @throws IllegalStateException when the claims above do not hold the sub-game's other output (the contract
     *     could not have built such a tree)
     */
    public SubGame subGame(GameState game, Claim ref, Position position) {
        int split = splitDepth();
        if (game.maxDepth() != maxDepth || game.splitDepth() != split) {
            throw new IllegalArgumentException("game of depths " + game.maxDepth() + "/" + game.splitDepth()
                    + " played with a trace of depths " + maxDepth + "/" + split);
        }
        if (position.depth() <= split || ref.depth() < split) {
            throw new IllegalArgumentException("position " + position + " and reference " + ref
                    + " must be below and at or below the split depth " + split);
        }
        Claim leaf = game.ancestorAtDepth(ref, split);
        BigInteger leafIndex = leaf.position().traceIndex(split);
        Claim starting;
        Claim disputed;
        if (position.indexAtDepth().compareTo(leaf.position().traceIndex(position.depth())) > 0) {
            starting = leaf;
            disputed = outputAt(game, leaf, leafIndex.add(BigInteger.ONE));
        } else {
            disputed = leaf;
            starting = leafIndex.signum() == 0 ? null : outputAt(game, leaf, leafIndex.subtract(BigInteger.ONE));
        }
        return SubGame.of(starting, disputed, top.startingBlock(), split);
    }

    private TraceProvider bottom(GameState game, Claim ref, Position position) {
        TraceProvider p = bottoms.forSubGame(subGame(game, ref, position));
        int expected = maxDepth - splitDepth() - 1;
        if (p.depth() != expected) {
            throw new IllegalStateException("the bottom trace has depth " + p.depth() + ", the game's sub-games "
                    + expected);
        }
        return p;
    }

    private Claim outputAt(GameState game, Claim leaf, BigInteger traceIndex) {
        return game.ancestorWithTraceIndex(leaf, splitDepth(), traceIndex).orElseThrow(() -> new IllegalStateException(
                "no output-root claim at trace index " + traceIndex + " above " + leaf));
    }
}
