package dev.crossbar.relayer;

import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.txmanager.TxManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every send is a first send: whether a recorded transaction of one routing key may go out again (re-broadcast,
 * replacement, re-send after a reorg), checked as a first send is.
 */
final class Rechecks {
    private static final Logger log = LoggerFactory.getLogger(Rechecks.class);

    private final long destination;
    private final TxManager signer;
    private final MessageStore store;
    private final Deliveries deliveries;
    private final GameDeliveries games;
    private final Steps steps;
    private final java.time.Duration expiry;

    /** @param expiry the interop expiry window of L2-to-L2 messages ({@link RelayerSettings.Interop#expiry}) */
    Rechecks(long destination, TxManager signer, MessageStore store, Deliveries deliveries, GameDeliveries games,
            Steps steps, java.time.Duration expiry) {
        this.expiry = expiry;
        this.destination = destination;
        this.signer = signer;
        this.store = store;
        this.deliveries = deliveries;
        this.games = games;
        this.steps = steps;
    }

    /**
     * Whether a recorded transaction may go out again (re-broadcast, replacement, re-send after a reorg), checked as
     * a first send is: its message must still need it (never for an ORPHANED or delivered message), the destination
     * must not have the effect already, a cross-rollup message's source block must still be on its chain and its log
     * not past the interop expiry (the inbox cannot tell; the chain's block builder would drop it), and a simulation
     * must go through. A message the store holds as delivered by a transaction the chain lost is brought
     * back to where that transaction found it.
     */
    TxManager.Verdict recheck(TxRecord tx) {
        if (tx.messageId() == null || TxPurpose.CANCEL.equals(tx.purpose())) {
            return TxManager.Verdict.CANCEL;
        }
        if (TxPurpose.RELAY_BATCH.equals(tx.purpose())) {
            return recheckBatch(tx);
        }
        MessageRecord m = store.message(tx.messageId()).orElse(null);
        String refusal = m == null ? "unknown message" : refusal(m, tx);
        if (refusal != null) {
            log.warn("transaction not sent again tx={} purpose={} messageId={} reason=\"{}\"", tx.txHash(),
                    tx.purpose(), tx.messageId(), refusal);
            return TxManager.Verdict.CANCEL;
        }
        return TxManager.Verdict.SEND;
    }

    /** Why {@code tx} must not go out again for {@code m}, or null when it may. */
    private String refusal(MessageRecord m, TxRecord tx) {
        if (m.state() == MessageState.ORPHANED || m.state() == MessageState.DEAD_LETTERED
                || m.state() == MessageState.EXITED) {
            return "message is " + m.state();
        }
        boolean done = tx.purpose().equals(TxPurpose.PROVE) && deliveries.overGames(m)
                ? games.proofStands(m, signer.address()) : deliveries.effectOnChain(m, tx.purpose());
        if (done) {
            if (tx.purpose().equals(TxPurpose.PROVE)) {
                steps.move(m, MessageState.PROVEN, "proven on chain (found before sending again)");
            } else {
                steps.move(m, MessageState.RELAYED, "delivered on chain (found before sending again)");
            }
            return "its effect is on chain already";
        }
        String gone = deliveries.sourceGone(m);
        if (gone != null) {
            return gone;
        }
        String expired = deliveries.expired(m, expiry);
        if (expired != null) {
            return expired;
        }
        String revert = signer.simulate(tx);
        if (revert != null) {
            return "simulation reverts: " + revert;
        }
        reopenIfLost(m, tx.purpose(), tx.txHash());
        return null;
    }

    /**
     * A message the store holds as further along than the chain (the transaction that moved it is gone with its
     * block) goes back to the state that transaction was sent from, so that it is settled again when it is mined.
     */
    private void reopenIfLost(MessageRecord m, String purpose, String txHash) {
        String cause = "transaction " + txHash + " is no longer on chain; sending it again";
        switch (purpose) {
            case TxPurpose.PROVE -> {
                if (m.state() == MessageState.PROVEN || m.state() == MessageState.IN_WINDOW
                        || m.state() == MessageState.READY) {
                    store.transitionIf(m.id(), m.state(), MessageState.COMMITTED, cause);
                }
            }
            case TxPurpose.FINALIZE, TxPurpose.RELAY, TxPurpose.REPLAY -> {
                if (m.state() == MessageState.RELAYED) {
                    store.reopen(m.id(), MessageState.RELAYED, purpose.equals(TxPurpose.REPLAY) ? MessageState.FAILED
                            : MessageState.RELAYING, cause);
                }
            }
            default -> { }
        }
    }

    /**
     * A batch goes out again only as a whole: if any member is refused, the batch is cancelled and the members that
     * still need relaying go back to READY, to be sent again on their own merits.
     */
    private TxManager.Verdict recheckBatch(TxRecord tx) {
        List<MessageRecord> members = batchMembers(tx.txHash());
        List<String> refused = new ArrayList<>();
        for (MessageRecord m : members) {
            String why = m.state() == MessageState.RELAYED ? null : refusalOfMember(m);
            if (why != null) {
                refused.add(m.id() + ": " + why);
            }
        }
        if (refused.isEmpty()) {
            String revert = signer.simulate(tx);
            if (revert == null) {
                members.forEach(m -> reopenIfLost(m, TxPurpose.RELAY, tx.txHash()));
                return TxManager.Verdict.SEND;
            }
            refused.add("simulation reverts: " + revert);
        }
        log.warn("batch not sent again tx={} members={} refused=\"{}\"", tx.txHash(), members.size(),
                String.join("; ", refused));
        return TxManager.Verdict.CANCEL;
    }

    private String refusalOfMember(MessageRecord m) {
        if (m.state() == MessageState.ORPHANED || m.state() == MessageState.DEAD_LETTERED) {
            return "message is " + m.state();
        }
        if (deliveries.effectOnChain(m, TxPurpose.RELAY)) {
            steps.move(m, MessageState.RELAYED, "delivered on chain (found before sending its batch again)");
            return "its effect is on chain already";
        }
        return deliveries.sourceGone(m);
    }

    private List<MessageRecord> batchMembers(String batchHash) {
        return store.messages(new dev.crossbar.store.MessageQuery(Set.of(MessageState.RELAYING, MessageState.RELAYED,
                MessageState.ORPHANED, MessageState.READY), Set.of(MessageKind.CROSS_ROLLUP), null, null, destination,
                null, 1000)).stream().filter(m -> batchHash.equalsIgnoreCase(m.details().get(MessageDetails.BATCH_TX)))
                .toList();
    }
}
