package dev.crossbar.core.event;

import java.util.Objects;

/**
 * Where a log was emitted: enough to find it again and to tell whether its block is still canonical.
 *
 * @param chainId the chain the log is on
 * @param blockNumber its block's number
 * @param blockHash its block's hash
 * @param blockTimestamp its block's timestamp, in seconds
 * @param txHash the transaction that emitted it
 * @param logIndex its index in the block
 * @param address the contract that emitted it
 */
public record EventRef(long chainId, long blockNumber, String blockHash, long blockTimestamp, String txHash,
        long logIndex, String address) {

    public EventRef {
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(txHash, "txHash");
        Objects.requireNonNull(address, "address");
        blockHash = blockHash.toLowerCase();
        txHash = txHash.toLowerCase();
        address = address.toLowerCase();
    }

    /** A key unique per log on a chain and block: {@code chainId:blockHash:logIndex}. */
    public String key() {
        return chainId + ":" + blockHash + ":" + logIndex;
    }
}
