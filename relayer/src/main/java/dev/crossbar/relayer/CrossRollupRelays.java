package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.chain.RevertReasons;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.store.FencedOff;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.txmanager.TxManager;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * The READY L2-to-L2 messages of one routing key, relayed as a group rather than one by one: whether each was relayed
 * already and whether its source block is still in place are asked in one batch per chain, the relays are simulated in
 * one batch, and the transactions go out together at consecutive nonces without waiting for any to be mined
 * ({@link TxManager#prepare}); or, with batching, several relays per transaction ({@link Batches}). Every message
 * is checked as a single relay would be (docs/architecture.md, rule 3), only in fewer round trips.
 */
final class CrossRollupRelays {
    private static final Logger log = LoggerFactory.getLogger(CrossRollupRelays.class);

    private final long destination;
    private final TxManager signer;
    private final Chains chains;
    private final Deliveries deliveries;
    private final Batches batches;
    private final Steps steps;
    private final boolean batching;

    private final RelayerSettings.Interop rules;

    CrossRollupRelays(long destination, TxManager signer, Chains chains, Deliveries deliveries, Batches batches,
            Steps steps, boolean batching, RelayerSettings.Interop rules) {
        this.rules = rules;
        this.destination = destination;
        this.signer = signer;
        this.chains = chains;
        this.deliveries = deliveries;
        this.batches = batches;
        this.steps = steps;
        this.batching = batching;
    }

    /**
     * Relays {@code ready} (READY cross-rollup messages of this key, none with a transaction in flight).
     *
     * @return whether the key was reconciled with the chain before anything went out (a reorg took away transactions
     *     counted as mined): nothing was sent, and the next round should come at once to decide again
     */
    boolean relay(List<MessageRecord> ready, TxManager.Recheck recheck) {
        List<MessageRecord> pending;
        try {
            pending = stillToRelay(ready);
        } catch (RuntimeException e) {
            failed(ready, "checking " + ready.size() + " relays", e);
            return false;
        }
        if (pending.isEmpty()) {
            return false;
        }
        try {
            List<MessageRecord> alone = batching ? batches.relayInBatches(pending, recheck) : pending;
            if (!alone.isEmpty()) {
                try {
                    relayEach(alone, recheck);
                } catch (TxManager.FeesTooHigh | TxManager.CannotPay e) {
                    alone.forEach(m -> steps.waitForSigner(m, e));
                } catch (TxManager.Reconciled e) {
                    throw e;
                } catch (RuntimeException e) {
                    failed(alone, "relaying " + alone.size() + " messages", e);
                }
            }
            return false;
        } catch (TxManager.Reconciled e) {
            log.warn("relays not sent, deciding again: {}", e.getMessage());
            return true;
        }
    }

    /**
     * The messages that still need a relay and may have it now: one the destination says was relayed moves to RELAYED,
     * one whose source block is gone waits for its watcher (in one batched read of the destination and one of each
     * source chain); then the interop rules ({@link #dueUnderTheInteropRules}).
     */
    List<MessageRecord> stillToRelay(List<MessageRecord> ready) {
        EthApi dest = chains.client(destination);
        String messenger = chains.l2Contracts(destination).l2ToL2Messenger();
        List<Boolean> done = ProtocolViews.successfulCrossRollups(dest, messenger,
                ready.stream().map(m -> Numeric.hexStringToByteArray(m.id())).toList());
        List<MessageRecord> notDone = new ArrayList<>();
        for (int i = 0; i < ready.size(); i++) {
            if (done.get(i)) {
                steps.move(ready.get(i), MessageState.RELAYED, "already relayed on chain");
            } else {
                notDone.add(ready.get(i));
            }
        }
        Map<String, String> gone = deliveries.sourcesGone(notDone);
        List<MessageRecord> present = new ArrayList<>();
        for (MessageRecord m : notDone) {
            String why = gone.get(m.id());
            if (why != null) {
                steps.apply(m, new Deliveries.Step.Wait(Duration.ofSeconds(5), why
                        + "; waiting for its watcher to orphan it or see it again"));
            } else {
                present.add(m);
            }
        }
        return dueUnderTheInteropRules(present);
    }

    /**
     * The messages the interop rules let go now, the nearest to expiry first: an expired one (its source block older
     * than the expiry window at the destination's latest block) is dead-lettered with the way out, and one whose
     * source block has not reached its route's safety level waits for it.
     */
    List<MessageRecord> dueUnderTheInteropRules(List<MessageRecord> messages) {
        if (messages.isEmpty()) {
            return messages;
        }
        long now = chains.client(destination).latest().timestamp();
        Map<String, Long> heights = new java.util.HashMap<>();
        List<MessageRecord> due = new ArrayList<>();
        for (MessageRecord m : messages) {
            if (m.source() == null) {
                due.add(m); // no identifier to judge by; its relay cannot be built either, and says so
                continue;
            }
            String expired = Deliveries.pastExpiry(m, rules.expiry(), now);
            if (expired != null) {
                steps.apply(m, new Deliveries.Step.Dead("expired: " + expired + wayOut(m)));
                continue;
            }
            long expiresAt = m.source().blockTimestamp() + rules.expiry().toSeconds();
            if (now >= expiresAt - rules.expiryWarning().toSeconds()
                    && !m.details().containsKey(MessageDetails.NEAR_EXPIRY_AT)) {
                steps.nearExpiry(m, now, expiresAt);
            }
            Confirmations depth = rules.depthOf(m.sourceChainId(), destination);
            long height = heights.computeIfAbsent(m.sourceChainId() + "/" + depth,
                    k -> chains.client(m.sourceChainId()).heightAt(depth));
            if (m.source().blockNumber() > height) {
                steps.apply(m, new Deliveries.Step.Wait(Duration.ofSeconds(2), "source block "
                        + m.source().blockNumber() + " on " + chains.name(m.sourceChainId()) + " is not "
                        + rules.levelOf(m.sourceChainId(), destination) + " yet (" + depth + ": block " + height
                        + "); relayed once it is"));
                continue;
            }
            due.add(m);
        }
        due.sort(java.util.Comparator.comparingLong(m -> m.source() == null ? Long.MAX_VALUE
                : m.source().blockTimestamp()));
        return due;
    }

    /** The end of an expired message's dead-letter reason: the way to relay it after all. */
    private String wayOut(MessageRecord m) {
        return "; the chain would refuse its relay. To relay it, emit it again on " + chains.name(m.sourceChainId())
                + " with L2ToL2CrossDomainMessenger.resendMessage(" + m.destinationChainId() + ", " + m.nonce() + ", "
                + m.sender() + ", " + m.target() + ", <message>) (crossbar messages resend " + m.id() + ")";
    }

    /**
     * One relay transaction per message, each declaring its message in its access list: simulated (estimated) in one
     * batch, sent as a group.
     */
    private void relayEach(List<MessageRecord> messages, TxManager.Recheck recheck) {
        EthApi dest = chains.client(destination);
        List<EthApi.TxCall> relays = messages.stream().map(deliveries::relayTx).toList();
        List<EthApi.Each<BigInteger>> estimates = dest.estimateGasEach(signer.address(), relays);
        List<MessageRecord> go = new ArrayList<>();
        List<TxManager.Intent> intents = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            MessageRecord m = messages.get(i);
            EthApi.Each<BigInteger> e = estimates.get(i);
            if (e.failed()) {
                steps.apply(m, e.error() instanceof EthApi.Reverted r
                        ? Deliveries.classify(TxPurpose.RELAY, RevertReasons.of(r))
                        : new Deliveries.Step.Retry("estimating the relay failed: " + e.error().getMessage()));
                continue;
            }
            go.add(m);
            EthApi.TxCall relay = relays.get(i);
            intents.add(new TxManager.Intent(TxPurpose.RELAY, m.id(), relay.to(), relay.data(), BigInteger.ZERO,
                    Deliveries.gasFor(e.value(), null), relay.accessList()));
        }
        if (!go.isEmpty()) {
            steps.sendAll(go, intents, MessageState.RELAYING, recheck);
        }
    }

    private void failed(List<MessageRecord> messages, String what, RuntimeException e) {
        if (e instanceof FencedOff) {
            throw e;
        }
        log.warn("relay group step failed what=\"{}\" error={}", what, e.toString());
        messages.forEach(m -> steps.apply(m, new Deliveries.Step.Retry(e.getClass().getSimpleName() + ": "
                + e.getMessage())));
    }
}
