package dev.crossbar.core.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a message is in its life. The allowed moves are an explicit table per kind of message
 * ({@link #canMoveTo(MessageKind, MessageState)}: the moves below between states of that kind, see
 * {@link MessageKind#states()}); the store refuses any other move with an error naming both states.
 *
 * <pre>
 * withdrawals:  SENT -> COMMITTED -> PROVEN -> IN_WINDOW -> READY -> RELAYING -> RELAYED
 * fast L2->L2:  SENT -> READY -> RELAYING -> RELAYED
 * deposits:     SENT -> RELAYED (executed on L2 by its sequencer), or EXITED (reclaimed in escape mode)
 * besides:      FAILED (reverted on the destination, replayable), DEAD_LETTERED (given up, with its reason),
 *               ORPHANED (its block left the canonical chain), BLOCKED (its chain's circuit breaker is tripped)
 * </pre>
 *
 * <p>On an L2 that settles through dispute games the withdrawal states read: COMMITTED, a game covers its block (the
 * relayer proves only against one whose root it verified); PROVEN, proven against game G (the message's
 * {@code provenGame} detail, and who proved it); IN_WINDOW, waiting for the proof to mature and G to resolve
 * DEFENDER_WINS plus the airgap (the wait's reason says which); READY, all three passed; back to COMMITTED to be proven
 * again when G is blacklisted, lost or no longer of the respected type (the history says which).
 */
public enum MessageState {
    /** Seen on its source chain, in a confirmed block. */
    SENT,
    /** A withdrawal whose block is covered by an output root posted on L1 (or a dispute game created there). */
    COMMITTED,
    /** A withdrawal proven on L1 against an output root (or a dispute game). */
    PROVEN,
    /**
     * A proven withdrawal waiting out the challenge window (on dispute-game chains: its proof's maturity, its game's
     * resolution and the airgap).
     */
    IN_WINDOW,
    /** Due for delivery: nothing but the relayer stands between it and its destination. */
    READY,
    /** A delivery transaction is in flight. */
    RELAYING,
    /** Delivered: its effect happened on the destination. Final. */
    RELAYED,
    /** Its call reverted on the destination; it can be replayed. */
    FAILED,
    /** Given up after the replay policy ran out or a permanent error; kept with its reason. */
    DEAD_LETTERED,
    /** Its source block left the canonical chain; withdrawn from every queue. */
    ORPHANED,
    /** Its source or destination chain is behind a tripped circuit breaker; waits until it is reset. */
    BLOCKED,
    /** Reclaimed on L1 through the Portal's escape mode. Final. */
    EXITED;

    private static final Map<MessageState, Set<MessageState>> MOVES = new EnumMap<>(MessageState.class);

    static {
        Set<MessageState> waiting = EnumSet.of(SENT, COMMITTED, PROVEN, IN_WINDOW, READY);
        allow(SENT, COMMITTED, READY, RELAYING, RELAYED, FAILED, ORPHANED, BLOCKED, EXITED);
        // A withdrawal goes back to SENT when the output that covered it is deleted and none covers it any
        // more; to FAILED when someone else finalized it and its call reverted.
        allow(COMMITTED, PROVEN, IN_WINDOW, RELAYING, RELAYED, FAILED, SENT, ORPHANED, BLOCKED, EXITED);
        allow(PROVEN, IN_WINDOW, READY, COMMITTED, RELAYING, RELAYED, FAILED, SENT, ORPHANED, BLOCKED, EXITED);
        allow(IN_WINDOW, READY, COMMITTED, RELAYING, RELAYED, FAILED, SENT, ORPHANED, BLOCKED, EXITED);
        allow(READY, RELAYING, RELAYED, FAILED, COMMITTED, ORPHANED, BLOCKED, EXITED, DEAD_LETTERED);
        allow(RELAYING, RELAYED, FAILED, READY, COMMITTED, PROVEN, IN_WINDOW, BLOCKED, ORPHANED, DEAD_LETTERED);
        allow(FAILED, READY, RELAYING, RELAYED, DEAD_LETTERED, ORPHANED, BLOCKED);
        allow(DEAD_LETTERED, READY, RELAYED, ORPHANED);
        // A block that comes back on the canonical chain brings its message back.
        allow(ORPHANED, SENT);
        // Blocked messages resume where they were.
        MOVES.put(BLOCKED, Collections.unmodifiableSet(EnumSet.copyOf(union(waiting, EnumSet.of(FAILED, RELAYED,
                ORPHANED, EXITED, DEAD_LETTERED)))));
        allow(RELAYED);
        allow(EXITED);
    }

    private static void allow(MessageState from, MessageState... to) {
        EnumSet<MessageState> set = EnumSet.noneOf(MessageState.class);
        set.addAll(java.util.Arrays.asList(to));
        MOVES.put(from, Collections.unmodifiableSet(set));
    }

    private static Set<MessageState> union(Set<MessageState> a, Set<MessageState> b) {
        EnumSet<MessageState> s = EnumSet.copyOf(a);
        s.addAll(b);
        return s;
    }

    /**
     * Whether the lifecycle allows a message of {@code kind} to move from this state to {@code target}: the move is in
     * the table and both states are states of that kind (a deposit cannot become PROVEN).
     */
    public boolean canMoveTo(MessageKind kind, MessageState target) {
        return kind.states().contains(this) && kind.states().contains(target) && MOVES.get(this).contains(target);
    }

    /** The states a message of {@code kind} in this state can reach in one move. */
    public Set<MessageState> allowedMoves(MessageKind kind) {
        EnumSet<MessageState> out = EnumSet.noneOf(MessageState.class);
        for (MessageState t : MOVES.get(this)) {
            if (canMoveTo(kind, t)) {
                out.add(t);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /** Whether nothing more happens to a message in this state. */
    public boolean isFinal() {
        return MOVES.get(this).isEmpty();
    }
}
