package dev.crossbar.monitor.game;

import java.math.BigInteger;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The bottom half of a game on OP's {@code AlphabetVM} (contracts-bedrock 0.17.3, {@code test/mocks/AlphabetVM.sol}):
 * the execution trace of one sub-game, exactly as the VM's {@code step} computes it.
 *
 * <p>The VM, from its source: a state is {@code abi.encode(uint256 traceIndex, uint256 claim)} and its commitment
 * {@code keccak256(state)} with the first byte set to 1 (VM status INVALID; the VM never reports another). A step
 * from a state {@code (t, c)} gives {@code (t + 1, c + 1)}. A step from the absolute prestate (the 32-byte
 * {@code abi.encode(0x60)}, committed as {@code keccak256} with status byte 3, UNFINISHED) reads the disputed L2
 * block number {@code D} from the PreimageOracle (local key {@code DISPUTED_L2_BLOCK_NUMBER}, which the game loads as
 * {@code startingBlockNumber + traceIndex(disputed output, splitDepth) + 1}) and gives
 * {@code ((D - 1) << 4, 0x60 + ((D - 1) << 4))}. So with {@code base = (D - 1) << 4} the state after trace index
 * {@code i} (the claim at {@code i}) is {@code (base + i, 0x60 + base + i)}, and the pre-state of the step at
 * {@code i > 0} is {@code (base + i - 1, 0x60 + base + i - 1)}. The step at 0 reads the oracle, so its
 * {@link StepData} names the local preimage the game must load first; the others read nothing. Sub-games start 16
 * steps apart, room for the devnet's 8-step sub-games (depth 3).
 *
 * <p>op-challenger's alphabet provider (v1.0.1, the release matching 0.17.3) counts one further: it claims
 * {@code (base + i + 1, ...)} at {@code i}, which agrees with the VM for every step but the first (from the absolute
 * prestate the VM gives {@code base}, op-challenger expects {@code base + 1}), so that an honest claim at trace index
 * 0 could be stepped against. This provider follows the VM. Its {@code D - 1} is op-challenger's "agreed L2 block"
 * ({@code startingBlockNumber + traceIndex(agreed output) + 1}), uncapped: the VM takes the block number the game
 * loads, which the game does not cap at its L2 block.
 *
 * <p>The VM's limit: it cannot report a valid execution (status 0), so a sub-game whose disputed output is honest
 * cannot be played on it (see {@link Solver}).
 */
public final class AlphabetTraceProvider implements TraceProvider {
    /** The absolute prestate's preimage, {@code abi.encode(0x60)} (op-challenger {@code alphabet/prestate.go}). */
    public static final BigInteger PRESTATE_VALUE = BigInteger.valueOf(0x60);

    private final long disputedBlock;
    private final int depth;
    private final BigInteger base;

    /**
     * @param disputedBlock the {@code DISPUTED_L2_BLOCK_NUMBER} the game loads for this sub-game
     *     ({@link SubGame#disputedBlock()})
     * @param depth the depth of the execution sub-game: {@code maxGameDepth - splitDepth - 1}
     * @throws IllegalArgumentException when the block is not in {@code [1, 2^32)} (the VM reads its low 32 bits and
     *     subtracts 1) or the depth is out of range
     */
    public AlphabetTraceProvider(long disputedBlock, int depth) {
        if (disputedBlock < 1 || disputedBlock > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("disputed L2 block " + disputedBlock + " is outside [1, 2^32)");
        }
        if (depth < 1 || depth > 62) {
            throw new IllegalArgumentException("execution depth " + depth + " is outside [1, 62]");
        }
        this.disputedBlock = disputedBlock;
        this.depth = depth;
        this.base = BigInteger.valueOf(disputedBlock - 1).shiftLeft(4);
    }

    public long disputedBlock() {
        return disputedBlock;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public byte[] claimAt(Position position) {
        BigInteger i = position.traceIndex(depth);
        return VmStatus.INVALID.stamp(Hash.sha3(state(base.add(i))));
    }

    @Override
    public StepData stepData(BigInteger traceIndex) {
        if (traceIndex.signum() < 0 || traceIndex.bitLength() > depth) {
            throw new IllegalArgumentException("trace index " + traceIndex + " is outside [0, 2^" + depth + ")");
        }
        if (traceIndex.signum() == 0) {
            return new StepData(prestate(), new byte[0],
                    new LocalPreimage(LocalPreimage.DISPUTED_L2_BLOCK_NUMBER, 0));
        }
        return new StepData(state(base.add(traceIndex).subtract(BigInteger.ONE)), new byte[0], null);
    }

    @Override
    public byte[] absolutePrestate() {
        return VmStatus.UNFINISHED.stamp(Hash.sha3(prestate()));
    }

    /** {@code abi.encode(t, 0x60 + t)}: the state after the VM's trace index {@code t}. */
    private static byte[] state(BigInteger t) {
        byte[] out = new byte[64];
        System.arraycopy(Numeric.toBytesPadded(t, 32), 0, out, 0, 32);
        System.arraycopy(Numeric.toBytesPadded(PRESTATE_VALUE.add(t), 32), 0, out, 32, 32);
        return out;
    }

    private static byte[] prestate() {
        return Numeric.toBytesPadded(PRESTATE_VALUE, 32);
    }
}
