package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.txmanager.TxManager;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what was decided for a message of one routing key: a transaction sent (through the key's transaction
 * manager) with the move it implies, a move along what the chain says, a wait, a retry under the backoff, or a dead
 * letter with its reason.
 */
final class Steps {
    private static final Logger log = LoggerFactory.getLogger(Steps.class);
    /** How long a message waits for its signer (fees, funds) at most; less when the retry backoff's cap is lower. */
    private static final Duration SIGNER_WAIT = Duration.ofSeconds(15);

    private final long destination;
    private final String routingKey;
    private final TxManager signer;
    private final MessageStore store;
    private final RelayerSettings settings;
    private final RelayerMetrics metrics;
    private final Chains chains;

    Steps(long destination, String routingKey, TxManager signer, MessageStore store, Chains chains,
            RelayerSettings settings, RelayerMetrics metrics) {
        this.destination = destination;
        this.routingKey = routingKey;
        this.signer = signer;
        this.store = store;
        this.chains = chains;
        this.settings = settings;
        this.metrics = metrics;
    }

    /**
     * An L2-to-L2 message found near its interop expiry ({@link RelayerSettings.Interop#expiryWarning}): noted on the
     * message, counted ({@code crossbar_relayer_messages_near_expiry_total}) and logged, once.
     */
    void nearExpiry(MessageRecord m, long now, long expiresAt) {
        store.putDetails(m.id(), Map.of(dev.crossbar.core.model.MessageDetails.NEAR_EXPIRY_AT, Long.toString(now)));
        metrics.nearExpiry(chains.name(destination));
        log.warn("message near its interop expiry messageId={} source={} expiresInS={}", m.id(),
                chains.name(m.sourceChainId()), expiresAt - now);
    }

    void apply(MessageRecord m, Deliveries.Step step) {
        switch (step) {
            case Deliveries.Step.Sent s -> {
                if (!s.details().isEmpty()) {
                    store.putDetails(m.id(), s.details());
                }
                // The move comes first: on an automining chain the transaction can be mined, and its event recorded
                // by the destination's watcher, before this thread is back from sending it.
                boolean moved = s.movedTo() != null && store.transitionIf(m.id(), m.state(), s.movedTo(),
                        s.intent().purpose() + " being sent").isPresent();
                TxRecord tx;
                try {
                    tx = signer.submit(s.intent());
                } catch (RuntimeException e) {
                    if (moved) {
                        store.transitionIf(m.id(), s.movedTo(), m.state(), s.intent().purpose() + " not sent: "
                                + e.getMessage());
                    }
                    throw e;
                }
                signerSent();
                if (s.note() != null) {
                    store.note(m.id(), s.note() + " (" + s.intent().purpose() + " sent in " + tx.txHash() + ")");
                }
                log.info("relay step messageId={} kind={} action={} tx={} nonce={}", m.id(), m.kind(),
                        s.intent().purpose(), tx.txHash(), tx.nonce());
            }
            case Deliveries.Step.Moved mv -> {
                if (!mv.details().isEmpty()) {
                    store.putDetails(m.id(), mv.details());
                }
                move(m, mv.to(), mv.cause());
            }
            case Deliveries.Step.Wait w -> store.recordAttempt(m.id(), m.attempts(), Instant.now().plus(w.after()),
                    w.reason());
            case Deliveries.Step.Retry r -> retry(m, r.reason());
            case Deliveries.Step.TargetReverts t -> retry(m, t.reason(), settings.replayMaxAttempts());
            case Deliveries.Step.Dead d -> deadLetter(m, d.reason());
        }
    }

    /**
     * Sends one transaction for each of {@code messages} ({@code intents}, in the same order) through the key's
     * transaction manager as a group: signed and priced once ({@link TxManager#prepare}), then the messages move to
     * {@code movedTo} in the same store transaction that records their transactions (a message is never seen moved
     * without its transaction, even after a crash), then broadcast. A message whose transaction could not be sent
     * after all moves back and waits (its signer cannot send) or is retried under the backoff.
     *
     * @param recheck what the key's owner says of a recorded transaction found lost while the key is reconciled
     * @throws TxManager.FeesTooHigh when the fee cap cannot pay the base fee (nothing moved, nothing recorded)
     * @throws TxManager.CannotPay when the key cannot pay for them (nothing moved, nothing recorded)
     */
    void sendAll(List<MessageRecord> messages, List<TxManager.Intent> intents, MessageState movedTo,
            TxManager.Recheck recheck) {
        TxManager.Group group = signer.prepare(intents, recheck);
        Set<String> moved = store.inTransaction("recording " + messages.size() + " transactions and moving their"
                + " messages to " + movedTo, () -> {
                    Set<String> ids = new HashSet<>();
                    for (int i = 0; i < messages.size(); i++) {
                        MessageRecord m = messages.get(i);
                        if (store.transitionIf(m.id(), m.state(), movedTo, intents.get(i).purpose() + " being sent")
                                .isPresent()) {
                            ids.add(m.id());
                        }
                    }
                    group.record();
                    return ids;
                });
        List<TxManager.Submitted> results = group.broadcast();
        signerSent();
        for (int i = 0; i < results.size(); i++) {
            MessageRecord m = messages.get(i);
            TxManager.Submitted r = results.get(i);
            if (r.sent()) {
                log.info("relay step messageId={} kind={} action={} tx={} nonce={}", m.id(), m.kind(),
                        r.intent().purpose(), r.tx().txHash(), r.tx().nonce());
                continue;
            }
            notSent(m, moved.contains(m.id()) ? movedTo : null, r.intent().purpose(), r.error());
        }
    }

