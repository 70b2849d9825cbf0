package dev.crossbar.monitor.game;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * Fixtures of the game tests: the L2's honest output roots, a liar's, and games on the devnet's shape (max depth 10,
 * split depth 6, the AlphabetVM below) or a smaller one.
 */
public final class Games {
    /** The devnet's game shape ({@code FaultProofParams.devnet()}). */
    static final Shape DEVNET = new Shape(10, 6);
    /** A small shape, for liars that answer every claim four times. */
    static final Shape SMALL = new Shape(5, 2);
    /** The anchor's L2 block. */
    static final long STARTING_BLOCK = 100;

    /** A game's depths and the L2 block it claims. */
    public record Shape(int maxDepth, int splitDepth) {
        /** The last L2 block a game of this shape can judge: the end of its output window. */
        long lastBlock() {
            return STARTING_BLOCK + (1L << splitDepth);
        }
    }

    private Games() {}

    public static byte[] keccak(String text) {
        return Hash.sha3(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] honestOutput(long block) {
        return keccak("output " + block);
    }

    /** Outputs that agree with the honest ones before {@code firstFalse} and are false from it on. */
    static OutputRoots outputsFalseFrom(long firstFalse) {
        return block -> block < firstFalse ? honestOutput(block) : keccak("false output " + block);
    }

    static SplitTrace honestTrace(Shape shape, long l2Block) {
        return SplitTrace.alphabet(new OutputTraceProvider(STARTING_BLOCK, l2Block, shape.splitDepth(),
                Games::honestOutput), shape.maxDepth());
    }

    /**
     * A liar's trace: outputs false from L2 block {@code firstFalse}; below the split, the AlphabetVM's states up to
     * trace index {@code firstFalseStep} and made-up states (status INVALID, as the VM's) from it on.
     */
    static SplitTrace lyingTrace(Shape shape, long l2Block, long firstFalse, int firstFalseStep) {
        return lyingTrace(shape, STARTING_BLOCK, l2Block, outputsFalseFrom(firstFalse), firstFalseStep);
    }

    /** A liar's trace over {@code outputs} (its top half) with made-up VM states from {@code firstFalseStep} on. */
    public static SplitTrace lyingTrace(Shape shape, long startingBlock, long l2Block, OutputRoots outputs,
            int firstFalseStep) {
        int bottomDepth = shape.maxDepth() - shape.splitDepth() - 1;
        OutputTraceProvider top = new OutputTraceProvider(startingBlock, l2Block, shape.splitDepth(), outputs);
        return new SplitTrace(top, shape.maxDepth(), new SplitTrace.BottomProviders() {
            @Override
            public TraceProvider forSubGame(SubGame subGame) {
                return new FalseStates(new AlphabetTraceProvider(subGame.disputedBlock(), bottomDepth), firstFalseStep);
            }

            @Override
            public byte[] absolutePrestate() {
                return alphabetPrestate(shape);
            }
        });
    }

    static byte[] alphabetPrestate(Shape shape) {
        return new AlphabetTraceProvider(1, shape.maxDepth() - shape.splitDepth() - 1).absolutePrestate();
    }

    /** A game of {@code shape} for L2 block {@code l2Block} with root {@code rootClaim}, made by {@code creator}. */
    static SimulatedGame game(Shape shape, long l2Block, byte[] rootClaim, String creator) {
        return new SimulatedGame(shape.maxDepth(), shape.splitDepth(), STARTING_BLOCK, honestOutput(STARTING_BLOCK),
                rootClaim, creator, alphabetPrestate(shape));
    }

    /** The AlphabetVM's trace up to {@code firstFalse}, made-up states from it on. */
    private record FalseStates(AlphabetTraceProvider vm, int firstFalse) implements TraceProvider {
        @Override
        public int depth() {
            return vm.depth();
        }

        @Override
        public byte[] claimAt(Position position) {
            BigInteger i = position.traceIndex(depth());
            return i.intValueExact() < firstFalse ? vm.claimAt(position)
                    : VmStatus.INVALID.stamp(keccak("false state " + vm.disputedBlock() + "/" + i));
        }

        @Override
        public StepData stepData(BigInteger traceIndex) {
            return vm.stepData(traceIndex);
        }

        @Override
        public byte[] absolutePrestate() {
            return vm.absolutePrestate();
        }
    }
}
