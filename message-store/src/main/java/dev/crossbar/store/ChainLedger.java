package dev.crossbar.store;

import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store keeps per chain: the cursor, the recent blocks, the events and the set-aside logs; and the
 * two writes a watcher makes, a batch and a rollback. Both lock the chain's cursor row first, so two
 * replicas never write the same chain at once.
 */
final class ChainLedger {
    private static final Logger log = LoggerFactory.getLogger(ChainLedger.class);
    /** Recent blocks kept per chain (deeper reorgs cannot be located from the store). */
    static final int KEEP_BLOCKS = 256;

    private final LifecycleProjector projector;
    private final Rollback rollback;

    ChainLedger(LifecycleProjector projector) {
        this.projector = projector;
        this.rollback = new Rollback();
    }

    static Optional<ChainCursor> cursor(Tx tx, long chainId) throws SQLException {
        return tx.first("SELECT * FROM chain_cursors WHERE chain_id = ?", ChainLedger::cursorRow, chainId);
    }

    /** The chain's cursor (empty before its first batch), its row locked until the transaction ends. */
    static Optional<ChainCursor> lockCursor(Tx tx, long chainId) throws SQLException {
        tx.update("INSERT INTO chain_cursors (chain_id, block_number, block_hash, updated_at) VALUES (?, NULL, NULL, ?)"
                + " ON CONFLICT (chain_id) DO NOTHING", chainId, tx.now());
        return tx.first(tx.locking("SELECT * FROM chain_cursors WHERE chain_id = ?"), ChainLedger::cursorRow, chainId);
    }

    static void moveCursor(Tx tx, long chainId, BlockRef block) throws SQLException {
        tx.update("UPDATE chain_cursors SET block_number = ?, block_hash = ?, updated_at = ? WHERE chain_id = ?",
                block.number(), block.hash(), tx.now(), chainId);
    }

    private static ChainCursor cursorRow(Row r) throws SQLException {
        Long number = r.lngOrNull("block_number");
        return number == null ? null : new ChainCursor(r.lng("chain_id"), number, r.str("block_hash"),
                r.instant("updated_at"));
    }

    MessageStore.BatchResult commit(Tx tx, ChainBatch batch) throws SQLException {
        long chainId = batch.chainId();
        BlockRef first = batch.blocks().getFirst();
        Optional<ChainCursor> cursor = lockCursor(tx, chainId);
        if (cursor.isPresent()) {
            ChainCursor c = cursor.get();
            if (first.number() != c.blockNumber() + 1 || !first.parentHash().equals(c.blockHash())) {
                throw new IllegalStateException("batch of chain " + chainId + " does not continue from its cursor:"
                        + " it starts at block " + first.number() + " with parent " + first.parentHash()
                        + ", the cursor is block " + c.blockNumber() + " " + c.blockHash());
            }
        }
        checkContents(batch);
        recordBlocks(tx, batch);
        int recorded = 0;
        int duplicates = 0;
        Projection projection = projector.begin(tx);
        List<String> payloads = new java.util.ArrayList<>(batch.events().size());
        for (ProtocolEvent e : batch.events()) {
            payloads.add(Json.write(e));
        }
        List<Long> ids = recordEvents(tx, batch.events(), payloads);
        projection.prefetch(batch.events());
        for (int i = 0; i < ids.size(); i++) {
            Long id = ids.get(i);
            if (id == null) {
                duplicates++;
                continue;
            }
            ProtocolEvent event = batch.events().get(i);
            recorded++;
            Outbox.announceEvent(tx, event, payloads.get(i));
            projection.apply(id, event);
        }
        int transitions = projection.finish();
        for (SetAsideLog l : batch.setAside()) {
            tx.update("""
                    INSERT INTO set_aside (chain_id, block_number, block_hash, tx_hash, log_index, address, reason,
                        raw_log, recorded_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (chain_id, block_hash, log_index) DO NOTHING""",
                    l.chainId(), l.blockNumber(), l.blockHash().toLowerCase(), l.txHash().toLowerCase(), l.logIndex(),
                    l.address().toLowerCase(), l.reason(), l.rawLog(), tx.now());
        }
        moveCursor(tx, chainId, batch.last());
        return new MessageStore.BatchResult(recorded, duplicates, transitions);
    }

    MessageStore.RollbackResult rollback(Tx tx, long chainId, BlockRef ancestor, String cause) throws SQLException {
        ChainCursor cursor = lockCursor(tx, chainId).orElseThrow(() -> new IllegalStateException("chain " + chainId
                + " has no cursor: there is nothing to roll back"));
        if (ancestor.number() > cursor.blockNumber()) {
            throw new IllegalStateException("cannot roll chain " + chainId + " back to block " + ancestor.number()
                    + ": its cursor is at block " + cursor.blockNumber());
        }
        Optional<String> recorded = tx.first("SELECT hash FROM chain_blocks WHERE chain_id = ? AND number = ?",
                r -> r.str("hash"), chainId, ancestor.number());
        if (recorded.isPresent() && !recorded.get().equals(ancestor.hash())) {
            throw new IllegalStateException("block " + ancestor.number() + " of chain " + chainId + " is recorded as "
                    + recorded.get() + ", not " + ancestor.hash() + ": it is not a common ancestor");
        }
        MessageStore.RollbackResult result = rollback.undo(tx, chainId, ancestor.number(), cause);
        tx.update("DELETE FROM chain_blocks WHERE chain_id = ? AND number > ?", chainId, ancestor.number());
        upsertBlock(tx, chainId, ancestor);
        moveCursor(tx, chainId, ancestor);
        log.info("rolled back chain: chainId={} from={} to={} eventsRemoved={} orphaned={} reverted={} cause=\"{}\"",
                chainId, cursor.blockNumber(), ancestor.number(), result.eventsRemoved(), result.messagesOrphaned(),
                result.messagesReverted(), cause);
        return result;
    }

