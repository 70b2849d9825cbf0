package dev.crossbar.store;

import dev.crossbar.core.model.IllegalTransitionException;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.RoutingKey;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The messages table and its history: every write bumps the row's version, and every move of state is
 * recorded in {@code message_transitions} (with the event that caused it, if any) and announced on the
 * outbox, in the caller's transaction.
 */
final class Messages {

    /** A message as its creating event describes it. */
    record NewMessage(String id, MessageKind kind, long sourceChainId, long destinationChainId, BigInteger nonce,
            String sender, String target, BigInteger value, BigInteger gasLimit, String data,
            MessageRecord.SourceRef source) {}

    private Messages() {}

    /** Ids and hashes are kept lower-case. */
    static String normalize(String hex) {
        return hex == null ? null : hex.toLowerCase(Locale.ROOT);
    }

    static Optional<MessageRecord> find(Tx tx, String id) throws SQLException {
        return tx.first("SELECT * FROM messages WHERE id = ?", Rows::message, normalize(id));
    }

    /** The message, its row locked until the transaction ends (PostgreSQL). */
    static Optional<MessageRecord> lock(Tx tx, String id) throws SQLException {
        return tx.first(tx.locking("SELECT * FROM messages WHERE id = ?"), Rows::message, normalize(id));
    }

    static MessageRecord lockExisting(Tx tx, String id) throws SQLException {
        return lock(tx, id).orElseThrow(() -> new NoSuchElementException("no message " + normalize(id)));
    }

    /** Messages matching {@code where}, oldest first, their rows locked. */
    static List<MessageRecord> lockWhere(Tx tx, String where, Object... params) throws SQLException {
        return tx.list(tx.locking("SELECT * FROM messages WHERE " + where + " ORDER BY seq"), Rows::message, params);
    }

    /** Creates a message in SENT, with its routing hash (its routing key's part that does not depend on the slots). */
    static MessageRecord insert(Tx tx, NewMessage m, long eventId, String cause) throws SQLException {
        return insert(tx, m, eventId, cause, MessageState.SENT, null);
    }

    /**
     * Creates a message and moves it on to {@code state} at once (when that is not SENT): the row is written once,
     * as creating it and then {@link #move moving} it would leave it, with both lines of history and both outbox
     * records. The row is written behind ({@link Tx#later}).
     *
     * @throws IllegalTransitionException when the lifecycle forbids the move from SENT to {@code state}
     */
    static MessageRecord insert(Tx tx, NewMessage m, long eventId, String cause, MessageState state,
            String stateCause) throws SQLException {
        if (state != MessageState.SENT && !MessageState.SENT.canMoveTo(m.kind(), state)) {
            throw new IllegalTransitionException(m.id(), m.kind(), MessageState.SENT, state);
        }
        int version = state == MessageState.SENT ? 0 : 1;
        MessageRecord.SourceRef s = m.source();
        tx.later("""
                INSERT INTO messages (id, kind, state, source_chain_id, destination_chain_id, nonce, sender, target,
                    value, gas_limit, data, source_block_number, source_block_hash, source_tx_hash, source_log_index,
                    source_block_timestamp, created_by_event, attempts, details, created_at, updated_at, version,
                    routing_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '{}', ?, ?, ?, ?)""",
                normalize(m.id()), m.kind(), state, m.sourceChainId(), m.destinationChainId(), m.nonce(),
                normalize(m.sender()), normalize(m.target()), m.value(), m.gasLimit(), normalize(m.data()),
                s.blockNumber(), s.blockHash(), s.txHash(), s.logIndex(), s.blockTimestamp(), eventId, tx.now(),
                tx.now(), version, RoutingKey.hash(m.id()));
        // The row as just written, without reading it back.
        MessageRecord created = new MessageRecord(normalize(m.id()), m.kind(), MessageState.SENT, m.sourceChainId(),
                m.destinationChainId(), m.nonce(), normalize(m.sender()), normalize(m.target()), m.value(),
                m.gasLimit(), normalize(m.data()), null, null, s, 0, null, null, Map.of(), tx.now(), tx.now(), 0);
        record(tx, created, null, cause, eventId);
        if (state == MessageState.SENT) {
            return created;
        }
        MessageRecord moved = new MessageRecord(created.id(), created.kind(), state, created.sourceChainId(),
                created.destinationChainId(), created.nonce(), created.sender(), created.target(), created.value(),
                created.gasLimit(), created.data(), null, null, s, 0, null, null, Map.of(), tx.now(), tx.now(),
                version);
        record(tx, moved, MessageState.SENT, stateCause, eventId);
        return moved;
    }

