package dev.crossbar.store;

import java.time.Instant;

/** A chain's circuit breaker: when tripped, nothing is relayed from or to the chain. */
public record BreakerState(long chainId, boolean tripped, String reason, String changedBy, Instant changedAt) {}