    /**
     * A message whose transaction was recorded with it but could not be sent after all: it moves back from
     * {@code movedTo} (null: it was not moved), then waits for its signer (fees, funds) or is retried under the
     * backoff.
     */
    void notSent(MessageRecord m, MessageState movedTo, String purpose, RuntimeException why) {
        if (movedTo != null) {
            store.transitionIf(m.id(), movedTo, m.state(), purpose + " not sent: " + why.getMessage());
        }
        MessageRecord now = store.message(m.id()).orElse(m);
        if (why instanceof TxManager.FeesTooHigh || why instanceof TxManager.CannotPay) {
            waitForSigner(now, why);
        } else {
            retry(now, purpose + " not sent: " + why.getClass().getSimpleName() + ": " + why.getMessage());
        }
    }

    /**
     * The signer could not send for {@code m} now (the fees are above the cap, or it cannot pay): that is not the
     * message's fault, so it waits without an attempt counted towards its dead letter, and the key's gauge says why
     * until a send of the key goes out.
     */
    void waitForSigner(MessageRecord m, RuntimeException why) {
        RelayerMetrics.SignerBlock reason = why instanceof TxManager.CannotPay
                ? RelayerMetrics.SignerBlock.INSUFFICIENT_FUNDS : RelayerMetrics.SignerBlock.FEES_ABOVE_CAP;
        if (metrics.signerBlocked(chains.name(destination), signer.address(), reason, true)) {
            log.warn("signer cannot send, its messages wait chain={} signer={} reason={} detail=\"{}\"",
                    chains.name(destination), signer.address(), reason.tag(), why.getMessage());
        }
        Duration after = SIGNER_WAIT.compareTo(settings.retry().max()) < 0 ? SIGNER_WAIT : settings.retry().max();
        apply(m, new Deliveries.Step.Wait(after, why.getMessage()));
    }

    /** A send of the key went out: it is blocked by nothing. */
    void signerSent() {
        for (RelayerMetrics.SignerBlock reason : RelayerMetrics.SignerBlock.values()) {
            if (metrics.signerBlocked(chains.name(destination), signer.address(), reason, false)) {
                log.info("signer sends again chain={} signer={} was={}", chains.name(destination), signer.address(),
                        reason.tag());
            }
        }
    }

    /** Moves a message along what the chain says, through intermediate states where the lifecycle needs them. */
    void move(MessageRecord m, MessageState to, String cause) {
        MessageState from = m.state();
        if (from == to) {
            return;
        }
        if (to == MessageState.PROVEN) {
            if (!from.canMoveTo(m.kind(), MessageState.PROVEN)) {
                return; // already past it (the watcher saw the proof first)
            }
            store.transitionIf(m.id(), from, MessageState.PROVEN, cause);
            store.transitionIf(m.id(), MessageState.PROVEN, MessageState.IN_WINDOW,
                    chains.settlementOf(m.sourceChainId()).disputeGames()
                            ? "waiting for the proof to mature and its game to resolve"
                            : "waiting out the challenge window");
        } else if (from.canMoveTo(m.kind(), to)) {
            store.transitionIf(m.id(), from, to, cause);
        } else {
            log.warn("cannot move messageId={} from={} to={} cause={}", m.id(), from, to, cause);
            return;
        }
        log.info("relay step messageId={} kind={} from={} to={} cause=\"{}\"", m.id(), m.kind(), from, to, cause);
    }

    void retry(MessageRecord m, String reason) {
        retry(m, reason, m.state() == MessageState.FAILED ? settings.replayMaxAttempts() : settings.maxAttempts());
    }

    /** Another attempt after the backoff, unless this is the {@code max}th: then the message is dead-lettered. */
    private void retry(MessageRecord m, String reason, int max) {
        int attempts = m.attempts() + 1;
        if (attempts >= max) {
            deadLetter(m, "gave up after " + attempts + " attempts; last: " + reason);
            return;
        }
        Duration delay = settings.retry().delay(attempts);
        store.recordAttempt(m.id(), attempts, Instant.now().plus(delay), reason);
        log.info("relay retry scheduled messageId={} attempt={} inMs={} reason=\"{}\"", m.id(), attempts,
                delay.toMillis(), reason);
    }

    void deadLetter(MessageRecord m, String reason) {
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

    /**
     * One of this relayer's transactions delivered {@code m} (confirmed): counted as relayed, with its latency. Counted
     * here, not where the message moves to RELAYED: the watcher often sees the delivery's event first and moves it
     * there itself, and a delivery by someone else is not this relayer's.
     */
    void delivered(MessageRecord m) {
        metrics.outcome(m.kind().name(), "relayed");
        metrics.delivered(m.kind().name(), chains.name(destination),
                Duration.ofMillis(System.currentTimeMillis() - m.source().blockTimestamp() * 1000));
    }
}
