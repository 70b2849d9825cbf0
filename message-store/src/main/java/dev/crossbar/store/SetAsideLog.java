package dev.crossbar.store;

/**
 * A log the watcher could not decode, kept with the reason so that nothing is silently lost.
 *
 * @param rawLog the log as the node returned it (JSON)
 */
public record SetAsideLog(long chainId, long blockNumber, String blockHash, String txHash, long logIndex,
        String address, String reason, String rawLog) {}
