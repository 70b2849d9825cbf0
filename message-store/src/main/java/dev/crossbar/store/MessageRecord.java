package dev.crossbar.store;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;

/**
 * A message as the store keeps it.
 *
 * @param id the message's hash (deposit hash, withdrawal hash, or L2-to-L2 message hash), 0x hex
 * @param messengerHash for deposits and withdrawals sent through a cross-domain messenger: the messenger's
 *     message hash (what {@code successfulMessages} and {@code failedMessages} are keyed by); else null
 * @param parentId for the L1-to-L2 leg of a settled cross-rollup message: the withdrawal it came from
 * @param source where it was sent (chain, block, tx, log)
 * @param attempts delivery attempts so far
 * @param nextAttemptAt when the relayer may try again (null: now)
 * @param lastError why the last attempt failed, if it did
 * @param details kind-specific facts the relayer and monitor keep (e.g. proven output index), as strings
 * @param version incremented on every update (optimistic concurrency)
 */
public record MessageRecord(
        String id,
        MessageKind kind,
        MessageState state,
        long sourceChainId,
        long destinationChainId,
        BigInteger nonce,
        String sender,
        String target,
        BigInteger value,
        BigInteger gasLimit,
        String data,
        String messengerHash,
        String parentId,
        SourceRef source,
        int attempts,
        Instant nextAttemptAt,
        String lastError,
        Map<String, String> details,
        Instant createdAt,
        Instant updatedAt,
        long version) {

    /** Where a message was sent. */
    public record SourceRef(long blockNumber, String blockHash, String txHash, long logIndex, long blockTimestamp) {}
}
