package dev.crossbar.core.protocol;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A user deposit as the Portal's {@code TransactionDeposited} event carries it.
 *
 * @param from the L2 sender (aliased when an L1 contract deposited)
 * @param to the L2 target (zero for a contract creation)
 * @param mint the ether escrowed on L1 and minted on L2
 * @param value the ether sent to {@code to} on L2
 * @param gasLimit the L2 gas limit
 * @param isCreation whether the deposit creates a contract
 * @param data the call data, or the init code for a creation
 */
public record DepositTransaction(String from, String to, BigInteger mint, BigInteger value, BigInteger gasLimit,
        boolean isCreation, byte[] data) {

    /** The only version of {@code TransactionDeposited} there is. */
    public static final BigInteger VERSION_0 = BigInteger.ZERO;
    private static final int FIXED_PART = 32 + 32 + 8 + 1;

    /**
     * Decodes the event's {@code opaqueData}: {@code abi.encodePacked(mint, value, gasLimit, isCreation, data)}.
     *
     * @throws MalformedEventException when the version is unknown or the data is too short
     */
    public static DepositTransaction decode(String from, String to, BigInteger version, byte[] opaque) {
        if (!VERSION_0.equals(version)) {
            throw new MalformedEventException("TransactionDeposited version " + version + " is not supported (only 0)");
        }
        if (opaque.length < FIXED_PART) {
            throw new MalformedEventException("TransactionDeposited opaqueData is " + opaque.length
                    + " bytes, shorter than its fixed part of " + FIXED_PART);
        }
        BigInteger mint = new BigInteger(1, Arrays.copyOfRange(opaque, 0, 32));
        BigInteger value = new BigInteger(1, Arrays.copyOfRange(opaque, 32, 64));
        BigInteger gasLimit = new BigInteger(1, Arrays.copyOfRange(opaque, 64, 72));
        byte creation = opaque[72];
        if (creation != 0 && creation != 1) {
            throw new MalformedEventException("TransactionDeposited isCreation byte is " + creation + ", not 0 or 1");
        }
        byte[] data = Arrays.copyOfRange(opaque, FIXED_PART, opaque.length);
        return new DepositTransaction(from, to, mint, value, gasLimit, creation == 1, data);
    }

    /** The hash the Portal escrows this deposit under, given its deposit nonce. */
    public byte[] depositHash(BigInteger depositNonce) {
        return Hashes.depositHash(depositNonce, from, to, mint, value, gasLimit, isCreation, data);
    }
}
