package dev.crossbar.store;

import java.time.Instant;

/**
 * An OP dispute game a {@code DisputeGameFactory} created for an L2, and what became of it. A reorg that removes
 * the block of its creation removes it.
 *
 * @param l1ChainId the chain of the factory and the game
 * @param index the game's index in the factory ({@code gameAtIndex})
 * @param address the game's contract (lower-case 0x hex)
 * @param gameType the game type (e.g. 0 CANNON, 1 PERMISSIONED_CANNON, 255 ALPHABET)
 * @param rootClaim the claimed output root of {@code l2BlockNumber}
 * @param createdAt the game's {@code createdAt} (L1 seconds): its clocks start here
 * @param l1BlockNumber the L1 block of its creation
 * @param status IN_PROGRESS until it resolves
 * @param resolvedAt when it resolved (the L1 block time of its {@code Resolved} event, seconds); null before
 * @param blacklisted whether the guardian barred it from proofs and finalization
 * @param maxClockDuration the game's {@code maxClockDuration} in seconds, null when not recorded
 * @param verdict what Crossbar concluded after recomputing the root claim from the L2 node: VALID, INVALID, or
 *     null (not checked yet)
 * @param verdictDetail why (e.g. the output root the L2 node gives)
 * @param verdictBy who gave the verdict (relayer, monitor)
 * @param verdictAt when the verdict was last changed
 * @param claims the number of claims in the game, the root claim included
 * @param recordedAt when the store recorded it
 */
public record GameRecord(long l1ChainId, long l2ChainId, long index, String address, int gameType, String rootClaim,
        long l2BlockNumber, long createdAt, long l1BlockNumber, String l1BlockHash, String l1TxHash, Status status,
        Long resolvedAt, boolean blacklisted, Long maxClockDuration, String verdict, String verdictDetail,
        String verdictBy, Instant verdictAt, int claims, Instant recordedAt) {

    /** A game's status, as the game contract reports it. */
    public enum Status {
        IN_PROGRESS, CHALLENGER_WINS, DEFENDER_WINS;

        /** The status of a {@code Resolved} event's code (the contract's {@code GameStatus}); empty for others. */
        static java.util.Optional<Status> ofResolved(int code) {
            return switch (code) {
                case 1 -> java.util.Optional.of(CHALLENGER_WINS);
                case 2 -> java.util.Optional.of(DEFENDER_WINS);
                default -> java.util.Optional.empty();
            };
        }
    }
}
