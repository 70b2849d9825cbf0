package dev.crossbar.store;

import dev.crossbar.core.event.ProtocolEvent.OutputProposed;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/** The outputs table: output roots proposed on L1, one row per proposal. */
final class Outputs {
    private static final Set<String> VERDICTS = Set.of("VALID", "INVALID");

    /** The output that covers an L2 block, and the event that recorded it. */
    record Covering(long outputIndex, long l2BlockNumber, long eventId) {
        String cause() {
            return coverCause(outputIndex, l2BlockNumber);
        }
    }

    private Outputs() {}

    static String coverCause(long outputIndex, long l2BlockNumber) {
        return "output " + outputIndex + " covers L2 block " + l2BlockNumber;
    }

    /**
     * Records a proposal; one whose event was removed by a reorg and recorded again (its block came back) is
     * PROPOSED again.
     */
    static void insert(Tx tx, OutputProposed e, long outputIndex, long l2BlockNumber, long eventId)
            throws SQLException {
        tx.update("""
                INSERT INTO outputs (l2_chain_id, output_index, output_root, l2_block_number, l1_timestamp, l1_chain_id,
                    l1_block_number, l1_block_hash, l1_tx_hash, status, created_at, event_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (event_id) DO UPDATE SET status = excluded.status, deleted_by_event = NULL""",
                e.l2ChainId(), outputIndex, e.outputRoot().toLowerCase(Locale.ROOT), l2BlockNumber, e.l1Timestamp(),
                e.ref().chainId(), e.ref().blockNumber(), e.ref().blockHash(), e.ref().txHash(),
                OutputRecord.Status.PROPOSED, tx.now(), eventId);
    }

    private static final String COVERING = "SELECT * FROM outputs WHERE l2_chain_id = ? AND status = 'PROPOSED' AND"
            + " l2_block_number >= ? ORDER BY output_index DESC, id DESC LIMIT 1";

    static Optional<Covering> covering(Tx tx, long l2ChainId, long l2BlockNumber) throws SQLException {
        return tx.first(COVERING, r -> new Covering(r.lng("output_index"), r.lng("l2_block_number"),
                r.lng("event_id")), l2ChainId, l2BlockNumber);
    }

    static Optional<OutputRecord> coveringRecord(Tx tx, long l2ChainId, long l2BlockNumber) throws SQLException {
        return tx.first(COVERING, Rows::output, l2ChainId, l2BlockNumber);
    }

    static List<OutputRecord> list(Tx tx, Long l2ChainId, int limit) throws SQLException {
        if (l2ChainId == null) {
            return tx.list("SELECT * FROM outputs ORDER BY output_index DESC, id DESC LIMIT ?", Rows::output, limit);
        }
        return tx.list("SELECT * FROM outputs WHERE l2_chain_id = ? ORDER BY output_index DESC, id DESC LIMIT ?",
                Rows::output, l2ChainId, limit);
    }

    static void setVerdict(Tx tx, long l2ChainId, long outputIndex, String outputRoot, String verdict)
            throws SQLException {
        if (verdict == null || !VERDICTS.contains(verdict)) {
            throw new IllegalArgumentException("verdict on output " + outputIndex + " of chain " + l2ChainId
                    + " must be one of " + VERDICTS + ", was " + verdict);
        }
        int n = tx.update("UPDATE outputs SET verdict = ?, checked_at = ? WHERE l2_chain_id = ? AND output_index = ? AND"
                + " output_root = ?", verdict, tx.now(), l2ChainId, outputIndex, outputRoot.toLowerCase(Locale.ROOT));
        if (n == 0) {
            throw new NoSuchElementException("no output " + outputIndex + " with root " + outputRoot + " for chain "
                    + l2ChainId);
        }
    }
}
