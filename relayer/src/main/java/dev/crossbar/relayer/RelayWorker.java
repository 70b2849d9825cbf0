package dev.crossbar.relayer;

import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.core.model.MessageDetails;

import dev.crossbar.txmanager.TxManager;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;

import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2ToL2Messenger;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.RoutingKey;
import dev.crossbar.store.BreakerState;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.Transition;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Delivers the messages of one routing key (a destination chain and a signer slot) with that key's signer: it
 * settles the signer's mined transactions, then takes the key's due messages one by one (or several L2-to-L2
 * relays in one batch) and does the next step of each. A failed step schedules the message's next attempt in the
 * store (capped exponential backoff with jitter), so it never holds up the messages behind it.
 *
 * <p>One thread runs a worker at a time; workers of different keys run in parallel.
 */
final class RelayWorker {
    private static final Logger log = LoggerFactory.getLogger(RelayWorker.class);
    private static final Set<MessageState> ACTIONABLE = EnumSet.of(MessageState.COMMITTED, MessageState.PROVEN,
            MessageState.IN_WINDOW, MessageState.READY, MessageState.RELAYING, MessageState.FAILED,
            MessageState.BLOCKED);
    private static final String RELAYED_TOPIC = EventEncoder.encode(L1Messenger.RELAYEDMESSAGE_EVENT);
    private static final String FAILED_TOPIC = EventEncoder.encode(L1Messenger.FAILEDRELAYEDMESSAGE_EVENT);
    private static final String L2L2_RELAYED_TOPIC = EventEncoder.encode(L2ToL2Messenger.RELAYEDMESSAGE_EVENT);

    private final long destination;
    private final int slot;
    private final String routingKey;
    private final TxManager signer;
    private final MessageStore store;
    private final Deliveries deliveries;
    private final RelayerSettings settings;
    private final RelayerMetrics metrics;
    private final Network network;
    private int ticks;

    RelayWorker(long destination, int slot, TxManager signer, MessageStore store, Network network,
            RelayerSettings settings, RelayerMetrics metrics) {
        this.destination = destination;
        this.slot = slot;
        this.routingKey = RoutingKey.of(destination, slot);
        this.signer = signer;
        this.store = store;
        this.network = network;
        this.deliveries = new Deliveries(network);
        this.settings = settings;
        this.metrics = metrics;
    }

    String routingKey() {
        return routingKey;
    }

    TxManager signer() {
        return signer;
    }

    /** Takes the key over: reconciles the signer's nonce with the chain and the store. */
    void takeOver() {
        metrics.registerKey(network.name(destination));
        signer.registerMetrics(RelayerMetrics.PURPOSES);
        signer.reconcile(this::recheck);
    }

