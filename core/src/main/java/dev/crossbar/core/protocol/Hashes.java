package dev.crossbar.core.protocol;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.DefaultFunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The protocol's hashing, in one place and exactly as the contracts compute it (OP Stack
 * {@code Hashing.sol} and our Portal/DepositExecutor).
 */
public final class Hashes {
    /** The only output root version there is: {@code bytes32(0)}. */
    public static final byte[] OUTPUT_VERSION_V0 = new byte[32];
    /** Root of an empty Merkle-Patricia trie: the storage root of an account without storage. */
    public static final String EMPTY_TRIE_ROOT = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421";
    private static final BigInteger ALIAS_OFFSET = new BigInteger("1111000000000000000000000000000000001111", 16);
    private static final BigInteger ADDRESS_SPACE = BigInteger.ONE.shiftLeft(160);

    private Hashes() {}

    /**
     * Output root: {@code keccak256(abi.encode(version=0, stateRoot, messagePasserStorageRoot, blockHash))}.
     */
    public static byte[] outputRoot(byte[] stateRoot, byte[] messagePasserStorageRoot, byte[] blockHash) {
        return keccakAbi(new Bytes32(OUTPUT_VERSION_V0), new Bytes32(stateRoot),
                new Bytes32(messagePasserStorageRoot), new Bytes32(blockHash));
    }

    /**
     * Withdrawal hash: {@code keccak256(abi.encode(nonce, sender, target, value, gasLimit, data))}, the key
     * of {@code L2ToL1MessagePasser.sentMessages}.
     */
    public static byte[] withdrawalHash(BigInteger nonce, String sender, String target, BigInteger value,
            BigInteger gasLimit, byte[] data) {
        return keccakAbi(new Uint256(nonce), new Address(sender), new Address(target), new Uint256(value),
                new Uint256(gasLimit), new DynamicBytes(data));
    }

    /**
     * Storage slot of {@code sentMessages[withdrawalHash]} in the message passer, where the mapping is at
     * slot 0: {@code keccak256(abi.encode(withdrawalHash, uint256(0)))}.
     */
    public static byte[] sentMessageSlot(byte[] withdrawalHash) {
        return keccakAbi(new Bytes32(withdrawalHash), new Uint256(BigInteger.ZERO));
    }

    /**
     * Cross-domain message hash, version 1: {@code keccak256} of the {@code relayMessage} calldata
     * ({@code Hashing.hashCrossDomainMessageV1}).
     */
    public static byte[] crossDomainMessageV1(BigInteger nonce, String sender, String target, BigInteger value,
            BigInteger gasLimit, byte[] message) {
        return Hash.sha3(Numeric.hexStringToByteArray(Encodings.relayMessageV1(nonce, sender, target, value,
                gasLimit, message)));
    }

    /**
     * L2-to-L2 message hash (OP interop):
     * {@code keccak256(abi.encode(destination, source, nonce, sender, target, message))}.
     */
    public static byte[] l2ToL2Message(BigInteger destination, BigInteger source, BigInteger nonce, String sender,
            String target, byte[] message) {
        return keccakAbi(new Uint256(destination), new Uint256(source), new Uint256(nonce), new Address(sender),
                new Address(target), new DynamicBytes(message));
    }

    /**
     * Deposit hash as the Portal escrows it and the devnet's executor recomputes it:
     * {@code keccak256(abi.encode(nonce, from, to, mint, value, gasLimit, isCreation, data))}.
     */
    public static byte[] depositHash(BigInteger nonce, String from, String to, BigInteger mint, BigInteger value,
            BigInteger gasLimit, boolean isCreation, byte[] data) {
        return keccakAbi(new Uint256(nonce), new Address(from), new Address(to), new Uint256(mint),
                new Uint256(value), new Uint64(gasLimit), new Bool(isCreation), new DynamicBytes(data));
    }

    /** The address an L1 contract has when it calls into L2 (OP's {@code AddressAliasHelper}). */
    public static String applyL1ToL2Alias(String l1Address) {
        BigInteger a = Numeric.toBigInt(l1Address).add(ALIAS_OFFSET).mod(ADDRESS_SPACE);
        return Numeric.toHexStringWithPrefixZeroPadded(a, 40);
    }

    /** Inverse of {@link #applyL1ToL2Alias(String)}. */
    public static String undoL1ToL2Alias(String l2Address) {
        BigInteger a = Numeric.toBigInt(l2Address).subtract(ALIAS_OFFSET).mod(ADDRESS_SPACE);
        return Numeric.toHexStringWithPrefixZeroPadded(a, 40);
    }

    /** {@code keccak256(abi.encode(values...))}. */
    @SuppressWarnings("rawtypes")
    public static byte[] keccakAbi(Type... values) {
        String encoded = new DefaultFunctionEncoder().encodeParameters(List.of(values));
        return Hash.sha3(Numeric.hexStringToByteArray(encoded));
    }
}
