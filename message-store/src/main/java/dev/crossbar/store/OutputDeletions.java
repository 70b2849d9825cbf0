package dev.crossbar.store;

import dev.crossbar.core.event.ProtocolEvent.OutputsDeleted;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an {@code OutputsDeleted} (the challenger deleting outputs still inside their window) does: the outputs
 * from {@code newNextOutputIndex} on become DELETED; a withdrawal no longer covered by any output goes back to
 * SENT (to wait for a new one); a withdrawal still covered but proven against a deleted output goes back to
 * COMMITTED (to be proven again).
 */
final class OutputDeletions {
    private static final Set<MessageState> AFFECTED =
            EnumSet.of(MessageState.COMMITTED, MessageState.PROVEN, MessageState.IN_WINDOW);

    private OutputDeletions() {}

    static void apply(LifecycleProjector projector, LifecycleProjector.Step s, OutputsDeleted e) throws SQLException {
        long l2 = e.l2ChainId();
        if (!Numbers.fits(e.newNextOutputIndex())) {
            return; // no output has an index that high
        }
        long from = e.newNextOutputIndex().longValueExact();
        List<Long> deleted = s.tx.list(s.tx.locking("SELECT output_index FROM outputs WHERE l2_chain_id = ? AND"
                + " status = 'PROPOSED' AND output_index >= ? ORDER BY output_index"), r -> r.lng("output_index"),
                l2, from);
        if (deleted.isEmpty()) {
            return;
        }
        s.tx.update("UPDATE outputs SET status = 'DELETED', deleted_by_event = ? WHERE l2_chain_id = ? AND"
                + " status = 'PROPOSED' AND output_index >= ?", s.eventId, l2, from);
        Set<Long> gone = new HashSet<>(deleted);
        String what = LifecycleProjector.range(gone) + " deleted on " + s.where();
        for (MessageRecord m : Messages.lockWhere(s.tx, "kind = ? AND source_chain_id = ? AND state IN (?, ?, ?)",
                MessageKind.WITHDRAWAL, l2, MessageState.COMMITTED, MessageState.PROVEN, MessageState.IN_WINDOW)) {
            if (!AFFECTED.contains(m.state())) {
                continue;
            }
            if (Outputs.covering(s.tx, l2, m.source().blockNumber()).isEmpty()) {
                projector.advance(s, m, MessageState.SENT, what + ": no output covers L2 block "
                        + m.source().blockNumber() + " any more");
            } else if (m.state() != MessageState.COMMITTED && provenAgainst(m, gone)) {
                projector.advance(s, m, MessageState.COMMITTED, what + ": it was proven against output "
                        + m.details().get(MessageDetails.PROVEN_OUTPUT_INDEX) + ", to be proven again");
            }
        }
    }

    private static boolean provenAgainst(MessageRecord m, Set<Long> deleted) {
        String index = m.details().get(MessageDetails.PROVEN_OUTPUT_INDEX);
        if (index == null) {
            return false;
        }
        try {
            return deleted.contains(Long.parseLong(index.trim()));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
