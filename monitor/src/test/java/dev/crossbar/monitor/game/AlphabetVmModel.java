package dev.crossbar.monitor.game;

import java.math.BigInteger;
import java.util.Arrays;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * OP's {@code AlphabetVM.step} (contracts-bedrock 0.17.3, {@code test/mocks/AlphabetVM.sol}) transcribed line by line
 * for the in-memory game, independently of {@link AlphabetTraceProvider}; {@link AlphabetVmStepTest} checks both
 * against the real bytecode.
 */
final class AlphabetVmModel {
    private final byte[] absolutePrestate;

    AlphabetVmModel(byte[] absolutePrestate) {
        this.absolutePrestate = absolutePrestate.clone();
    }

    /**
     * {@code step(stateData, proof, localContext)}.
     *
     * @param disputedBlock the DISPUTED_L2_BLOCK_NUMBER loaded for the step's local context, or null when none was
     *     loaded
     * @throws SimulatedGame.Revert "pre-image must exist" when the VM reads local data that was not loaded
     */
    byte[] step(byte[] stateData, Long disputedBlock) {
        BigInteger traceIndex;
        BigInteger claim;
        if (stateData.length < 32) {
            throw new SimulatedGame.Revert("abi.decode of " + stateData.length + " bytes");
        }
        if (Arrays.equals(low31(Hash.sha3(stateData)), low31(absolutePrestate))) {
            if (disputedBlock == null) {
                throw new SimulatedGame.Revert("pre-image must exist");
            }
            // dat = [8-byte size][8-byte block][zeros]; (dat >> 128) & 0xFFFFFFFF is the block's low 32 bits
            BigInteger starting = BigInteger.valueOf(disputedBlock & 0xFFFF_FFFFL).subtract(BigInteger.ONE);
            traceIndex = starting.shiftLeft(4);
            claim = new BigInteger(1, Arrays.copyOfRange(stateData, 0, 32)).add(traceIndex);
        } else {
            if (stateData.length < 64) {
                throw new SimulatedGame.Revert("abi.decode of " + stateData.length + " bytes");
            }
            traceIndex = new BigInteger(1, Arrays.copyOfRange(stateData, 0, 32)).add(BigInteger.ONE);
            claim = new BigInteger(1, Arrays.copyOfRange(stateData, 32, 64)).add(BigInteger.ONE);
        }
        byte[] encoded = new byte[64];
        System.arraycopy(Numeric.toBytesPadded(traceIndex, 32), 0, encoded, 0, 32);
        System.arraycopy(Numeric.toBytesPadded(claim, 32), 0, encoded, 32, 32);
        byte[] post = Hash.sha3(encoded);
        post[0] = 1;
        return post;
    }

    /** The hash without its first byte: {@code x << 8}. */
    private static byte[] low31(byte[] h) {
        return Arrays.copyOfRange(h, 1, 32);
    }
}
