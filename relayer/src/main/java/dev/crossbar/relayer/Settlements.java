package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.txmanager.TxManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Settles the mined transactions of one routing key: what each confirmed, reverted or dropped one means for its
 * message.
 */
final class Settlements {
    private static final Logger log = LoggerFactory.getLogger(Settlements.class);
    private static final String RELAYED_TOPIC = EventEncoder.encode(L1Messenger.RELAYEDMESSAGE_EVENT);
    private static final String FAILED_TOPIC = EventEncoder.encode(L1Messenger.FAILEDRELAYEDMESSAGE_EVENT);
    private static final String L2L2_RELAYED_TOPIC = EventEncoder.encode(L2ToL2CrossDomainMessenger.RELAYEDMESSAGE_EVENT);
    private final long destination;
    private final MessageStore store;
    private final Chains chains;
    private final Steps steps;

    Settlements(long destination, MessageStore store, Chains chains, Steps steps) {
        this.destination = destination;
        this.store = store;
        this.chains = chains;
        this.steps = steps;
    }

    /**
     * Settles a round's outcomes in order; the runs of them that need nothing but the store (all but a confirmed
     * proof, whose block's time is read) are settled in one store transaction each.
     */
    void settleAll(List<TxManager.Outcome> outcomes) {
        List<TxManager.Outcome> run = new ArrayList<>();
        for (TxManager.Outcome o : outcomes) {
            if (readsChain(o)) {
                settleTogether(run);
                run.clear();
                settle(o);
            } else {
                run.add(o);
            }
        }
        settleTogether(run);
    }

    private void settleTogether(List<TxManager.Outcome> run) {
        if (run.size() == 1) {
            settle(run.getFirst());
        } else if (!run.isEmpty()) {
            store.inTransaction("settling " + run.size() + " transactions", () -> run.forEach(this::settle));
        }
    }

    private static boolean readsChain(TxManager.Outcome o) {
        return TxPurpose.PROVE.equals(o.tx().purpose()) && o.receipt() != null && o.succeeded();
    }

    void settle(TxManager.Outcome o) {
        TxRecord tx = o.tx();
        if (tx.messageId() == null) {
            return;
        }
        if (TxPurpose.RELAY_BATCH.equals(tx.purpose())) {
            settleBatch(o);
            return;
        }
        MessageRecord m = store.message(tx.messageId()).orElse(null);
        if (m == null) {
            return;
        }
        TransactionReceipt r = o.receipt();
        if (r == null || TxPurpose.CANCEL.equals(tx.purpose())) {
            if (m.state() == MessageState.ORPHANED || m.state().isFinal() || m.state() == MessageState.DEAD_LETTERED) {
                return; // nothing more to do for it: the cancel only filled the nonce
            }
            if (m.state() == MessageState.RELAYING) {
                store.transitionIf(m.id(), MessageState.RELAYING, MessageState.READY, "transaction " + tx.txHash()
                        + " was " + (r == null ? "dropped" : "cancelled"));
            }
            steps.retry(store.message(m.id()).orElse(m), tx.purpose() + " transaction did not go through");
            return;
        }
        if (!o.succeeded()) {
            if (m.state() == MessageState.RELAYING) {
                store.transitionIf(m.id(), MessageState.RELAYING, MessageState.READY, tx.purpose()
                        + " reverted in " + tx.txHash());
            }
            steps.retry(store.message(m.id()).orElse(m), tx.purpose() + " transaction " + tx.txHash() + " reverted");
            return;
        }
        String cause = tx.purpose() + " confirmed in " + tx.txHash();
        switch (tx.purpose()) {
            case TxPurpose.PROVE -> {
                long at = chains.client(destination).header(EthApi.hex(r.getBlockNumber().longValueExact()))
                        .timestamp();
                Map<String, String> d = new LinkedHashMap<>();
                d.put(MessageDetails.PROVEN_AT, Long.toString(at));
                String index = m.details().get(MessageDetails.PROVING_OUTPUT_INDEX);
                String game = m.details().get(MessageDetails.PROVING_GAME);
                if (game != null) {
                    d.put(MessageDetails.PROVEN_GAME, game);
                    d.put(MessageDetails.PROOF_SUBMITTER, tx.signer().toLowerCase());
                    cause += " against game " + index + " (" + game + ")";
                } else if (index != null) {
                    d.put(MessageDetails.PROVEN_OUTPUT_INDEX, index);
                    cause += " against output " + index;
                }
                store.putDetails(m.id(), d);
                steps.move(m, MessageState.PROVEN, cause);
            }
            case TxPurpose.FINALIZE, TxPurpose.REPLAY -> {
                boolean failed = hasTopic(r, FAILED_TOPIC) && !hasTopic(r, RELAYED_TOPIC);
                if (failed) {
                    steps.move(m, MessageState.FAILED, cause + ", but the message's call failed on the destination");
                    steps.retry(store.message(m.id()).orElse(m), "its call failed on the destination");
                } else {
                    steps.move(m, MessageState.RELAYED, cause);
                    steps.delivered(m);
                }
            }
            case TxPurpose.RELAY -> {
                steps.move(m, MessageState.RELAYED, cause);
                steps.delivered(m);
            }
            default -> log.debug("outcome of {} needs nothing", tx.purpose());
        }
    }

    private static boolean hasTopic(TransactionReceipt r, String topic0) {
        for (Log l : r.getLogs()) {
            if (!l.getTopics().isEmpty() && l.getTopics().getFirst().equalsIgnoreCase(topic0)) {
                return true;
            }
        }
        return false;
    }

    private void settleBatch(TxManager.Outcome o) {
        String hash = o.tx().txHash();
        Set<String> relayed = new HashSet<>();
        if (o.receipt() != null && o.succeeded()) {
            for (Log l : o.receipt().getLogs()) {
                if (l.getTopics().size() == 4 && l.getTopics().getFirst().equalsIgnoreCase(L2L2_RELAYED_TOPIC)) {
                    relayed.add(l.getTopics().get(3).toLowerCase());
                }
            }
        }
        // The members it relayed, by the receipt's events; then the rest of its members, which it did not relay.
        for (String id : relayed) {
            store.message(id).filter(m -> m.state() == MessageState.RELAYING
                    && hash.equalsIgnoreCase(m.details().get(MessageDetails.BATCH_TX))).ifPresent(m -> {
                        steps.move(m, MessageState.RELAYED, "relayed in batch " + hash);
                        steps.delivered(m);
                    });
        }
        for (MessageRecord m : store.messages(new dev.crossbar.store.MessageQuery(Set.of(MessageState.RELAYING),
                Set.of(MessageKind.CROSS_ROLLUP), null, null, destination, null, 1000))) {
            if (!hash.equalsIgnoreCase(m.details().get(MessageDetails.BATCH_TX))) {
                continue;
            }
            if (relayed.contains(m.id().toLowerCase())) {
                steps.move(m, MessageState.RELAYED, "relayed in batch " + hash);
                steps.delivered(m);
            } else {
                store.transitionIf(m.id(), MessageState.RELAYING, MessageState.READY, "not relayed by batch " + hash);
                steps.retry(store.message(m.id()).orElse(m), "batch " + hash + " did not relay it");
            }
        }
    }
}