    /** One round: settle mined transactions, then act on every due message of this key. */
    void runOnce() {
        for (TxManager.Outcome o : signer.poll(this::recheck)) {
            settle(o);
        }
        signer.reportGauges(ticks++ % 30 == 0);
        Set<Long> tripped = store.breakers().stream().filter(BreakerState::tripped).map(BreakerState::chainId)
                .collect(Collectors.toSet());
        Set<String> inFlight = inFlight();
        List<MessageRecord> batchable = new ArrayList<>();
        for (MessageRecord m : store.due(ACTIONABLE, Instant.now(), 500)) {
            if (m.destinationChainId() != destination || RoutingKey.slot(m.id(), settings.signerSlots()) != slot
                    || inFlight.contains(m.id())) {
                continue;
            }
            try {
                if (guardBreakers(m, tripped)) {
                    continue;
                }
                if (batching() && m.kind() == MessageKind.CROSS_ROLLUP && m.state() == MessageState.READY) {
                    batchable.add(m);
                    continue;
                }
                apply(m, decide(m));
            } catch (TxManager.FeesTooHigh e) {
                apply(m, new Deliveries.Step.Wait(Duration.ofSeconds(15), e.getMessage()));
            } catch (RuntimeException e) {
                log.warn("relay step failed messageId={} state={} error={}", m.id(), m.state(), e.toString());
                apply(m, new Deliveries.Step.Retry(e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
        if (!batchable.isEmpty()) {
            relayInBatches(batchable);
        }
    }

    private boolean batching() {
        return settings.batching().enabled() && settings.batching().multicall().containsKey(destination);
    }

    /** Messages with a transaction in flight: single ones by their record, batch members by their details. */
    private Set<String> inFlight() {
        Set<String> ids = new HashSet<>();
        Set<String> openHashes = new HashSet<>();
        for (TxRecord t : store.openTransactions(destination, signer.address())) {
            if (t.messageId() != null) {
                ids.add(t.messageId());
            }
            openHashes.add(t.txHash().toLowerCase());
        }
        if (!openHashes.isEmpty()) {
            for (MessageRecord m : store.messages(new dev.crossbar.store.MessageQuery(Set.of(MessageState.RELAYING),
                    Set.of(MessageKind.CROSS_ROLLUP), null, null, destination, null, 1000))) {
                String batch = m.details().get(MessageDetails.BATCH_TX);
                if (batch != null && openHashes.contains(batch.toLowerCase())) {
                    ids.add(m.id());
                }
            }
        }
        return ids;
    }

    /** Blocks a message whose chain's breaker is tripped, and brings it back when the breaker is reset. */
    private boolean guardBreakers(MessageRecord m, Set<Long> tripped) {
        boolean blocked = tripped.contains(m.sourceChainId()) || tripped.contains(m.destinationChainId());
        if (blocked) {
            if (m.state() != MessageState.BLOCKED && m.state() != MessageState.RELAYING) {
                long chain = tripped.contains(m.sourceChainId()) ? m.sourceChainId() : m.destinationChainId();
                store.transitionIf(m.id(), m.state(), MessageState.BLOCKED, "circuit breaker of chain "
                        + network.name(chain) + " is tripped");
                log.warn("message blocked messageId={} chain={}", m.id(), network.name(chain));
            }
            return true;
        }
        if (m.state() == MessageState.BLOCKED) {
            List<Transition> history = store.history(m.id());
            MessageState before = history.stream().filter(t -> t.to() == MessageState.BLOCKED)
                    .reduce((a, b) -> b).map(Transition::from).orElse(MessageState.READY);
            store.transitionIf(m.id(), MessageState.BLOCKED, before, "circuit breaker reset");
            log.info("message unblocked messageId={} state={}", m.id(), before);
            return true;
        }
        return false;
    }

    private Deliveries.Step decide(MessageRecord m) {
        return switch (m.kind()) {
            case WITHDRAWAL -> switch (m.state()) {
                case COMMITTED -> deliveries.proveWithdrawal(m, signer);
                case PROVEN, IN_WINDOW -> deliveries.checkWindow(m);
                case READY -> deliveries.finalizeWithdrawal(m, signer);
                case FAILED -> deliveries.replay(m, signer, m.attempts() + 1, settings.gasRaisePercent());
                case RELAYING -> recoverRelaying(m);
                default -> new Deliveries.Step.Wait(Duration.ofMinutes(1), "nothing to do in " + m.state());
            };
            case CROSS_ROLLUP -> switch (m.state()) {
                case READY -> deliveries.relayCrossRollup(m, signer);
                case RELAYING -> recoverRelaying(m);
                case FAILED -> new Deliveries.Step.Moved(MessageState.READY, "relaying again");
                default -> new Deliveries.Step.Wait(Duration.ofMinutes(1), "nothing to do in " + m.state());
            };
            case DEPOSIT -> m.state() == MessageState.FAILED
                    ? deliveries.replay(m, signer, m.attempts() + 1, settings.gasRaisePercent())
                    : new Deliveries.Step.Wait(Duration.ofMinutes(5), "deposits are executed by the rollup");
        };
    }

    // ---- every send is a first send -----------------------------------------------------------------------

    /**
     * Whether a recorded transaction may go out again (re-broadcast, replacement, re-send after a reorg), checked as
     * a first send is: its message must still need it (never for an ORPHANED or delivered message), the destination
     * must not have the effect already, a cross-rollup message's source block must still be on its chain, and a
     * simulation must go through. A message the store holds as delivered by a transaction the chain lost is brought
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
        if (deliveries.effectOnChain(m, tx.purpose())) {
            if (tx.purpose().equals(TxPurpose.PROVE)) {
                move(m, MessageState.PROVEN, "proven on chain (found before sending again)");
            } else {
                move(m, MessageState.RELAYED, "delivered on chain (found before sending again)");
            }
            return "its effect is on chain already";
        }
        String gone = deliveries.sourceGone(m);
        if (gone != null) {
            return gone;
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
            move(m, MessageState.RELAYED, "delivered on chain (found before sending its batch again)");
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

    /** RELAYING with no transaction in flight (a crash, a dropped transaction): done on chain, or do it again. */
    private Deliveries.Step recoverRelaying(MessageRecord m) {
        boolean done = m.kind() == MessageKind.WITHDRAWAL
                ? ProtocolViews.finalizedWithdrawal(network.client(destination),
                        network.settlementOf(m.sourceChainId()).portal(), Numeric.hexStringToByteArray(m.id()))
                : ProtocolViews.successfulCrossRollup(network.client(destination),
                        network.l2Contracts(destination).l2ToL2Messenger(), Numeric.hexStringToByteArray(m.id()));
        return done ? new Deliveries.Step.Moved(MessageState.RELAYED, "delivered on chain (found after a restart)")
                : new Deliveries.Step.Moved(MessageState.READY, "no delivery in flight and none on chain");
    }

    private void apply(MessageRecord m, Deliveries.Step step) {
        switch (step) {
            case Deliveries.Step.Sent s -> {
                if (!s.details().isEmpty()) {
                    store.putDetails(m.id(), s.details());
                }
                TxRecord tx = signer.submit(s.intent());
                if (s.movedTo() != null) {
                    store.transitionIf(m.id(), m.state(), s.movedTo(), s.intent().purpose() + " sent in " + tx.txHash());
                }
                if (s.note() != null) {
                    store.note(m.id(), s.note() + " (" + s.intent().purpose() + " sent in " + tx.txHash() + ")");
                }
                log.info("relay step messageId={} kind={} action={} tx={} nonce={}", m.id(), m.kind(),
                        s.intent().purpose(), tx.txHash(), tx.nonce());
            }
            case Deliveries.Step.Moved mv -> move(m, mv.to(), mv.cause());
            case Deliveries.Step.Wait w -> store.recordAttempt(m.id(), m.attempts(), Instant.now().plus(w.after()),
                    w.reason());
            case Deliveries.Step.Retry r -> retry(m, r.reason());
            case Deliveries.Step.Dead d -> deadLetter(m, d.reason());
        }
    }

    /** Moves a message along what the chain says, through intermediate states where the lifecycle needs them. */
    private void move(MessageRecord m, MessageState to, String cause) {
        MessageState from = m.state();
        if (from == to) {
            return;
        }
        if (to == MessageState.PROVEN) {
            if (!from.canMoveTo(m.kind(), MessageState.PROVEN)) {
                return; // already past it (the watcher saw the proof first)
            }
            store.transitionIf(m.id(), from, MessageState.PROVEN, cause);
            store.transitionIf(m.id(), MessageState.PROVEN, MessageState.IN_WINDOW, "waiting out the challenge window");
        } else if (from.canMoveTo(m.kind(), to)) {
            store.transitionIf(m.id(), from, to, cause);
        } else {
            log.warn("cannot move messageId={} from={} to={} cause={}", m.id(), from, to, cause);
            return;
        }
        log.info("relay step messageId={} kind={} from={} to={} cause=\"{}\"", m.id(), m.kind(), from, to, cause);
        if (to == MessageState.RELAYED) {
            metrics.outcome(m.kind().name(), "relayed");
        }
    }

    private void retry(MessageRecord m, String reason) {
        int attempts = m.attempts() + 1;
        int max = m.state() == MessageState.FAILED ? settings.replayMaxAttempts() : settings.maxAttempts();
        if (attempts >= max) {
            deadLetter(m, "gave up after " + attempts + " attempts; last: " + reason);
            return;
        }
        Duration delay = settings.retry().delay(attempts);
        store.recordAttempt(m.id(), attempts, Instant.now().plus(delay), reason);
        log.info("relay retry scheduled messageId={} attempt={} inMs={} reason=\"{}\"", m.id(), attempts,
                delay.toMillis(), reason);
    }

    private void deadLetter(MessageRecord m, String reason) {
        MessageRecord current = store.message(m.id()).orElse(m);
        if (current.state().canMoveTo(current.kind(), MessageState.DEAD_LETTERED)) {
            store.transitionIf(m.id(), current.state(), MessageState.DEAD_LETTERED, reason);
        }
        store.recordAttempt(m.id(), current.attempts() + 1, null, reason);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("schema", "crossbar.deadletter/v1");
        record.put("id", m.id());
        record.put("kind", m.kind());
        record.put("sourceChainId", m.sourceChainId());
        record.put("destinationChainId", m.destinationChainId());
        record.put("reason", reason);
        record.put("attempts", current.attempts() + 1);
        record.put("at", Instant.now());
        store.outboxAdd("deadletter", routingKey, Json.write(record));
        metrics.outcome(m.kind().name(), "dead_lettered");
        log.warn("message dead-lettered messageId={} kind={} reason=\"{}\"", m.id(), m.kind(), reason);
    }

    // ---- settling mined transactions ------------------------------------------------------------------------

    private void settle(TxManager.Outcome o) {
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
            retry(store.message(m.id()).orElse(m), tx.purpose() + " transaction did not go through");
            return;
        }
        if (!o.succeeded()) {
            if (m.state() == MessageState.RELAYING) {
                store.transitionIf(m.id(), MessageState.RELAYING, MessageState.READY, tx.purpose()
                        + " reverted in " + tx.txHash());
            }
            retry(store.message(m.id()).orElse(m), tx.purpose() + " transaction " + tx.txHash() + " reverted");
            return;
        }
        String cause = tx.purpose() + " confirmed in " + tx.txHash();
        switch (tx.purpose()) {
            case TxPurpose.PROVE -> {
                long at = network.client(destination).header(EthApi.hex(r.getBlockNumber().longValueExact()))
                        .timestamp();
                Map<String, String> d = new LinkedHashMap<>();
                d.put(MessageDetails.PROVEN_AT, Long.toString(at));
                String index = m.details().get(MessageDetails.PROVING_OUTPUT_INDEX);
                if (index != null) {
                    d.put(MessageDetails.PROVEN_OUTPUT_INDEX, index);
                    cause += " against output " + index;
                }
                store.putDetails(m.id(), d);
                move(m, MessageState.PROVEN, cause);
            }
            case TxPurpose.FINALIZE, TxPurpose.REPLAY -> {
                boolean failed = hasTopic(r, FAILED_TOPIC) && !hasTopic(r, RELAYED_TOPIC);
                if (failed) {
                    move(m, MessageState.FAILED, cause + ", but the message's call failed on the destination");
                    retry(store.message(m.id()).orElse(m), "its call failed on the destination");
                } else {
                    move(m, MessageState.RELAYED, cause);
                    delivered(m);
                }
            }
            case TxPurpose.RELAY -> {
                move(m, MessageState.RELAYED, cause);
                delivered(m);
            }
            default -> log.debug("outcome of {} needs nothing", tx.purpose());
        }
    }

    private void delivered(MessageRecord m) {
        metrics.delivered(m.kind().name(), network.name(destination),
                Duration.ofMillis(System.currentTimeMillis() - m.source().blockTimestamp() * 1000));
    }

    private static boolean hasTopic(TransactionReceipt r, String topic0) {
        for (Log l : r.getLogs()) {
            if (!l.getTopics().isEmpty() && l.getTopics().getFirst().equalsIgnoreCase(topic0)) {
                return true;
            }
        }
        return false;
    }

    // ---- batching ---------------------------------------------------------------------------------------------

    private void relayInBatches(List<MessageRecord> ready) {
        EthApi dest = network.client(destination);
        String messenger = network.l2Contracts(destination).l2ToL2Messenger();
        String multicall = settings.batching().multicall().get(destination);
        List<MessageRecord> pending = new ArrayList<>();
        for (MessageRecord m : ready) {
            if (ProtocolViews.successfulCrossRollup(dest, messenger, Numeric.hexStringToByteArray(m.id()))) {
                move(m, MessageState.RELAYED, "already relayed on chain");
                continue;
            }
            String gone = deliveries.sourceGone(m);
            if (gone != null) {
                apply(m, new Deliveries.Step.Wait(Duration.ofSeconds(5), gone));
            } else {
                pending.add(m);
            }
        }
        for (int i = 0; i < pending.size(); i += settings.batching().maxMessages()) {
            List<MessageRecord> chunk = pending.subList(i, Math.min(pending.size(), i + settings.batching().maxMessages()));
            try {
                sendBatch(dest, messenger, multicall, new ArrayList<>(chunk));
            } catch (TxManager.FeesTooHigh e) {
                chunk.forEach(m -> apply(m, new Deliveries.Step.Wait(Duration.ofSeconds(15), e.getMessage())));
            } catch (RuntimeException e) {
                log.warn("batch relay failed size={} error={}", chunk.size(), e.toString());
                chunk.forEach(m -> apply(m, new Deliveries.Step.Retry("batch: " + e.getMessage())));
            }
        }
    }

    private void sendBatch(EthApi dest, String messenger, String multicall, List<MessageRecord> members) {
        if (members.size() == 1) {
            apply(members.getFirst(), deliveries.relayCrossRollup(members.getFirst(), signer));
            return;
        }
        List<Multicall3.Call3> calls = new ArrayList<>();
        for (MessageRecord m : members) {
            calls.add(new Multicall3.Call3(messenger, true, Numeric.hexStringToByteArray(deliveries.relayCall(m,
                    messenger))));
        }
        String data = ProtocolViews.multicall(multicall).aggregate3(calls, BigInteger.ZERO).encodeFunctionCall();
        List<Boolean> ok = ProtocolViews.aggregate3Results(dest.call(signer.address(), multicall, data, null));
        List<MessageRecord> good = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (ok.get(i)) {
                good.add(members.get(i));
            } else {
                // Relay it alone: its own simulation classifies why it fails.
                apply(members.get(i), deliveries.relayCrossRollup(members.get(i), signer));
            }
        }
        if (good.size() < 2) {
            good.forEach(m -> apply(m, deliveries.relayCrossRollup(m, signer)));
            return;
        }
        if (good.size() != members.size()) {
            sendBatch(dest, messenger, multicall, good);
            return;
        }
        BigInteger gas = dest.estimateGas(signer.address(), multicall, data, BigInteger.ZERO)
                .multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
        if (gas.compareTo(BigInteger.valueOf(settings.batching().gasCap())) > 0) {
            int half = members.size() / 2;
            sendBatch(dest, messenger, multicall, new ArrayList<>(members.subList(0, half)));
            sendBatch(dest, messenger, multicall, new ArrayList<>(members.subList(half, members.size())));
            return;
        }
        TxRecord tx = signer.submit(new TxManager.Intent(TxPurpose.RELAY_BATCH, members.getFirst().id(), multicall, data,
                BigInteger.ZERO, gas));
        for (MessageRecord m : members) {
            store.putDetails(m.id(), Map.of(MessageDetails.BATCH_TX, tx.txHash()));
            store.transitionIf(m.id(), MessageState.READY, MessageState.RELAYING, "RELAY_BATCH sent in " + tx.txHash()
                    + " with " + members.size() + " relays");
        }
        metrics.batch(members.size());
        log.info("relay batch sent size={} tx={} nonce={}", members.size(), tx.txHash(), tx.nonce());
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
        for (MessageRecord m : store.messages(new dev.crossbar.store.MessageQuery(Set.of(MessageState.RELAYING),
                Set.of(MessageKind.CROSS_ROLLUP), null, null, destination, null, 1000))) {
            if (!hash.equalsIgnoreCase(m.details().get(MessageDetails.BATCH_TX))) {
                continue;
            }
            if (relayed.contains(m.id().toLowerCase())) {
                move(m, MessageState.RELAYED, "relayed in batch " + hash);
                delivered(m);
            } else {
                store.transitionIf(m.id(), MessageState.RELAYING, MessageState.READY, "not relayed by batch " + hash);
                retry(store.message(m.id()).orElse(m), "batch " + hash + " did not relay it");
            }
        }
    }
}