    /** Every event and set-aside log must come from one of the batch's blocks (same number and hash). */
    private static void checkContents(ChainBatch batch) {
        Map<Long, String> hashes = new HashMap<>();
        batch.blocks().forEach(b -> hashes.put(b.number(), b.hash()));
        String span = "chain " + batch.chainId() + " blocks " + batch.blocks().getFirst().number() + ".."
                + batch.last().number();
        for (ProtocolEvent e : batch.events()) {
            if (!e.ref().blockHash().equals(hashes.get(e.ref().blockNumber()))) {
                throw new IllegalArgumentException(e.type() + " at block " + e.ref().blockNumber() + " "
                        + e.ref().blockHash() + " log " + e.ref().logIndex() + " is not in the batch's blocks (" + span
                        + ")");
            }
        }
        for (SetAsideLog l : batch.setAside()) {
            if (l.chainId() != batch.chainId() || !l.blockHash().equalsIgnoreCase(hashes.get(l.blockNumber()))) {
                throw new IllegalArgumentException("set-aside log at chain " + l.chainId() + " block "
                        + l.blockNumber() + " " + l.blockHash() + " is not in the batch's blocks (" + span + ")");
            }
        }
    }

    private static void recordBlocks(Tx tx, ChainBatch batch) throws SQLException {
        List<BlockRef> blocks = batch.blocks();
        for (BlockRef b : blocks.subList(Math.max(0, blocks.size() - KEEP_BLOCKS), blocks.size())) {
            upsertBlock(tx, batch.chainId(), b);
        }
        tx.update("DELETE FROM chain_blocks WHERE chain_id = ? AND number <= ?", batch.chainId(),
                batch.last().number() - KEEP_BLOCKS);
    }

    private static void upsertBlock(Tx tx, long chainId, BlockRef b) throws SQLException {
        tx.update("""
                INSERT INTO chain_blocks (chain_id, number, hash, parent_hash, timestamp) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (chain_id, number) DO UPDATE SET hash = excluded.hash, parent_hash = excluded.parent_hash,
                    timestamp = excluded.timestamp""", chainId, b.number(), b.hash(), b.parentHash(), b.timestamp());
    }

    /** Events per multi-row insert ({@value} rows of 11 parameters). */
    static final int EVENT_ROWS = 500;

    private static final String EVENT_COLUMNS = """
            INSERT INTO events (chain_id, block_number, block_hash, block_timestamp, tx_hash, log_index, address,
                type, payload, subject, removed, recorded_at)
            VALUES\s""";
    private static final String EVENT_TUPLE = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)";
    private static final String EVENT_CONFLICT = """

            ON CONFLICT (chain_id, block_hash, log_index) DO UPDATE SET removed = FALSE, type = excluded.type,
                payload = excluded.payload, recorded_at = excluded.recorded_at
            WHERE events.removed = TRUE
            RETURNING id, block_hash, log_index""";

    /**
     * Records each event once ({@code payloads}: their JSON), in multi-row inserts: the id of each (in the order
     * given), or null for one already recorded (same chain, block hash and log index; also a second copy in
     * {@code events}). An event removed by a reorg whose block came back (same hash) is recorded again under its old
     * id.
     */
    private static List<Long> recordEvents(Tx tx, List<ProtocolEvent> events, List<String> payloads)
            throws SQLException {
        List<Long> ids = new java.util.ArrayList<>(java.util.Collections.nCopies(events.size(), null));
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<Integer> rows = new java.util.ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (seen.add(position(events.get(i).ref().blockHash(), events.get(i).ref().logIndex()))) {
                rows.add(i); // a second copy in the batch is a duplicate, as it would be one statement later
            }
        }
        for (int from = 0; from < rows.size(); from += EVENT_ROWS) {
            List<Integer> chunk = rows.subList(from, Math.min(rows.size(), from + EVENT_ROWS));
            List<Object> params = new java.util.ArrayList<>(chunk.size() * 11);
            Map<String, Integer> index = new HashMap<>();
            for (int i : chunk) {
                ProtocolEvent e = events.get(i);
                var ref = e.ref();
                index.put(position(ref.blockHash(), ref.logIndex()), i);
                java.util.Collections.addAll(params, ref.chainId(), ref.blockNumber(), ref.blockHash(),
                        ref.blockTimestamp(), ref.txHash(), ref.logIndex(), ref.address(), e.type(), payloads.get(i),
                        LifecycleProjector.subjectOf(e), tx.now());
            }
            String sql = EVENT_COLUMNS + String.join(", ", java.util.Collections.nCopies(chunk.size(), EVENT_TUPLE))
                    + EVENT_CONFLICT;
            for (Object[] row : tx.list(sql, r -> new Object[] {r.lng("id"), r.str("block_hash"),
                    r.lng("log_index")}, params.toArray())) {
                Integer i = index.get(position((String) row[1], (Long) row[2]));
                if (i == null) {
                    throw new IllegalStateException("the insert of events returned one it was not given: block "
                            + row[1] + " log " + row[2]);
                }
                ids.set(i, (Long) row[0]);
            }
        }
        return ids;
    }

    private static String position(String blockHash, long logIndex) {
        return blockHash + ":" + logIndex;
    }
}
