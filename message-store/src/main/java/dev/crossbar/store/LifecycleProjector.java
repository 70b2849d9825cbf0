package dev.crossbar.store;

import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent.CrossDomainMessageFailed;
import dev.crossbar.core.event.ProtocolEvent.CrossDomainMessageRelayed;
import dev.crossbar.core.event.ProtocolEvent.CrossDomainMessageSent;
import dev.crossbar.core.event.ProtocolEvent.CrossRollupRelayed;
import dev.crossbar.core.event.ProtocolEvent.CrossRollupSent;
import dev.crossbar.core.event.ProtocolEvent.DepositExecuted;
import dev.crossbar.core.event.ProtocolEvent.DepositInitiated;
import dev.crossbar.core.event.ProtocolEvent.DepositReclaimed;
import dev.crossbar.core.event.ProtocolEvent.DisputeGameBlacklisted;
import dev.crossbar.core.event.ProtocolEvent.DisputeGameCreated;
import dev.crossbar.core.event.ProtocolEvent.EscapeModeActivated;
import dev.crossbar.core.event.ProtocolEvent.GameMove;
import dev.crossbar.core.event.ProtocolEvent.GameResolved;
import dev.crossbar.core.event.ProtocolEvent.OutputProposed;
import dev.crossbar.core.event.ProtocolEvent.OutputsDeleted;
import dev.crossbar.core.event.ProtocolEvent.PortalPauseChanged;
import dev.crossbar.core.event.ProtocolEvent.WithdrawalFinalized;
import dev.crossbar.core.event.ProtocolEvent.WithdrawalInitiated;
import dev.crossbar.core.event.ProtocolEvent.WithdrawalProven;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import java.math.BigInteger;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies protocol events to the message lifecycle, inside the transaction that records them (both
 * backends). Events are facts from a chain, so a move the lifecycle does not allow is skipped with a warning
 * (never an error that would stop the chain's watcher), and an event about a message the store does not know
 * (yet) is recorded and skipped.
 */
final class LifecycleProjector {
    private static final Logger log = LoggerFactory.getLogger(LifecycleProjector.class);

    private final ChainTopology topology;

    LifecycleProjector(ChainTopology topology) {
        this.topology = topology;
    }

    /** Starts the projection of one batch, in its transaction. */
    Projection begin(Tx tx) {
        return new Projection(this, tx);
    }

    /** The message (or messenger) hash an event moves, if any: what it waits for when it comes first. */
    static String subjectOf(ProtocolEvent event) {
        String subject = switch (event) {
            case DepositExecuted e -> e.depositHash();
            case WithdrawalProven e -> e.withdrawalHash();
            case WithdrawalFinalized e -> e.withdrawalHash();
            case CrossRollupRelayed e -> e.messageHash();
            case CrossDomainMessageRelayed e -> e.messageHash();
            case CrossDomainMessageFailed e -> e.messageHash();
            default -> null;
        };
        return Messages.normalize(subject);
    }

    /** The message an event creates, if it creates one. */
    static String createdBy(ProtocolEvent event) {
        return switch (event) {
            case DepositInitiated e -> e.depositHash();
            case WithdrawalInitiated e -> e.withdrawalHash();
            case CrossRollupSent e -> e.messageHash();
            default -> null;
        };
    }

    /** Applies one event; the step counts the transitions it caused (creations included). */
    void apply(Step s, ProtocolEvent event) throws SQLException {
        switch (event) {
            case DepositInitiated e -> depositInitiated(s, e);
            case DepositExecuted e -> delivered(s, e.depositHash(), e.success(), "executed on " + s.where(),
                    "deposit reverted on " + s.where());
            case WithdrawalInitiated e -> withdrawalInitiated(s, e);
            case OutputProposed e -> outputProposed(s, e);
            case OutputsDeleted e -> OutputDeletions.apply(this, s, e);
            case WithdrawalProven e -> withdrawalProven(s, e);
            case WithdrawalFinalized e -> withdrawalFinalized(s, e);
            case CrossDomainMessageSent e -> messengerSent(s, e);
            case CrossDomainMessageRelayed e -> messengerVerdict(s, e.messageHash(), e.sourceChainId(), true);
            case CrossDomainMessageFailed e -> messengerVerdict(s, e.messageHash(), e.sourceChainId(), false);
            case CrossRollupSent e -> crossRollupSent(s, e);
            case CrossRollupRelayed e -> crossRollupRelayed(s, e);
            case DepositReclaimed e -> depositReclaimed(s, e);
            case PortalPauseChanged e -> { }
            case EscapeModeActivated e -> { }
            case DisputeGameCreated e -> {
                gameCreated(s, e);
                wakeWithdrawals(s, e.l2ChainId());
            }
            case GameMove e -> gameMove(s, e);
            case GameResolved e -> {
                gameResolved(s, e);
                wakeWithdrawals(s, e.l2ChainId());
            }
            case DisputeGameBlacklisted e -> {
                gameBlacklisted(s, e);
                wakeWithdrawals(s, e.l2ChainId());
            }
            case ProtocolEvent.RespectedGameTypeSet e -> wakeWithdrawals(s, e.l2ChainId());
            // Recorded as events only: no message or game changes with them.
            case ProtocolEvent.WithdrawalProofSubmitted e -> { }
            case ProtocolEvent.SuperchainPauseChanged e -> { }
        }
    }

    // ---- per event --------------------------------------------------------------------------------------

    private void depositInitiated(Step s, DepositInitiated e) throws SQLException {
        create(s, new Messages.NewMessage(e.depositHash(), MessageKind.DEPOSIT, s.ref.chainId(), e.l2ChainId(),
                e.depositNonce(), e.l1Sender(), e.to(), e.mint(), e.gasLimit(), e.data(), s.source()));
    }

    /** DepositExecuted on the L2, or WithdrawalFinalized on the L1: the transport's verdict. */
    private void delivered(Step s, String id, boolean success, String relayedCause, String failedCause)
            throws SQLException {
        Optional<MessageRecord> found = target(s, id).filter(m -> arrivedAtItsDestination(s, m));
        if (found.isEmpty()) {
            return;
        }
        MessageRecord m = found.get();
        if (!success) {
            if (m.state() != MessageState.RELAYED) {
                advance(s, m, MessageState.FAILED, failedCause);
            }
            return;
        }
        if (m.state() == MessageState.FAILED && messengerFailedInSameTx(s, m)) {
            // The transport ran but the messenger's call failed: the messenger's verdict stands (replayable).
            log.debug("transport succeeded, messenger call failed: id={} event={}", m.id(), s.where());
            return;
        }
        advance(s, m, MessageState.RELAYED, relayedCause);
    }

    private void withdrawalInitiated(Step s, WithdrawalInitiated e) throws SQLException {
        long source = s.ref.chainId();
        long destination;
        try {
            destination = topology.l1Of(source);
        } catch (NoSuchElementException ex) {
            throw new IllegalStateException("withdrawal " + e.withdrawalHash() + " on " + s.where()
                    + ": cannot tell its destination: " + ex.getMessage(), ex);
        }
        Optional<MessageRecord> created = create(s, new Messages.NewMessage(e.withdrawalHash(),
                MessageKind.WITHDRAWAL, source, destination, e.nonce(), e.sender(), e.target(), e.value(),
                e.gasLimit(), e.data(), s.source()));
        if (created.isEmpty()) {
            return;
        }
        // The output's (or game's) event is what commits it: a reorg that removes the output undoes this move.
        Optional<Outputs.Covering> output = Outputs.covering(s.tx, source, s.ref.blockNumber());
        if (output.isPresent()) {
            Outputs.Covering o = output.get();
            advance(s, created.get(), MessageState.COMMITTED, o.cause(), o.eventId());
            return;
        }
        Optional<Games.Covering> game = Games.covering(s.tx, source, s.ref.blockNumber());
        if (game.isPresent()) {
            Games.Covering g = game.get();
            advance(s, created.get(), MessageState.COMMITTED, g.cause(), g.eventId());
        }
    }

    private void outputProposed(Step s, OutputProposed e) throws SQLException {
        if (!Numbers.fits(e.outputIndex()) || !Numbers.fits(e.l2BlockNumber())) {
            log.error("output out of range, not applied: outputIndex={} l2BlockNumber={} event={}", e.outputIndex(),
                    e.l2BlockNumber(), s.where());
            return;
        }
        long l2BlockNumber = e.l2BlockNumber().longValueExact();
        long outputIndex = e.outputIndex().longValueExact();
        Outputs.insert(s.tx, e, outputIndex, l2BlockNumber, s.eventId);
        String cause = Outputs.coverCause(outputIndex, l2BlockNumber);
        for (MessageRecord m : Messages.lockWhere(s.tx, "kind = ? AND source_chain_id = ? AND state = ? AND"
                + " source_block_number <= ?", MessageKind.WITHDRAWAL, e.l2ChainId(), MessageState.SENT,
                l2BlockNumber)) {
            advance(s, m, MessageState.COMMITTED, cause);
        }
    }

    /**
     * A dispute game commits the withdrawals of its L2 up to its L2 block, whatever its root claim says: the relayer
     * checks the root before it proves against a game, and a withdrawal waits in COMMITTED until a valid game exists.
     */
    private void gameCreated(Step s, DisputeGameCreated e) throws SQLException {
        if (!Games.insert(s.tx, e, s.eventId, s.where())) {
            log.warn("game already recorded, creation ignored: game={} index={} event={}", e.game(), e.index(),
                    s.where());
            return;
        }
        String cause = Games.coverCause(e.index(), e.gameType(), e.l2BlockNumber());
        for (MessageRecord m : Messages.lockWhere(s.tx, "kind = ? AND source_chain_id = ? AND state = ? AND"
                + " source_block_number <= ?", MessageKind.WITHDRAWAL, e.l2ChainId(), MessageState.SENT,
                e.l2BlockNumber())) {
            advance(s, m, MessageState.COMMITTED, cause);
        }
    }

    private static void gameMove(Step s, GameMove e) throws SQLException {
        if (!Games.move(s.tx, e, s.eventId, s.where())) {
            log.warn("move on an unknown game or a claim already recorded, not applied: game={} claimIndex={}"
                    + " event={}", e.game(), e.claimIndex(), s.where());
        }
    }

    private static void gameResolved(Step s, GameResolved e) throws SQLException {
        Optional<GameRecord.Status> status = GameRecord.Status.ofResolved(e.status());
        if (status.isEmpty()) {
            log.error("game resolved with an unknown status, not applied: game={} status={} event={}", e.game(),
                    e.status(), s.where());
            return;
        }
        if (!Games.resolve(s.tx, e.game(), status.get(), s.ref.blockTimestamp(), s.eventId, s.where())) {
            log.warn("resolution of an unknown or already resolved game, not applied: game={} status={} event={}",
                    e.game(), status.get(), s.where());
        }
    }

    private static void gameBlacklisted(Step s, DisputeGameBlacklisted e) throws SQLException {
        if (!Games.blacklist(s.tx, e.game(), s.eventId, s.where())) {
            log.warn("blacklisting of an unknown or already blacklisted game, not applied: game={} event={}", e.game(),
                    s.where());
        }
    }

    private void withdrawalProven(Step s, WithdrawalProven e) throws SQLException {
        Optional<MessageRecord> found = target(s, e.withdrawalHash()).filter(m -> arrivedAtItsDestination(s, m));
        if (found.isEmpty()) {
            return;
        }
        MessageRecord m = found.get();
        String cause = "proven on " + s.where();
        if (m.state() == MessageState.SENT) {
            // A proof on L1 shows that an output covers it, even if the store has not seen that output.
            m = advance(s, m, MessageState.COMMITTED, cause + " (so an output covers it)");
        }
        if (m.state() != MessageState.IN_WINDOW) {
            m = advance(s, m, MessageState.PROVEN, cause);
            if (m.state() == MessageState.PROVEN) {
                m = advance(s, m, MessageState.IN_WINDOW, cause);
            }
        }
        if (m.state() == MessageState.IN_WINDOW) {
            // Proven again (after its output was deleted): the window runs from the newest proof.
            Messages.mergeDetails(s.tx, m, Map.of(MessageDetails.PROVEN_AT, Long.toString(s.ref.blockTimestamp())));
        }
    }

    private void withdrawalFinalized(Step s, WithdrawalFinalized e) throws SQLException {
        delivered(s, e.withdrawalHash(), e.success(), "finalized on " + s.where(),
                "finalized on " + s.where() + " but its call reverted");
        linkSettledDeposits(s, Messages.normalize(e.withdrawalHash()));
    }

    /**
     * The L1-to-L2 leg of a settled cross-rollup message: a deposit made by the withdrawal's own call, which
     * runs inside the finalization, so its log comes before the WithdrawalFinalized log and after the previous
     * finalization's in the same transaction.
     */
    private void linkSettledDeposits(Step s, String withdrawalHash) throws SQLException {
        long after = s.tx.first("SELECT MAX(log_index) AS after FROM events WHERE chain_id = ? AND block_hash = ? AND"
                        + " tx_hash = ? AND type = ? AND log_index < ? AND removed = FALSE", r -> r.lngOrNull("after"),
                s.ref.chainId(), s.ref.blockHash(), s.ref.txHash(), WithdrawalFinalized.class.getSimpleName(),
                s.ref.logIndex()).orElse(-1L);
        for (MessageRecord d : Messages.lockWhere(s.tx, "source_chain_id = ? AND source_block_hash = ? AND"
                + " source_tx_hash = ? AND kind = ? AND parent_id IS NULL AND source_log_index > ? AND"
                + " source_log_index < ?", s.ref.chainId(), s.ref.blockHash(), s.ref.txHash(), MessageKind.DEPOSIT,
                after, s.ref.logIndex())) {
            Messages.setParent(s.tx, d, withdrawalHash);
        }
    }

    /**
     * A messenger's SentMessage follows the deposit or withdrawal that carries it in the same transaction:
     * that message (the nearest one before it not yet linked) gets the messenger's hash.
     */
    private void messengerSent(Step s, CrossDomainMessageSent e) throws SQLException {
        Optional<MessageRecord> carrier = Messages.lockWhere(s.tx, "source_chain_id = ? AND source_block_hash = ? AND"
                + " source_tx_hash = ? AND kind IN (?, ?) AND messenger_hash IS NULL AND source_log_index < ?",
                s.ref.chainId(), s.ref.blockHash(), s.ref.txHash(), MessageKind.DEPOSIT, MessageKind.WITHDRAWAL,
                s.ref.logIndex()).stream().max(java.util.Comparator.comparingLong(m -> m.source().logIndex()));
        if (carrier.isEmpty()) {
            log.debug("messenger message without a carrier in its transaction: messengerHash={} event={}",
                    e.messageHash(), s.where());
            return;
        }
        Messages.setMessengerHash(s.tx, carrier.get(), e.messageHash());
    }

    /**
     * The messenger's verdict on the messages with its hash that came to its chain: from {@code source} only where
     * known (an L1's messengers, one per L2, can relay messages of the same hash from different L2s).
     */
    private void messengerVerdict(Step s, String messengerHash, Long source, boolean relayed) throws SQLException {
        List<MessageRecord> messages = source == null
                ? Messages.lockWhere(s.tx, "messenger_hash = ? AND destination_chain_id = ?",
                        Messages.normalize(messengerHash), s.ref.chainId())
                : Messages.lockWhere(s.tx, "messenger_hash = ? AND destination_chain_id = ? AND source_chain_id = ?",
                        Messages.normalize(messengerHash), s.ref.chainId(), source);
        for (MessageRecord m : messages) {
            if (relayed) {
                advance(s, m, MessageState.RELAYED, "messenger relayed it on " + s.where());
            } else if (m.state() != MessageState.RELAYED) {
                advance(s, m, MessageState.FAILED, "messenger call failed on " + s.where());
            }
        }
    }

    private void crossRollupSent(Step s, CrossRollupSent e) throws SQLException {
        if (!Numbers.fits(e.destination())) {
            log.error("cross-rollup message to a chain id out of range, not applied: id={} destination={} event={}",
                    e.messageHash(), e.destination(), s.where());
            return;
        }
        long destination = e.destination().longValueExact();
        Messages.NewMessage m = new Messages.NewMessage(e.messageHash(), MessageKind.CROSS_ROLLUP, s.ref.chainId(),
                destination, e.nonce(), e.sender(), e.target(), BigInteger.ZERO, BigInteger.ZERO, e.message(),
                s.source());
        String ready = "confirmed on chain " + s.ref.chainId() + ": due for relay";
        if (s.projection.absent(m.id())) {
            // New: written in READY at once, with both moves in its history (what creating and advancing it writes).
            s.transitions += 2;
            s.projection.created(m.id());
            Messages.insert(s.tx, m, s.eventId, "sent on " + s.where(), MessageState.READY, ready);
            return;
        }
        Optional<MessageRecord> existing = Messages.lock(s.tx, m.id());
        if (existing.isPresent() && REEMITTABLE.contains(existing.get().state())
                && !sameLog(existing.get().source(), m.source())) {
            // resendMessage emitted its SentMessage log again: the message is relayed with the new identifier.
            s.transitions++;
            Messages.reemitted(s.tx, existing.get(), m, s.eventId, "emitted again on " + s.where()
                    + " (resendMessage): relayed with this log's identifier");
            return;
        }
        Optional<MessageRecord> created = create(s, m);
        if (created.isPresent()) {
            advance(s, created.get(), MessageState.READY, ready);
        }
    }

    /** States of a cross-rollup message a re-emitted SentMessage log makes due again (not one relayed or in flight). */
    private static final Set<MessageState> REEMITTABLE = Set.of(MessageState.READY, MessageState.FAILED,
            MessageState.DEAD_LETTERED);

    private static boolean sameLog(MessageRecord.SourceRef a, MessageRecord.SourceRef b) {
        return a != null && b != null && a.blockNumber() == b.blockNumber() && a.logIndex() == b.logIndex()
                && a.blockHash().equalsIgnoreCase(b.blockHash());
    }

    private void crossRollupRelayed(Step s, CrossRollupRelayed e) throws SQLException {
        Optional<MessageRecord> found = target(s, e.messageHash()).filter(m -> arrivedAtItsDestination(s, m));
        if (found.isPresent()) {
            advance(s, found.get(), MessageState.RELAYED, "relayed on " + s.where());
        }
    }

    private void depositReclaimed(Step s, DepositReclaimed e) throws SQLException {
        for (MessageRecord m : Messages.lockWhere(s.tx, "kind = ? AND source_chain_id = ? AND destination_chain_id = ?"
                + " AND nonce = ?", MessageKind.DEPOSIT, s.ref.chainId(), e.l2ChainId(), e.depositNonce())) {
            advance(s, m, MessageState.EXITED, "reclaimed through escape mode on " + s.where());
        }
    }

    /**
     * A game created, resolved or blacklisted, or a change of the respected game type, changes what the L2's
     * withdrawals that wait on L1 conditions can do (be proven, finalized, proven again): they are due at once instead
     * of at the end of their wait. Only the time of the next look changes (no state, no version), so a relayer's
     * step in flight is not disturbed.
     */
    private static void wakeWithdrawals(Step s, long l2ChainId) throws SQLException {
        s.tx.update("UPDATE messages SET next_attempt_at = NULL WHERE kind = ? AND source_chain_id = ? AND state IN"
                + " (?, ?, ?, ?) AND next_attempt_at IS NOT NULL", MessageKind.WITHDRAWAL, l2ChainId,
                MessageState.COMMITTED, MessageState.PROVEN, MessageState.IN_WINDOW, MessageState.READY);
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /**
     * Creates a message in SENT, or brings an ORPHANED one back (its transaction was mined again); empty when
     * the message is already known and alive (nothing to create).
     */
    private Optional<MessageRecord> create(Step s, Messages.NewMessage m) throws SQLException {
        Optional<MessageRecord> existing = s.projection.absent(m.id()) ? Optional.empty() : Messages.lock(s.tx, m.id());
        if (existing.isEmpty()) {
            s.transitions++;
            s.projection.created(m.id());
            return Optional.of(Messages.insert(s.tx, m, s.eventId, "sent on " + s.where()));
        }
        MessageRecord old = existing.get();
        if (old.state() == MessageState.ORPHANED) {
            s.transitions++;
            s.projection.created(m.id());
            return Optional.of(Messages.recreate(s.tx, old, m, s.eventId, "sent again on " + s.where()
                    + " (back on the canonical chain)"));
        }
        log.warn("message already recorded, creation ignored: id={} state={} event={}", old.id(), old.state(),
                s.where());
        return Optional.empty();
    }

    /** The message an event is about, locked; empty (and logged) when the store does not know it. */
    private static Optional<MessageRecord> target(Step s, String id) throws SQLException {
        Optional<MessageRecord> m = Messages.lock(s.tx, id);
        if (m.isEmpty()) {
            log.debug("event for an unknown message, recorded and skipped: id={} event={}", id, s.where());
        }
        return m;
    }

    /** Whether an event that delivers {@code m} was seen on its destination (if not, the monitor looks at it). */
    private static boolean arrivedAtItsDestination(Step s, MessageRecord m) {
        if (m.destinationChainId() == s.ref.chainId()) {
            return true;
        }
        log.warn("delivery seen on a chain that is not the message's destination, not applied: id={} destination={}"
                + " event={}", m.id(), m.destinationChainId(), s.where());
        return false;
    }

    MessageRecord advance(Step s, MessageRecord m, MessageState to, String cause) throws SQLException {
        return advance(s, m, to, cause, s.eventId);
    }

    /** Moves {@code m} if the lifecycle allows it (else warns and leaves it); returns it as it is now. */
    private MessageRecord advance(Step s, MessageRecord m, MessageState to, String cause, long eventId)
            throws SQLException {
        if (m.state() == to) {
            return m;
        }
        if (!m.state().canMoveTo(m.kind(), to)) {
            log.warn("lifecycle does not allow the move an event implies, skipped: id={} from={} to={} cause=\"{}\"",
                    m.id(), m.state(), to, cause);
            return m;
        }
        s.transitions++;
        return Messages.move(s.tx, m, to, cause, eventId);
    }

    /** Whether the messenger reported this message failed in the transaction of the current event. */
    private static boolean messengerFailedInSameTx(Step s, MessageRecord m) throws SQLException {
        return m.messengerHash() != null && s.tx.count("SELECT COUNT(*) FROM events WHERE chain_id = ? AND"
                + " block_hash = ? AND tx_hash = ? AND type = ? AND subject = ? AND log_index < ? AND removed = FALSE",
                s.ref.chainId(), s.ref.blockHash(), s.ref.txHash(), CrossDomainMessageFailed.class.getSimpleName(),
                m.messengerHash(), s.ref.logIndex()) > 0;
    }

    /** The event being applied. */
    static final class Step {
        final Projection projection;
        final Tx tx;
        final long eventId;
        final EventRef ref;
        int transitions;

        Step(Projection projection, long eventId, EventRef ref) {
            this.projection = projection;
            this.tx = projection.tx();
            this.eventId = eventId;
            this.ref = ref;
        }

        String where() {
            return "chain " + ref.chainId() + " block " + ref.blockNumber() + " tx " + ref.txHash();
        }

        MessageRecord.SourceRef source() {
            return new MessageRecord.SourceRef(ref.blockNumber(), ref.blockHash(), ref.txHash(), ref.logIndex(),
                    ref.blockTimestamp());
        }
    }

    /** The output indexes deleted by one OutputsDeleted, for causes. */
    static String range(Set<Long> indexes) {
        TreeSet<Long> sorted = new TreeSet<>(indexes);
        return sorted.size() == 1 ? "output " + sorted.first() : "outputs " + sorted.first() + ".." + sorted.last();
    }
}
