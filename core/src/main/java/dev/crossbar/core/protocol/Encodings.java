package dev.crossbar.core.protocol;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;

/** ABI encodings the protocol hashes over (OP Stack {@code Encoding.sol}). */
public final class Encodings {
    /** Bits of a versioned nonce that hold the nonce; the version sits in the top 16 bits. */
    private static final int NONCE_BITS = 240;
    private static final BigInteger NONCE_MASK = BigInteger.ONE.shiftLeft(NONCE_BITS).subtract(BigInteger.ONE);

    private Encodings() {}

    /** {@code relayMessage(uint256,address,address,uint256,uint256,bytes)} calldata, as 0x-prefixed hex. */
    public static String relayMessageV1(BigInteger nonce, String sender, String target, BigInteger value,
            BigInteger gasLimit, byte[] message) {
        Function f = new Function("relayMessage", List.of(new Uint256(nonce), new Address(sender), new Address(target),
                new Uint256(value), new Uint256(gasLimit), new DynamicBytes(message)), List.of());
        return FunctionEncoder.encode(f);
    }

    /** The version (top 16 bits) of a versioned nonce. */
    public static int nonceVersion(BigInteger versionedNonce) {
        return versionedNonce.shiftRight(NONCE_BITS).intValueExact();
    }

    /** The nonce (low 240 bits) of a versioned nonce. */
    public static BigInteger nonceValue(BigInteger versionedNonce) {
        return versionedNonce.and(NONCE_MASK);
    }

    /** {@code (version << 240) | nonce}. */
    public static BigInteger versionedNonce(BigInteger nonce, int version) {
        return BigInteger.valueOf(version).shiftLeft(NONCE_BITS).or(nonce);
    }
}
