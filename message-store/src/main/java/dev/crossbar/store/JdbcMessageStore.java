package dev.crossbar.store;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.RoutingKey;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The message store over JDBC, the same for both backends: each method is one transaction; the backends
 * differ only in how they connect ({@link Database.Connections}) and in a few words of SQL ({@link Dialect}).
 */
abstract sealed class JdbcMessageStore implements MessageStore permits SqliteMessageStore, PostgresMessageStore {
    private final Database db;
    private final ChainLedger ledger;
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcMessageStore(Database db, ChainTopology topology) {
        this.db = db;
        this.ledger = new ChainLedger(new LifecycleProjector(Objects.requireNonNull(topology, "topology")));
    }

    // ---- chains -------------------------------------------------------------------------------------

    @Override
    public Optional<ChainCursor> cursor(long chainId) {
        return db.read("cursor of chain " + chainId, tx -> ChainLedger.cursor(tx, chainId));
    }

    @Override
    public List<BlockRef> recentBlocks(long chainId, int limit) {
        positive(limit);
        return db.read("recent blocks of chain " + chainId, tx -> tx.list(
                "SELECT * FROM chain_blocks WHERE chain_id = ? ORDER BY number DESC LIMIT ?", Rows::block, chainId,
                limit));
    }

    @Override
    public BatchResult commitBatch(ChainBatch batch) {
        Objects.requireNonNull(batch, "batch");
        return db.serial("commitBatch of chain " + batch.chainId() + " blocks " + batch.blocks().getFirst().number()
                + ".." + batch.last().number(), tx -> ledger.commit(tx, batch));
    }

    @Override
    public RollbackResult rollbackTo(long chainId, BlockRef ancestor, String cause) {
        Objects.requireNonNull(ancestor, "ancestor");
        Objects.requireNonNull(cause, "cause");
        return db.serial("rollback of chain " + chainId + " to block " + ancestor.number(),
                tx -> ledger.rollback(tx, chainId, ancestor, cause));
    }

    @Override
    public List<SetAsideLog> setAside(long chainId, int limit) {
        positive(limit);
        return db.read("set-aside logs of chain " + chainId, tx -> tx.list(
                "SELECT * FROM set_aside WHERE chain_id = ? ORDER BY id DESC LIMIT ?", Rows::setAside, chainId, limit));
    }

    @Override
    public long eventCount(long chainId) {
        return db.read("event count of chain " + chainId, tx -> tx.count(
                "SELECT COUNT(*) FROM events WHERE chain_id = ? AND removed = FALSE", chainId));
    }

    // ---- outbox -------------------------------------------------------------------------------------

    @Override
    public List<OutboxRecord> outboxPending(int limit) {
        positive(limit);
        return db.read("pending outbox records", tx -> Outbox.pending(tx, limit));
    }

    @Override
    public void outboxPublished(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        db.write("marking " + ids.size() + " outbox records published", tx -> {
            Outbox.published(tx, ids);
            return null;
        });
    }

    @Override
    public void outboxAdd(String topic, String key, String payload) {
        Objects.requireNonNull(topic, "outbox topic");
        Objects.requireNonNull(key, "outbox key");
        Objects.requireNonNull(payload, "outbox payload");
        db.write("adding an outbox record on topic " + topic, tx -> {
            Outbox.add(tx, topic, key, payload);
            return null;
        });
    }

    // ---- messages -----------------------------------------------------------------------------------

    @Override
    public Optional<MessageRecord> message(String id) {
        return db.read("reading message " + id, tx -> Messages.find(tx, id));
    }

