package dev.crossbar.monitor.game;

import java.math.BigInteger;

/**
 * The top half of a game: output roots, one per trace index of the split depth (op-challenger's
 * {@code trace/outputs} provider). Trace index {@code i} is L2 block {@code startingBlock + i + 1}, capped at the
 * game's L2 block: every position right of the game's block commits to the game's own block, as the contract's
 * {@code addLocalData} counts blocks and op-challenger's {@code ClaimedBlockNumber} caps them. The root (trace index
 * {@code 2^splitDepth - 1}) is therefore the output of {@code min(l2Block, startingBlock + 2^splitDepth)}: a game
 * whose block lies beyond that window is judged against the output at its end.
 *
 * <p>op-challenger also caps blocks at the safe head derived from the game's L1 head, so that it never claims an
 * output the L1 data of the game does not support; an {@link OutputRoots} from a node that has such outputs only
 * should do the same (an output it does not have yet is an exception, and the solver tries again).
 */
public final class OutputTraceProvider implements TraceProvider {
    private final long startingBlock;
    private final long l2Block;
    private final int splitDepth;
    private final OutputRoots outputs;

    /**
     * @param startingBlock the game's {@code startingBlockNumber()}: the anchor's L2 block
     * @param l2Block the game's {@code l2BlockNumber()}
     * @param splitDepth the game's {@code splitDepth()}
     * @param outputs the honest output roots
     * @throws IllegalArgumentException when the game's block is not after the anchor or the split depth is out of
     *     range
     */
    public OutputTraceProvider(long startingBlock, long l2Block, int splitDepth, OutputRoots outputs) {
        if (startingBlock < 0 || l2Block <= startingBlock) {
            throw new IllegalArgumentException("the game's L2 block " + l2Block + " must be after its starting block "
                    + startingBlock + " (FaultDisputeGame refuses it otherwise)");
        }
        if (splitDepth < 1 || splitDepth > 62) {
            throw new IllegalArgumentException("split depth " + splitDepth + " is outside [1, 62]");
        }
        this.startingBlock = startingBlock;
        this.l2Block = l2Block;
        this.splitDepth = splitDepth;
        this.outputs = outputs;
    }

    public long startingBlock() {
        return startingBlock;
    }

    public long l2Block() {
        return l2Block;
    }

    @Override
    public int depth() {
        return splitDepth;
    }

    /** The L2 block whose output root the claim at {@code position} of the top half commits to. */
    public long blockAt(Position position) {
        BigInteger i = position.traceIndex(splitDepth);
        return Math.min(startingBlock + i.longValueExact() + 1, l2Block);
    }

    @Override
    public byte[] claimAt(Position position) {
        return output(blockAt(position));
    }

    /** The output-root half has no steps: its leaves are disputed in the execution sub-games below them. */
    @Override
    public StepData stepData(BigInteger traceIndex) {
        throw new UnsupportedOperationException("the output-root half of a game has no steps");
    }

    /** The output root of the starting block: the agreed output before trace index 0. */
    @Override
    public byte[] absolutePrestate() {
        return output(startingBlock);
    }

    private byte[] output(long block) {
        byte[] root = outputs.at(block);
        if (root == null || root.length != 32) {
            throw new IllegalStateException("the output root of L2 block " + block + " must be 32 bytes, got "
                    + (root == null ? "none" : root.length + " bytes"));
        }
        return root.clone();
    }
}
