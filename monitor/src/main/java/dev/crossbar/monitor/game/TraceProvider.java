package dev.crossbar.monitor.game;

import java.math.BigInteger;

/**
 * The honest trace of one half of a dispute game, which the {@link Solver} compares claims with: the top half
 * ({@link OutputTraceProvider}: output roots of L2 blocks) or the bottom half under one output-root leaf (the
 * execution trace of the fault-proof VM between two outputs, e.g. {@link AlphabetTraceProvider}). A half is a
 * tree of its own: its positions are counted from its own root, and {@link SplitTrace} joins the two.
 *
 * <p>Implementations for the game types we can play:
 * <ul>
 *   <li>the AlphabetVM (types 255 and 1 on the devnet): {@link AlphabetTraceProvider}, computed in memory;</li>
 *   <li>next, the production types (0 CANNON, 1 PERMISSIONED on mainnet, and CANNON_KONA): a provider that runs
 *       OP's fault-proof program as an external process, as op-challenger does: {@code cannon run} (or kona's host
 *       and client) with the op-program of the absolute prestate the game names, the L1 head, the agreed and
 *       disputed output roots, the disputed L2 block and the chain id of the {@link SubGame}, writing state
 *       snapshots and proofs at the trace indices the solver asks for; {@link #claimAt} is the state hash at a
 *       trace index, {@link #stepData} the pre-state (the encoded VM state) and its memory proof, and the
 *       preimages the step reads (which the sender loads into the PreimageOracle first). The binary, its
 *       prestate file and the L1/L2 endpoints come from configuration.</li>
 * </ul>
 * A game type with no provider is monitored (its root checked against the L2) but never played.
 */
public interface TraceProvider {
    /** The depth of this half's tree: the deepest position {@link #claimAt} takes. */
    int depth();

    /**
     * The honest claim at {@code position}, a position of this half's tree (depth at most {@link #depth()}): the
     * value at its trace index {@code position.traceIndex(depth())}.
     */
    byte[] claimAt(Position position);

    /**
     * What a step at {@code traceIndex} (of this half, {@code 0 <= traceIndex < 2^depth()}) must carry: the
     * pre-state whose hash is the claim at {@code traceIndex - 1}, or the absolute prestate's preimage at 0, with
     * the VM's proof and the oracle data it reads.
     *
     * @throws UnsupportedOperationException for a half with no steps (the output roots)
     */
    StepData stepData(BigInteger traceIndex);

    /** The commitment to the state before trace index 0 (the game's {@code absolutePrestate()} for the VM). */
    byte[] absolutePrestate();

    /**
     * The data of one VM step.
     *
     * @param stateData the pre-state, whose keccak256 (status byte aside) is the pre-state claim
     * @param proof the VM's proof for the step (none for the AlphabetVM)
     * @param localData the local preimage the VM reads in this step, which the sender loads into the oracle with
     *     {@code addLocalData} before the step; null when it reads none
     */
    record StepData(byte[] stateData, byte[] proof, LocalPreimage localData) {
        public StepData {
            stateData = stateData.clone();
            proof = proof.clone();
        }

        @Override
        public byte[] stateData() {
            return stateData.clone();
        }

        @Override
        public byte[] proof() {
            return proof.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StepData d && java.util.Arrays.equals(stateData, d.stateData)
                    && java.util.Arrays.equals(proof, d.proof) && java.util.Objects.equals(localData, d.localData);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(stateData);
        }

        @Override
        public String toString() {
            return org.web3j.utils.Numeric.toHexString(stateData) + (localData == null ? ""
                    : " with local data " + localData);
        }
    }

    /**
     * A local preimage the game loads into the PreimageOracle ({@code FaultDisputeGame.addLocalData(ident,
     * execLeafIdx, partOffset)}, with the stepped claim's index as {@code execLeafIdx}).
     *
     * @param ident the {@code LocalPreimageKey}
     * @param partOffset the offset of the 32-byte part read
     */
    record LocalPreimage(int ident, int partOffset) {
        /** {@code LocalPreimageKey.DISPUTED_L2_BLOCK_NUMBER}. */
        public static final int DISPUTED_L2_BLOCK_NUMBER = 4;
    }
}
