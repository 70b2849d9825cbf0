package dev.crossbar.store;

import java.math.BigInteger;
import java.time.Instant;

/**
 * A transaction the relayer or the monitor sends, recorded before it is broadcast so that a restart
 * resumes it instead of sending it twice.
 *
 * @param id surrogate id assigned by the store (0 before it is recorded)
 * @param messageId the message it acts for (null for a cancel or a monitor action without a message)
 * @param purpose PROVE, FINALIZE, RELAY, CANCEL, CHALLENGE, PAUSE, ESCAPE, RECLAIM, ...
 * @param signer the sending address
 * @param txHash the hash of the signed transaction
 * @param rawTx the signed transaction (hex), so that it can be re-broadcast as is; never a key
 * @param replacesTxHash the transaction this one replaces (same nonce), if any
 */
public record TxRecord(long id, String messageId, String purpose, long chainId, String signer, BigInteger nonce,
        String txHash, String rawTx, BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas, BigInteger gasLimit,
        Status status, String replacesTxHash, String error, Instant createdAt, Instant updatedAt) {

    public enum Status {
        /** Signed and recorded, not yet acknowledged by a node. */
        SIGNED,
        /** A node accepted it. */
        BROADCAST,
        /** Mined with enough confirmations, succeeded. */
        CONFIRMED,
        /** Mined and reverted. */
        REVERTED,
        /** Superseded by another transaction with the same nonce. */
        REPLACED,
        /** Will never be mined (its nonce was used by another transaction that is not ours to track). */
        DROPPED
    }

    public boolean isOpen() {
        return status == Status.SIGNED || status == Status.BROADCAST;
    }
}