    @Override
    public List<MessageRecord> messages(MessageQuery q) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (!q.states().isEmpty()) {
            where.add("state IN (" + Tx.placeholders(q.states()) + ")");
            params.addAll(q.states());
        }
        if (!q.kinds().isEmpty()) {
            where.add("kind IN (" + Tx.placeholders(q.kinds()) + ")");
            params.addAll(q.kinds());
        }
        if (q.chainId() != null) {
            where.add("(source_chain_id = ? OR destination_chain_id = ?)");
            params.add(q.chainId());
            params.add(q.chainId());
        }
        if (q.sourceChainId() != null) {
            where.add("source_chain_id = ?");
            params.add(q.sourceChainId());
        }
        if (q.destinationChainId() != null) {
            where.add("destination_chain_id = ?");
            params.add(q.destinationChainId());
        }
        if (q.sender() != null) {
            where.add("sender = ?");
            params.add(Messages.normalize(q.sender()));
        }
        params.add(q.limit());
        String sql = "SELECT * FROM messages" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY seq DESC LIMIT ?";
        return db.read("querying messages", tx -> tx.list(sql, Rows::message, params.toArray()));
    }

    @Override
    public List<Transition> history(String id) {
        return db.read("history of message " + id, tx -> tx.list(
                "SELECT * FROM message_transitions WHERE message_id = ? ORDER BY id", Rows::transition,
                Messages.normalize(id)));
    }

    @Override
    public Map<MessageState, Long> countByState() {
        return db.read("counting messages by state", tx -> {
            Map<MessageState, Long> counts = new EnumMap<>(MessageState.class);
            for (Map.Entry<MessageState, Long> e : tx.list("SELECT state, COUNT(*) AS n FROM messages GROUP BY state",
                    r -> Map.entry(MessageState.valueOf(r.str("state")), r.lng("n")))) {
                counts.put(e.getKey(), e.getValue());
            }
            return counts;
        });
    }

    @Override
    public Map<MessageKind, Map<MessageState, Long>> countByKindAndState() {
        return db.read("counting messages by kind and state", tx -> {
            Map<MessageKind, Map<MessageState, Long>> counts = new EnumMap<>(MessageKind.class);
            for (Object[] row : tx.list("SELECT kind, state, COUNT(*) AS n FROM messages GROUP BY kind, state",
                    r -> new Object[] {MessageKind.valueOf(r.str("kind")), MessageState.valueOf(r.str("state")),
                        r.lng("n")})) {
                counts.computeIfAbsent((MessageKind) row[0], k -> new EnumMap<>(MessageState.class))
                        .put((MessageState) row[1], (Long) row[2]);
            }
            return counts;
        });
    }

    @Override
    public MessageRecord transition(String id, MessageState to, String cause) {
        Objects.requireNonNull(to, "target state");
        Objects.requireNonNull(cause, "cause");
        return db.write("moving message " + id + " to " + to,
                tx -> Messages.moveChecked(tx, Messages.lockExisting(tx, id), to, cause));
    }

    @Override
    public Optional<MessageRecord> transitionIf(String id, MessageState expected, MessageState to, String cause) {
        return moveIf(id, expected, to, cause, true);
    }

    @Override
    public Optional<MessageRecord> reopen(String id, MessageState expected, MessageState to, String cause) {
        return moveIf(id, expected, to, cause, false);
    }

    /** A compare-and-set move; {@code checked}: by the lifecycle table (a reopen is a correction, not a step). */
    private Optional<MessageRecord> moveIf(String id, MessageState expected, MessageState to, String cause,
            boolean checked) {
        Objects.requireNonNull(expected, "expected state");
        Objects.requireNonNull(to, "target state");
        Objects.requireNonNull(cause, "cause");
        return db.write((checked ? "moving" : "reopening") + " message " + id + " from " + expected + " to " + to,
                tx -> {
                    MessageRecord m = Messages.lockExisting(tx, id);
                    if (m.state() != expected) {
                        return Optional.empty();
                    }
                    return Optional.of(checked ? Messages.moveChecked(tx, m, to, cause)
                            : Messages.move(tx, m, to, cause, null));
                });
    }

    @Override
    public void note(String id, String cause) {
        Objects.requireNonNull(cause, "cause");
        db.write("noting on message " + id, tx -> {
            Messages.note(tx, Messages.lockExisting(tx, id), cause);
            return null;
        });
    }

    @Override
    public void recordAttempt(String id, int attempts, Instant nextAttemptAt, String error) {
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts of message " + id + " must not be negative, was " + attempts);
        }
        db.write("recording an attempt on message " + id, tx -> {
            Messages.update(tx, Messages.lockExisting(tx, id), "attempts = ?, next_attempt_at = ?, last_error = ?",
                    attempts, nextAttemptAt, error);
            return null;
        });
    }

    @Override
    public void putDetails(String id, Map<String, String> details) {
        Objects.requireNonNull(details, "details");
        db.write("putting details on message " + id, tx -> Messages.mergeDetails(tx, Messages.lockExisting(tx, id),
                details));
    }

    @Override
    public List<MessageRecord> due(long destinationChainId, int slot, int slots, Set<MessageState> states,
            Instant now, int limit) {
        positive(limit);
        routing(slot, slots);
        Objects.requireNonNull(now, "now");
        if (states.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>(List.of(destinationChainId, slots, slots, slots, slot));
        params.addAll(states);
        params.add(now);
        params.add(limit);
        return db.read("due messages of " + RoutingKey.of(destinationChainId, slot) + " (of " + slots + " slots)",
                // floorMod(routing_hash, slots) = slot: % keeps the sign of the hash in both dialects, as in Java.
                tx -> tx.list("SELECT * FROM messages WHERE destination_chain_id = ?"
                        + " AND ((routing_hash % ?) + ?) % ? = ? AND state IN (" + Tx.placeholders(states) + ")"
                        + " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY seq LIMIT ?",
                        Rows::message, params.toArray()));
    }

    // ---- outputs ------------------------------------------------------------------------------------

    @Override
    public List<OutputRecord> outputs(Long l2ChainId, int limit) {
        positive(limit);
        return db.read("outputs of chain " + l2ChainId, tx -> Outputs.list(tx, l2ChainId, limit));
    }

    @Override
    public Optional<OutputRecord> outputCovering(long l2ChainId, BigInteger l2BlockNumber) {
        Objects.requireNonNull(l2BlockNumber, "l2BlockNumber");
        if (l2BlockNumber.signum() > 0 && !Numbers.fits(l2BlockNumber)) {
            return Optional.empty(); // no output covers a block that high
        }
        long block = Numbers.exact(l2BlockNumber, "L2 block number");
        return db.read("output covering block " + block + " of chain " + l2ChainId,
                tx -> Outputs.coveringRecord(tx, l2ChainId, block));
    }

    @Override
    public void setOutputVerdict(long l2ChainId, BigInteger outputIndex, String outputRoot, String verdict) {
        long index = Numbers.exact(outputIndex, "output index");
        Objects.requireNonNull(outputRoot, "outputRoot");
        db.write("verdict on output " + index + " of chain " + l2ChainId, tx -> {
            Outputs.setVerdict(tx, l2ChainId, index, outputRoot, verdict);
            return null;
        });
    }

    // ---- dispute games ------------------------------------------------------------------------------

    @Override
    public List<GameRecord> games(GameQuery query) {
        Objects.requireNonNull(query, "query");
        return db.read("querying games", tx -> Games.list(tx, query));
    }

    @Override
    public Optional<GameRecord> game(long l2ChainId, long index) {
        return db.read("game " + index + " of chain " + l2ChainId, tx -> Games.find(tx, l2ChainId, index));
    }

    @Override
    public Optional<GameRecord> gameAt(String address) {
        Objects.requireNonNull(address, "game address");
        return db.read("game " + address, tx -> Games.find(tx, address));
    }

    @Override
    public List<GameClaim> claims(String gameAddress) {
        Objects.requireNonNull(gameAddress, "game address");
        return db.read("claims of game " + gameAddress, tx -> Games.claims(tx, gameAddress));
    }

    @Override
    public List<GameHistoryEntry> gameHistory(String gameAddress) {
        Objects.requireNonNull(gameAddress, "game address");
        return db.read("history of game " + gameAddress, tx -> Games.history(tx, gameAddress));
    }

    @Override
    public java.util.Map<String, Long> unresolvedGames(long l1ChainId) {
        return db.read("unresolved games of chain " + l1ChainId, tx -> Games.unresolved(tx, l1ChainId));
    }

    @Override
    public void recordGameVerdict(String gameAddress, boolean valid, String detail, String by) {
        Objects.requireNonNull(gameAddress, "game address");
        Objects.requireNonNull(detail, "verdict detail");
        Objects.requireNonNull(by, "who gives the verdict");
        db.write("verdict on game " + gameAddress, tx -> {
            Games.verdict(tx, gameAddress, valid, detail, by);
            return null;
        });
    }

    // ---- transactions -------------------------------------------------------------------------------

    @Override
    public <T> T inTransaction(String what, java.util.function.Supplier<T> work) {
        return db.together(what, work);
    }

    @Override
    public TxRecord recordTransaction(TxRecord t, KeyLease lease, java.time.Duration margin) {
        return db.write("recording transaction " + t.txHash(), tx -> Transactions.record(tx, t, lease, margin));
    }

    @Override
    public Optional<KeyLease> acquireLease(String routingKey, String owner, java.time.Duration ttl) {
        return db.serial("acquiring the lease of key " + routingKey, tx -> Leases.acquire(tx, routingKey, owner, ttl));
    }

    @Override
    public Optional<KeyLease> renewLease(KeyLease lease, java.time.Duration ttl) {
        return db.write("renewing the lease of key " + lease.routingKey(), tx -> Leases.renew(tx, lease, ttl));
    }

    @Override
    public void releaseLease(KeyLease lease) {
        db.write("releasing the lease of key " + lease.routingKey(), tx -> {
            Leases.release(tx, lease);
            return null;
        });
    }

    @Override
    public void checkLease(KeyLease lease, java.time.Duration margin) {
        db.read("checking the lease of key " + lease.routingKey(), tx -> {
            Leases.check(tx, lease, margin);
            return null;
        });
    }

    @Override
    public Optional<KeyLease> lease(String routingKey) {
        return db.read("the lease of key " + routingKey, tx -> Leases.current(tx, routingKey, false));
    }

    @Override
    public void updateTransaction(long id, TxRecord.Status status, String error) {
        Objects.requireNonNull(status, "status");
        db.write("updating transaction " + id + " to " + status, tx -> {
            if (tx.update("UPDATE transactions SET status = ?, error = ?, updated_at = ? WHERE id = ?", status, error,
                    tx.now(), id) == 0) {
                throw new NoSuchElementException("no transaction " + id);
            }
            return null;
        });
    }

    @Override
    public List<TxRecord> openTransactions(long chainId, String signer) {
        return db.read("open transactions of " + signer + " on chain " + chainId, tx -> tx.list(
                "SELECT * FROM transactions WHERE chain_id = ? AND signer = ? AND status IN ('SIGNED', 'BROADCAST')"
                        + " ORDER BY nonce, id", Rows::transaction, chainId, Messages.normalize(signer)));
    }

    @Override
    public List<TxRecord> transactionsOf(String messageId) {
        return db.read("transactions of message " + messageId, tx -> tx.list(
                "SELECT * FROM transactions WHERE message_id = ? ORDER BY id", Rows::transaction,
                Messages.normalize(messageId)));
    }

    @Override
    public List<TxRecord> transactionsFromNonce(long chainId, String signer, BigInteger fromNonce) {
        long from = Numbers.exact(fromNonce, "nonce");
        return db.read("transactions of " + signer + " on chain " + chainId + " from nonce " + from, tx -> tx.list(
                "SELECT * FROM transactions WHERE chain_id = ? AND signer = ? AND nonce >= ? ORDER BY nonce, id",
                Rows::transaction, chainId, Messages.normalize(signer), from));
    }

    @Override
    public Optional<BigInteger> highestNonce(long chainId, String signer) {
        return db.read("highest nonce of " + signer + " on chain " + chainId, tx -> tx.first(
                "SELECT MAX(nonce) AS n FROM transactions WHERE chain_id = ? AND signer = ?", r -> r.lngOrNull("n"),
                chainId, Messages.normalize(signer)).map(BigInteger::valueOf));
    }

    // ---- monitor ------------------------------------------------------------------------------------

    @Override
    public FindingResult recordFinding(Finding finding) {
        return db.write("recording finding " + finding.dedupeKey(), tx -> Findings.record(tx, finding));
    }

    @Override
    public List<Finding> findings(String status, int limit) {
        positive(limit);
        return db.read("findings", tx -> status == null
                ? tx.list("SELECT * FROM findings ORDER BY id DESC LIMIT ?", Rows::finding, limit)
                : tx.list("SELECT * FROM findings WHERE status = ? ORDER BY id DESC LIMIT ?", Rows::finding, status,
                        limit));
    }

    @Override
    public void resolveFinding(long id, String note) {
        db.write("resolving finding " + id, tx -> {
            Findings.resolve(tx, id, note);
            return null;
        });
    }

    // ---- circuit breakers ---------------------------------------------------------------------------

    @Override
    public Optional<BreakerState> breaker(long chainId) {
        return db.read("breaker of chain " + chainId, tx -> tx.first(
                "SELECT * FROM breakers WHERE chain_id = ?", Rows::breaker, chainId));
    }

    @Override
    public List<BreakerState> breakers() {
        return db.read("breakers", tx -> tx.list("SELECT * FROM breakers ORDER BY chain_id", Rows::breaker));
    }

    @Override
    public BreakerState setBreaker(long chainId, boolean tripped, String reason, String by) {
        Objects.requireNonNull(reason, "breaker reason");
        Objects.requireNonNull(by, "who changes the breaker");
        return db.write((tripped ? "tripping" : "resetting") + " the breaker of chain " + chainId, tx -> {
            tx.update("""
                    INSERT INTO breakers (chain_id, tripped, reason, changed_by, changed_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (chain_id) DO UPDATE SET tripped = excluded.tripped, reason = excluded.reason,
                        changed_by = excluded.changed_by, changed_at = excluded.changed_at""",
                    chainId, tripped, reason, by, tx.now());
            BreakerState state = new BreakerState(chainId, tripped, reason, by, Instant.ofEpochMilli(tx.nowMillis()));
            Outbox.announceBreaker(tx, state);
            return state;
        });
    }

    // ---- lifecycle ----------------------------------------------------------------------------------

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            db.close();
        }
    }

    private static void routing(int slot, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("signer slots must be at least 1, was " + slots);
        }
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException("slot " + slot + " is not one of 0.." + (slots - 1));
        }
    }

    private static void positive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
    }
}
