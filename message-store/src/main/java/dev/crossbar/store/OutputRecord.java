package dev.crossbar.store;

import java.math.BigInteger;
import java.time.Instant;

/**
 * An output root proposed on L1 for an L2, and what became of it.
 *
 * @param l1Timestamp when it was proposed (L1 block time, seconds): its challenge window runs from here
 * @param status PROPOSED, DELETED (by the challenger) or ORPHANED (its L1 block left the canonical chain)
 * @param verdict the monitor's check: null (not checked yet), VALID or INVALID
 */
public record OutputRecord(long l2ChainId, BigInteger outputIndex, String outputRoot, BigInteger l2BlockNumber,
        long l1Timestamp, long l1ChainId, long l1BlockNumber, String l1BlockHash, String l1TxHash, Status status,
        String verdict, Instant checkedAt, Instant createdAt) {

    public enum Status { PROPOSED, DELETED, ORPHANED }
}
