package dev.crossbar.devnet.faultproof;

import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The devnet's settings of OP's fault-proof contracts (contracts-bedrock 0.17.3: OptimismPortal2 3.10.0,
 * FaultDisputeGame 1.2.0).
 *
 * <p>The output-bisection window: a game's L2 block must lie within {@code 2^splitDepth} blocks of the anchor
 * (the game judges the claim against the output at {@code anchor + 2^splitDepth} otherwise, so an honest proposal
 * further out loses), and the anchor only moves when a game resolves, after {@code maxClockDuration}. Split 6 gives a
 * 64-block window; OP's own pair for the alphabet VM, 8/4, only 16 blocks.
 *
 * @param maxClockDuration the time a side has to move; an unchallenged root resolves after it
 * @param clockExtension the time a move made near the end of the clock gets (twice that just above the split)
 * @param maxGameDepth the depth of the game tree; {@code splitDepth + 4} for the alphabet VM
 * @param splitDepth the depth where output bisection ends and execution bisection starts
 * @param proofMaturityDelay the time between proving a withdrawal and finalizing it
 * @param disputeGameFinalityDelay the air gap between a game's resolution and a finalization that uses it
 * @param delayedWethDelay the time bonds stay locked in DelayedWETH after a claim is resolved
 * @param initBond what the proposer pays to create a game, of either type
 * @param minProposalSize PreimageOracle's smallest large-preimage proposal (unused by the alphabet VM)
 * @param challengePeriod PreimageOracle's challenge period for large preimages (unused by the alphabet VM)
 * @param respectedGameTypes per L2 chain id, the game type its portal accepts proofs against; an L2 not in the map
 *     gets {@link #ALPHABET}
 * @param sequencingWindow (the devnet operator's, not a contract's) how long (L1 time) after its L1 block a deposit
 *     the sequencer censors is forced into the L2 anyway, in order with the deposits held behind it, as OP's
 *     derivation does at the end of its sequencing window ({@code seq_window_size} L1 blocks)
 */
public record FaultProofParams(Duration maxClockDuration, Duration clockExtension, int maxGameDepth, int splitDepth,
        Duration proofMaturityDelay, Duration disputeGameFinalityDelay, Duration delayedWethDelay, BigInteger initBond,
        long minProposalSize, Duration challengePeriod, Map<Long, Integer> respectedGameTypes,
        Duration sequencingWindow) {

    /** Game type 255: the permissionless FaultDisputeGame on the AlphabetVM. */
    public static final int ALPHABET = 255;
    /** Game type 1: the PermissionedDisputeGame (only the proposer creates, only proposer and challenger move). */
    public static final int PERMISSIONED = 1;
    /**
     * The AlphabetVM's absolute prestate (op-challenger {@code trace/alphabet/prestate.go}): {@code
     * keccak256(abi.encode(0x60))} with its first byte set to 3 (VM status "unfinished").
     */
    public static final String ALPHABET_PRESTATE = "0x03c7ae758795765c6664a5d39bf63841c71ff191e9189522bad8ebff5d4eca98";
    /** The execution part of an alphabet game: {@code maxGameDepth - splitDepth} (OP's Deploy.s.sol). */
    public static final int ALPHABET_EXECUTION_DEPTH = 4;
    /** The largest depth FaultDisputeGame takes ({@code MAX_POSITION_BITLEN - 1}). */
    public static final int MAX_DEPTH_LIMIT = 125;

    /**
     * Checks what the contracts would refuse or break on, naming the parameter.
     *
     * @throws IllegalArgumentException naming the parameter that does not fit
     */
    public FaultProofParams {
        positive("maxClockDuration", maxClockDuration);
        positive("clockExtension", clockExtension);
        positive("proofMaturityDelay", proofMaturityDelay);
        positive("disputeGameFinalityDelay", disputeGameFinalityDelay);
        positive("delayedWethDelay", delayedWethDelay);
        positive("challengePeriod", challengePeriod);
        positive("sequencingWindow", sequencingWindow);
        // FaultDisputeGame.move computes maxClockDuration - 2 * clockExtension (checked arithmetic) for a move
        // just above the split: a larger extension makes those moves revert.
        if (clockExtension.multipliedBy(2).compareTo(maxClockDuration) > 0) {
            throw new IllegalArgumentException("clockExtension " + clockExtension.toSeconds() + "s must be at most"
                    + " half of maxClockDuration " + maxClockDuration.toSeconds() + "s");
        }
        if (splitDepth < 2) {
            throw new IllegalArgumentException("splitDepth " + splitDepth + " must be at least 2");
        }
        if (maxGameDepth != splitDepth + ALPHABET_EXECUTION_DEPTH) {
            throw new IllegalArgumentException("maxGameDepth " + maxGameDepth + " must be splitDepth + "
                    + ALPHABET_EXECUTION_DEPTH + " = " + (splitDepth + ALPHABET_EXECUTION_DEPTH)
                    + " (the AlphabetVM's execution trace)");
        }
        if (maxGameDepth > MAX_DEPTH_LIMIT) {
            throw new IllegalArgumentException("maxGameDepth " + maxGameDepth + " exceeds " + MAX_DEPTH_LIMIT);
        }
        if (initBond == null || initBond.signum() < 0) {
            throw new IllegalArgumentException("initBond must be zero or more, got " + initBond);
        }
        if (minProposalSize <= 0) {
            throw new IllegalArgumentException("minProposalSize must be positive, got " + minProposalSize);
        }
        respectedGameTypes = Map.copyOf(respectedGameTypes);
        respectedGameTypes.forEach((chain, type) -> {
            if (type != ALPHABET && type != PERMISSIONED) {
                throw new IllegalArgumentException("respected game type " + type + " of L2 " + chain
                        + " is not deployed; use " + ALPHABET + " (alphabet) or " + PERMISSIONED + " (permissioned)");
            }
        });
    }

    /**
     * The devnet's settings: a one-minute clock with a ten-second extension, depth 10 split 6 (a 64-block window),
     * a 90 s proof maturity, a 15 s air gap, bonds locked 30 s, a 0.08 ether init bond (mainnet's), OP's devnet
     * PreimageOracle values, and censored deposits forced in after a 60 s sequencing window (longer than the inclusion
     * window dev mode gives the monitor, so that censorship is seen before it is undone).
     *
     * <p>The proof maturity is longer than the clock, in the same order as on OP Mainnet (7 days against 3.5): a
     * proof then matures after its game could resolve. Portal 3.10.0 answers a matured proof whose game is still in
     * progress with "output proposal has not been validated", which clients (viem's {@code getWithdrawalStatus})
     * do not know as a status; with this order they never see it from an honest game.
     */
    public static FaultProofParams devnet() {
        return new FaultProofParams(Duration.ofSeconds(60), Duration.ofSeconds(10), 10, 6, Duration.ofSeconds(90),
                Duration.ofSeconds(15), Duration.ofSeconds(30), new BigInteger("80000000000000000"), 10_000,
                Duration.ofSeconds(120), Map.of(), Duration.ofSeconds(60));
    }

    /** These settings, with {@code gameType} respected by the portal of L2 {@code chainId}. */
    public FaultProofParams withRespectedGameType(long chainId, int gameType) {
        Map<Long, Integer> types = new HashMap<>(respectedGameTypes);
        types.put(chainId, gameType);
        return new FaultProofParams(maxClockDuration, clockExtension, maxGameDepth, splitDepth, proofMaturityDelay,
                disputeGameFinalityDelay, delayedWethDelay, initBond, minProposalSize, challengePeriod, types,
                sequencingWindow);
    }

    /** These settings, with proofs maturing after {@code delay}. */
    public FaultProofParams withProofMaturityDelay(Duration delay) {
        return new FaultProofParams(maxClockDuration, clockExtension, maxGameDepth, splitDepth, delay,
                disputeGameFinalityDelay, delayedWethDelay, initBond, minProposalSize, challengePeriod,
                respectedGameTypes, sequencingWindow);
    }

    /** These settings, with censored deposits forced into the L2 {@code window} after their L1 block. */
    public FaultProofParams withSequencingWindow(Duration window) {
        return new FaultProofParams(maxClockDuration, clockExtension, maxGameDepth, splitDepth, proofMaturityDelay,
                disputeGameFinalityDelay, delayedWethDelay, initBond, minProposalSize, challengePeriod,
                respectedGameTypes, window);
    }

    /** The game type the portal of L2 {@code chainId} accepts. */
    public int respectedGameType(long chainId) {
        return respectedGameTypes.getOrDefault(chainId, ALPHABET);
    }

    /** How many L2 blocks past the anchor a game may claim: {@code 2^splitDepth}. */
    public long outputWindow() {
        return 1L << splitDepth;
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.toNanosPart() != 0) {
            throw new IllegalArgumentException(name + " must be a positive whole number of seconds, got " + d);
        }
    }
}
