package dev.crossbar.store;

import java.time.Instant;
import java.util.Map;

/**
 * Something the monitor found.
 *
 * @param id assigned by the store (0 before)
 * @param kind what was found (BAD_OUTPUT, FORGED_WITHDRAWAL, FORGED_RELAY, CENSORED_DEPOSIT, PROPOSER_DOWN,
 *     EARLY_FINALIZATION, CHAIN_HALTED, DEEP_REORG, WINDOW_CLOSING_UNCHECKED, MONITOR_LAGGING, ...)
 * @param severity critical, warning or info
 * @param dedupeKey findings with the same key are the same finding seen again
 * @param evidence chain, block, hashes, expected and seen values, deadline: what an operator needs to act
 * @param status OPEN or RESOLVED
 * @param count how many times it was seen
 */
public record Finding(long id, String kind, String severity, long chainId, String dedupeKey, String summary,
        Map<String, String> evidence, String status, int count, Instant firstSeen, Instant lastSeen) {}
