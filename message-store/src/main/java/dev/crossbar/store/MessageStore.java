package dev.crossbar.store;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The system's memory: every message with its lifecycle and history, output roots, dispute games (with their
 * claims, history and verdicts), each chain's cursor,
 * the outbox to Kafka, the relayer's transactions, the monitor's findings and the circuit breakers.
 *
 * <p>Two backends implement it with the same semantics: an embedded one (SQLite, durable commits, no
 * server) and PostgreSQL (several replicas). Every write is idempotent where the same fact can arrive
 * twice (an event recorded twice changes nothing), and every lifecycle move is checked against
 * {@link MessageState#canMoveTo(dev.crossbar.core.model.MessageKind, MessageState)}; a forbidden move throws
 * {@link dev.crossbar.core.model.IllegalTransitionException} and changes nothing.
 *
 * <p>Implementations are thread-safe.
 */
public interface MessageStore extends AutoCloseable {

    // ---- chains -------------------------------------------------------------------------------------

    /**
     * Runs {@code work} as one store transaction: every store call it makes on this thread joins it, so a group of
     * changes (a round's transactions, its messages' moves) costs one commit and lands all or nothing. The work may
     * be run again after a conflict (PostgreSQL), so it must do nothing but store calls; it holds the store (SQLite:
     * all of it) until it returns, so it must not wait on anything else (no RPC). A call that must run alone (a
     * watcher batch, a rollback, taking a lease) cannot join and fails.
     */
    <T> T inTransaction(String what, java.util.function.Supplier<T> work);

    /** {@link #inTransaction(String, java.util.function.Supplier)} for work that returns nothing. */
    default void inTransaction(String what, Runnable work) {
        inTransaction(what, () -> {
            work.run();
            return null;
        });
    }

    /** The last block of {@code chainId} whose events are recorded, if any. */
    Optional<ChainCursor> cursor(long chainId);

    /**
     * The most recent blocks recorded for {@code chainId} (newest first, at most {@code limit}): what the
     * watcher compares with the node to find where a reorg forked.
     */
    List<BlockRef> recentBlocks(long chainId, int limit);

    /**
     * Records a watcher step in one transaction: the blocks (as recent blocks), the events (each once: an
     * event already recorded with the same chain, block hash and log index is skipped), the set-aside logs,
     * the lifecycle changes the events cause, the outbox records announcing them, and the cursor.
     *
     * <p>The batch must continue from the cursor: its first block's parent is the cursor's block (or there
     * is no cursor yet). Otherwise it throws {@link IllegalStateException} and records nothing.
     *
     * @return what the step changed
     */
    BatchResult commitBatch(ChainBatch batch);

    /**
     * Undoes everything recorded from the blocks of {@code chainId} above {@code ancestor} (which stays):
     * their events are marked removed, messages they created become {@link MessageState#ORPHANED} (and are
     * announced on the outbox so that every queue drops them), changes they caused to other messages, to
     * output roots and to dispute games are reverted (games they created are deleted), and the cursor moves back
     * to {@code ancestor}. One transaction.
     */
    RollbackResult rollbackTo(long chainId, BlockRef ancestor, String cause);

    /** Logs set aside on {@code chainId} (newest first). */
    List<SetAsideLog> setAside(long chainId, int limit);

    /** Number of events recorded (and not removed) on {@code chainId}. */
    long eventCount(long chainId);

    // ---- outbox ---------------------------------------------------------------------------------------

    /** Unpublished outbox records, oldest first. */
    List<OutboxRecord> outboxPending(int limit);

    /** Marks records published (after the broker acknowledged them). Idempotent. */
    void outboxPublished(List<Long> ids);

    /** Adds an outbox record on its own (for changes made outside a watcher batch). */
    void outboxAdd(String topic, String key, String payload);

    // ---- messages -------------------------------------------------------------------------------------

    Optional<MessageRecord> message(String id);

    List<MessageRecord> messages(MessageQuery query);

    /** A message's transitions, oldest first. */
    List<Transition> history(String id);

    /** Number of messages in each state (states with none are absent). */
    Map<MessageState, Long> countByState();

    /** Number of messages of each kind in each state (kinds and states with none are absent). */
    Map<MessageKind, Map<MessageState, Long>> countByKindAndState();

    /**
     * Moves a message to {@code to}, recording the transition with its cause and announcing it on the
     * outbox. A move to the state it is already in changes nothing and returns it as it is.
     *
     * @throws java.util.NoSuchElementException when there is no such message
     * @throws dev.crossbar.core.model.IllegalTransitionException when the lifecycle forbids the move
     */
    MessageRecord transition(String id, MessageState to, String cause);

    /**
     * Like {@link #transition} but only if the message is in {@code expected} now (compare-and-set); returns
     * empty when it is not.
     */
    Optional<MessageRecord> transitionIf(String id, MessageState expected, MessageState to, String cause);

    /**
     * Corrects a message whose recorded effect the chain no longer carries (the block with the transaction that
     * delivered it was reorged away): moves it from {@code expected} back to {@code to} without consulting the
     * lifecycle table, as a reorg's rollback does (RELAYED is final for the lifecycle, not for a chain that lost
     * the block). Compare-and-set like {@link #transitionIf}; empty when the message is not in {@code expected}.
     */
    Optional<MessageRecord> reopen(String id, MessageState expected, MessageState to, String cause);

    /**
     * Adds a line to a message's history without moving it (its from and to are the message's state): why a step
     * went differently than the plain path, e.g. the outputs a proof passed over.
     */
    void note(String id, String cause);

    /** Records a failed attempt: the count, when to try next, and why. Does not change the state. */
    void recordAttempt(String id, int attempts, Instant nextAttemptAt, String error);

    /** Sets kind-specific details (merged into the existing ones). */
    void putDetails(String id, Map<String, String> details);

    /**
     * The due messages of one routing key (see {@link dev.crossbar.core.model.RoutingKey}): those to
     * {@code destinationChainId} in slot {@code slot} of {@code slots}, in one of {@code states}, whose next attempt
     * is due at {@code now} (or unset), oldest first. The slot is worked out from the message id's routing hash
     * ({@link dev.crossbar.core.model.RoutingKey#hash}) for the count asked, so a change of the relayer's signer
     * slots needs no migration: every message is in exactly one slot of any count.
     *
     * @throws IllegalArgumentException when {@code slots} is below 1 or {@code slot} is not in {@code 0..slots-1}
     */
    List<MessageRecord> due(long destinationChainId, int slot, int slots, java.util.Set<MessageState> states,
            Instant now, int limit);

    // ---- outputs --------------------------------------------------------------------------------------

    /** Output roots of {@code l2ChainId}, newest index first (all L2s when null). */
    List<OutputRecord> outputs(Long l2ChainId, int limit);

    /** The newest PROPOSED output of {@code l2ChainId} whose L2 block is at least {@code l2BlockNumber}. */
    Optional<OutputRecord> outputCovering(long l2ChainId, BigInteger l2BlockNumber);

    /** Records the monitor's verdict on an output (VALID or INVALID). */
    void setOutputVerdict(long l2ChainId, BigInteger outputIndex, String outputRoot, String verdict);

    // ---- dispute games ---------------------------------------------------------------------------------

    /** Dispute games matching {@code query}, newest factory index first. */
    List<GameRecord> games(GameQuery query);

    /** The game with factory index {@code index} of {@code l2ChainId}'s factory. */
    Optional<GameRecord> game(long l2ChainId, long index);

    /** The game at {@code address} (any case). */
    Optional<GameRecord> gameAt(String address);

    /** A game's claims by index, the root claim (index 0) first; empty for an unknown game. */
    List<GameClaim> claims(String gameAddress);

    /** A game's history, oldest first; empty for an unknown game. */
    List<GameHistoryEntry> gameHistory(String gameAddress);

    /**
     * The games on {@code l1ChainId} still IN_PROGRESS (oldest first), address to the L2 they are about: those a
     * watcher must keep following.
     */
    java.util.Map<String, Long> unresolvedGames(long l1ChainId);

    /**
     * Records what was concluded about a game's root claim after recomputing it from the L2 node (VALID when
     * {@code valid}, else INVALID), with why and by whom, and a line in the game's history. The same verdict again
     * changes nothing (its detail included); a different one replaces it.
     *
     * @throws java.util.NoSuchElementException when there is no game at {@code gameAddress}
     */
    void recordGameVerdict(String gameAddress, boolean valid, String detail, String by);

    // ---- transactions ---------------------------------------------------------------------------------

    /** Records a transaction of a sender without leases before it is broadcast; returns it with its id. */
    default TxRecord recordTransaction(TxRecord tx) {
        return recordTransaction(tx, null, java.time.Duration.ZERO);
    }

    /**
     * Records a transaction before it is broadcast, in the same store transaction as the check that {@code lease}
     * is its key's current lease with more than {@code margin} left; returns it with its id.
     *
     * @throws FencedOff when it is not (nothing is recorded)
     */
    TxRecord recordTransaction(TxRecord tx, KeyLease lease, java.time.Duration margin);

    // ---- key leases (fencing) -----------------------------------------------------------------------------

    /**
     * Takes the routing key's lease for {@code owner} with a new epoch, if the key is free, its lease ran out, or
     * {@code owner} held it; empty while another owner's lease runs.
     */
    Optional<KeyLease> acquireLease(String routingKey, String owner, java.time.Duration ttl);

    /** Extends a lease that is still the key's current one; empty when it was lost (ran out, or taken since). */
    Optional<KeyLease> renewLease(KeyLease lease, java.time.Duration ttl);

    /** Ends a lease now (a clean hand-over), if it is still the key's current one. */
    void releaseLease(KeyLease lease);

    /** @throws FencedOff unless {@code lease} is the key's current lease with more than {@code margin} left */
    void checkLease(KeyLease lease, java.time.Duration margin);

    /** The key's lease as recorded (possibly run out), if it was ever taken. */
    Optional<KeyLease> lease(String routingKey);

    /** Updates a transaction's status (and error, when it failed). */
    void updateTransaction(long id, TxRecord.Status status, String error);

    /** Transactions of {@code signer} on {@code chainId} that are SIGNED or BROADCAST, by nonce. */
    List<TxRecord> openTransactions(long chainId, String signer);

    /** Transactions sent for a message, oldest first. */
    List<TxRecord> transactionsOf(String messageId);

    /**
     * Every transaction of {@code signer} on {@code chainId} with a nonce of at least {@code fromNonce}, whatever
     * its status, by nonce: what a transaction manager explains against the chain's nonce after a restart or a
     * reorg.
     */
    List<TxRecord> transactionsFromNonce(long chainId, String signer, BigInteger fromNonce);

    /** The highest nonce recorded for {@code signer} on {@code chainId}, if any. */
    Optional<BigInteger> highestNonce(long chainId, String signer);

    // ---- monitor ---------------------------------------------------------------------------------------

    /**
     * Records a finding, or counts it again when an OPEN one with the same dedupe key exists (its evidence
     * is replaced by the newer one). Returns the stored finding; {@code created} tells which happened.
     */
    FindingResult recordFinding(Finding finding);

    /** Findings, newest first; {@code status} null for all. */
    List<Finding> findings(String status, int limit);

    void resolveFinding(long id, String note);

    // ---- circuit breakers -----------------------------------------------------------------------------

    Optional<BreakerState> breaker(long chainId);

    List<BreakerState> breakers();

    /** Trips or resets a chain's breaker and announces it on the outbox (topic "control"). */
    BreakerState setBreaker(long chainId, boolean tripped, String reason, String by);

    // ---- results ---------------------------------------------------------------------------------------

    /**
     * @param eventsRecorded new events recorded (duplicates skipped)
     * @param duplicates events skipped because they were already recorded
     * @param transitions lifecycle moves the events caused
     */
    record BatchResult(int eventsRecorded, int duplicates, int transitions) {}

    /**
     * @param eventsRemoved events from orphaned blocks
     * @param messagesOrphaned messages that became ORPHANED
     * @param messagesReverted other messages whose moves were undone
     */
    record RollbackResult(int eventsRemoved, int messagesOrphaned, int messagesReverted) {}

    record FindingResult(Finding finding, boolean created) {}

    @Override
    void close();
}