    /** Brings an ORPHANED message back to SENT, from the event that sent it again (its new source). */
    static MessageRecord recreate(Tx tx, MessageRecord orphan, NewMessage m, long eventId, String cause)
            throws SQLException {
        MessageRecord.SourceRef s = m.source();
        update(tx, orphan, "source_block_number = ?, source_block_hash = ?, source_tx_hash = ?, source_log_index = ?,"
                        + " source_block_timestamp = ?, created_by_event = ?", s.blockNumber(), s.blockHash(),
                s.txHash(), s.logIndex(), s.blockTimestamp(), eventId);
        return move(tx, find(tx, orphan.id()).orElseThrow(), MessageState.SENT, cause, eventId);
    }

    /**
     * A cross-rollup message whose SentMessage log was emitted again (the source messenger's {@code resendMessage}):
     * it takes the new log as its source (a new identifier for its relay), starts its attempts over and is due for
     * relay (READY) again.
     */
    static MessageRecord reemitted(Tx tx, MessageRecord m, NewMessage again, long eventId, String cause)
            throws SQLException {
        MessageRecord.SourceRef s = again.source();
        update(tx, m, "source_block_number = ?, source_block_hash = ?, source_tx_hash = ?, source_log_index = ?,"
                        + " source_block_timestamp = ?, attempts = 0, next_attempt_at = NULL", s.blockNumber(),
                s.blockHash(), s.txHash(), s.logIndex(), s.blockTimestamp());
        MessageRecord now = find(tx, m.id()).orElseThrow();
        if (now.state() == MessageState.READY) {
            record(tx, now, MessageState.READY, cause, eventId);
            return now;
        }
        return move(tx, now, MessageState.READY, cause, eventId);
    }

    /** Moves a message if the lifecycle allows it; a move to its own state changes nothing. */
    static MessageRecord moveChecked(Tx tx, MessageRecord m, MessageState to, String cause) throws SQLException {
        if (m.state() == to) {
            return m;
        }
        if (!m.state().canMoveTo(m.kind(), to)) {
            throw new IllegalTransitionException(m.id(), m.kind(), m.state(), to);
        }
        return move(tx, m, to, cause, null);
    }

    /** Moves a message without consulting the lifecycle (callers do, except a reorg's undo). */
    static MessageRecord move(Tx tx, MessageRecord m, MessageState to, String cause, Long eventId)
            throws SQLException {
        // A message in a new state is due at once: whatever its old state was waiting for is moot.
        update(tx, m, "state = ?, next_attempt_at = NULL", to);
        MessageRecord moved = new MessageRecord(m.id(), m.kind(), to, m.sourceChainId(), m.destinationChainId(),
                m.nonce(), m.sender(), m.target(), m.value(), m.gasLimit(), m.data(), m.messengerHash(), m.parentId(),
                m.source(), m.attempts(), null, m.lastError(), m.details(), m.createdAt(), tx.now(),
                m.version() + 1);
        record(tx, moved, m.state(), cause, eventId);
        return moved;
    }

    /** A line in the message's history that does not move it (from and to are its state). */
    static void note(Tx tx, MessageRecord m, String cause) throws SQLException {
        record(tx, m, m.state(), cause, null);
    }

    static MessageRecord mergeDetails(Tx tx, MessageRecord m, Map<String, String> details) throws SQLException {
        Map<String, String> merged = new HashMap<>(m.details());
        merged.putAll(details);
        update(tx, m, "details = ?", Rows.writeMap(merged));
        return find(tx, m.id()).orElseThrow();
    }

    static void setMessengerHash(Tx tx, MessageRecord m, String messengerHash) throws SQLException {
        update(tx, m, "messenger_hash = ?", normalize(messengerHash));
    }

    static void setParent(Tx tx, MessageRecord m, String parentId) throws SQLException {
        update(tx, m, "parent_id = ?", normalize(parentId));
    }

    /**
     * Updates {@code set} on the row if it is still at the version {@code m} was read at (rows are locked or
     * there is one writer, so a mismatch means a caller worked from a stale copy).
     */
    static void update(Tx tx, MessageRecord m, String set, Object... params) throws SQLException {
        Object[] all = new Object[params.length + 3];
        System.arraycopy(params, 0, all, 0, params.length);
        all[params.length] = tx.now();
        all[params.length + 1] = m.id();
        all[params.length + 2] = m.version();
        int n = tx.update("UPDATE messages SET " + set + ", version = version + 1, updated_at = ? WHERE id = ? AND"
                + " version = ?", all);
        if (n != 1) {
            throw new IllegalStateException("message " + m.id() + " changed concurrently (expected version "
                    + m.version() + ")");
        }
    }

    private static void record(Tx tx, MessageRecord m, MessageState from, String cause, Long eventId)
            throws SQLException {
        tx.later("INSERT INTO message_transitions (message_id, from_state, to_state, cause, event_id, undone, at)"
                + " VALUES (?, ?, ?, ?, ?, FALSE, ?)", m.id(), from, m.state(), cause, eventId, tx.now());
        Outbox.announceTransition(tx, m, from, cause);
    }
}
