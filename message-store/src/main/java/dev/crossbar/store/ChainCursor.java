package dev.crossbar.store;

import java.time.Instant;

/** The last block of a chain whose events are durably recorded. */
public record ChainCursor(long chainId, long blockNumber, String blockHash, Instant updatedAt) {}
