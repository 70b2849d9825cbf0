package dev.crossbar.store;

import dev.crossbar.core.model.MessageState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes what the events of a chain's orphaned blocks did, in the rollback's transaction:
 * <ol>
 *   <li>messages those events created become ORPHANED (whatever their state), and their whole history so far
 *       is marked undone (a later life starts afresh);
 *   <li>every other move those events caused is undone, newest first, each message going back to the state
 *       it was in before the move (recorded as a new move with the rollback's cause; this bypasses the
 *       lifecycle table: it is a correction, not a step);
 *   <li>outputs they proposed become ORPHANED, outputs they deleted PROPOSED again;
 *   <li>dispute games they created are deleted with their claims and history, claims they added are deleted, and
 *       resolutions and blacklistings they recorded are undone ({@link Games#undo});
 *   <li>the events are marked removed.
 * </ol>
 */
final class Rollback {
    private static final Logger log = LoggerFactory.getLogger(Rollback.class);
    /** The not yet removed events above a block of a chain (two parameters: chain id, block number). */
    private static final String REMOVED_EVENTS =
            "SELECT id FROM events WHERE chain_id = ? AND block_number > ? AND removed = FALSE";

    private record Move(String messageId, MessageState from, String cause) {}

    /** The messages created by removed events, and how many of them became ORPHANED now. */
    private record Orphans(Set<String> ids, int moved) {}

    MessageStore.RollbackResult undo(Tx tx, long chainId, long aboveBlock, String cause) throws SQLException {
        Orphans orphans = orphan(tx, chainId, aboveBlock, cause);
        int reverted = revert(tx, chainId, aboveBlock, cause, orphans.ids());
        tx.update("UPDATE outputs SET status = 'PROPOSED', deleted_by_event = NULL WHERE status = 'DELETED' AND"
                + " deleted_by_event IN (" + REMOVED_EVENTS + ")", chainId, aboveBlock);
        tx.update("UPDATE outputs SET status = 'ORPHANED' WHERE event_id IN (" + REMOVED_EVENTS + ")", chainId,
                aboveBlock);
        tx.update("UPDATE message_transitions SET undone = TRUE WHERE event_id IN (" + REMOVED_EVENTS + ")", chainId,
                aboveBlock);
        int games = Games.undo(tx, REMOVED_EVENTS, chainId, aboveBlock, cause);
        if (games > 0) {
            log.info("rollback removed dispute games: chainId={} aboveBlock={} games={}", chainId, aboveBlock, games);
        }
        int removed = tx.update("UPDATE events SET removed = TRUE WHERE chain_id = ? AND block_number > ? AND"
                + " removed = FALSE", chainId, aboveBlock);
        return new MessageStore.RollbackResult(removed, orphans.moved(), reverted);
    }

    private static Orphans orphan(Tx tx, long chainId, long aboveBlock, String cause) throws SQLException {
        Set<String> ids = new HashSet<>();
        int moved = 0;
        for (MessageRecord m : Messages.lockWhere(tx, "created_by_event IN (" + REMOVED_EVENTS + ")", chainId,
                aboveBlock)) {
            tx.update("UPDATE message_transitions SET undone = TRUE WHERE message_id = ?", m.id());
            if (m.state() != MessageState.ORPHANED) {
                Messages.move(tx, m, MessageState.ORPHANED, cause, null);
                moved++;
            }
            ids.add(m.id());
        }
        return new Orphans(ids, moved);
    }

    /** Undoes the other moves of removed events; returns the number of messages that changed. */
    private static int revert(Tx tx, long chainId, long aboveBlock, String cause, Set<String> orphaned)
            throws SQLException {
        Map<String, List<Move>> byMessage = new LinkedHashMap<>();
        for (Move mv : tx.list("SELECT message_id, from_state, cause FROM message_transitions WHERE undone = FALSE AND"
                        + " from_state IS NOT NULL AND event_id IN (" + REMOVED_EVENTS + ") ORDER BY id DESC",
                r -> new Move(r.str("message_id"), MessageState.valueOf(r.str("from_state")), r.str("cause")),
                chainId, aboveBlock)) {
            if (!orphaned.contains(mv.messageId())) {
                byMessage.computeIfAbsent(mv.messageId(), k -> new ArrayList<>()).add(mv);
            }
        }
        int reverted = 0;
        for (Map.Entry<String, List<Move>> e : byMessage.entrySet()) {
            MessageRecord m = Messages.lockExisting(tx, e.getKey());
            if (m.state() == MessageState.ORPHANED) {
                continue;
            }
            boolean changed = false;
            for (Move mv : e.getValue()) {
                if (m.state() != mv.from()) {
                    m = Messages.move(tx, m, mv.from(), cause + " (undoing: " + mv.cause() + ")", null);
                    changed = true;
                }
            }
            if (changed) {
                reverted++;
            }
        }
        return reverted;
    }
}
