package dev.crossbar.core.model;

import java.util.List;

/**
 * Why a transaction is sent: the one list of the values of {@code TxRecord.purpose} in the store and of the
 * {@code purpose} metric label. Relayer: PROVE, FINALIZE, RELAY, RELAY_BATCH, REPLAY; monitor: CHALLENGE, PAUSE,
 * ESCAPE, RECLAIM, and in dispute games MOVE, STEP, RESOLVE, CLAIM_CREDIT, BLACKLIST, FORCED_WITHDRAWAL; the transaction manager itself: CANCEL (a no-op to self that fills a nonce).
 */
public final class TxPurpose {
    private TxPurpose() {}

    /** Prove a withdrawal on the L1 portal. */
    public static final String PROVE = "PROVE";
    /** Finalize a proven withdrawal on the L1 portal. */
    public static final String FINALIZE = "FINALIZE";
    /** Relay one L2-to-L2 message on its destination. */
    public static final String RELAY = "RELAY";
    /** Relay several L2-to-L2 messages in one Multicall3 transaction. */
    public static final String RELAY_BATCH = "RELAY_BATCH";
    /** Replay a message that failed on its destination's messenger. */
    public static final String REPLAY = "REPLAY";
    /** A zero-value transfer to itself that takes a nonce: replaces an unwanted transaction or fills a gap. */
    public static final String CANCEL = "CANCEL";
    /** Delete a bad output root inside its challenge window. */
    public static final String CHALLENGE = "CHALLENGE";
    /** Pause a portal with the guardian key. */
    public static final String PAUSE = "PAUSE";
    /** Put a portal into escape mode with the guardian key. */
    public static final String ESCAPE = "ESCAPE";
    /** Reclaim an unexecuted deposit to its sender in escape mode. */
    public static final String RECLAIM = "RECLAIM";
    /** A move in a dispute game (attack or defend a claim, with its bond). */
    public static final String MOVE = "MOVE";
    /** A step on the fault-proof VM at a dispute game's maximum depth. */
    public static final String STEP = "STEP";
    /** Resolve a dispute game's claims (bottom-up) or the game itself once its clocks ran out. */
    public static final String RESOLVE = "RESOLVE";
    /** Claim the bonds a dispute game credited to us (from DelayedWETH, after its delay). */
    public static final String CLAIM_CREDIT = "CLAIM_CREDIT";
    /** Blacklist a dispute game that resolved wrongly, with the guardian key, so nothing finalizes against it. */
    public static final String BLACKLIST = "BLACKLIST";
    /**
     * Start a watched account's forced withdrawal: an L1 deposit, from the account itself, whose L2 call initiates the
     * withdrawal of its L2 balance on the message passer.
     */
    public static final String FORCED_WITHDRAWAL = "FORCED_WITHDRAWAL";

    /** The relayer's purposes (the bounded values of its metrics' {@code purpose} label). */
    public static final List<String> RELAYER = List.of(PROVE, FINALIZE, RELAY, RELAY_BATCH, REPLAY, CANCEL);
}
