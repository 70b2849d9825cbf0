package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.RoutingKey;
import dev.crossbar.store.BreakerState;
import dev.crossbar.store.FencedOff;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.txmanager.TxManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Delivers the messages of one routing key (a destination chain and a signer slot) with that key's signer: it
 * settles the signer's mined transactions, then takes the key's due messages and does the next step of each: one by
 * one, except the READY L2-to-L2 relays, which are checked and sent as a group ({@link CrossRollupRelays}). A failed step schedules the message's next attempt in the
 * store (capped exponential backoff with jitter), so it never holds up the messages behind it.
 *
 * <p>One thread runs a worker at a time; workers of different keys run in parallel.
 */
final class RelayWorker {
    private static final Logger log = LoggerFactory.getLogger(RelayWorker.class);
    private static final Set<MessageState> ACTIONABLE = EnumSet.of(MessageState.COMMITTED, MessageState.PROVEN,
            MessageState.IN_WINDOW, MessageState.READY, MessageState.RELAYING, MessageState.FAILED,
            MessageState.BLOCKED);

    private final long destination;
    private final int slot;
    private final String routingKey;
    private final TxManager signer;
    private final MessageStore store;
    private final Deliveries deliveries;
    private final GameDeliveries games;
    private final RelayerSettings settings;
    private final RelayerMetrics metrics;
    private final Chains chains;
    private final Steps steps;
    private final Rechecks rechecks;
    private final Settlements settlements;
    private final CrossRollupRelays relays;
    private final BreakerGuard breakers;
    private int ticks;

    RelayWorker(long destination, int slot, TxManager signer, MessageStore store, Chains chains,
            RelayerSettings settings, RelayerMetrics metrics) {
        this.destination = destination;
        this.slot = slot;
        this.routingKey = RoutingKey.of(destination, slot);
        this.signer = signer;
        this.store = store;
        this.chains = chains;
        this.deliveries = new Deliveries(chains);
        this.games = new GameDeliveries(chains, deliveries, new GameVerdicts(store));
        this.settings = settings;
        this.metrics = metrics;
        this.steps = new Steps(destination, routingKey, signer, store, chains, settings, metrics);
        this.rechecks = new Rechecks(destination, signer, store, deliveries, games, steps,
                settings.interop().expiry());
        this.settlements = new Settlements(destination, store, chains, steps);
        this.relays = new CrossRollupRelays(destination, signer, chains, deliveries, new Batches(destination, signer,
                store, chains, deliveries, settings, metrics, steps), steps, batching(), settings.interop());
        this.breakers = new BreakerGuard(store, chains);
        signer.checkingBeforeSends(rechecks::recheck);
    }

    String routingKey() {
        return routingKey;
    }

    TxManager signer() {
        return signer;
    }

    /** Takes the key over: reconciles the signer's nonce with the chain and the store. */
    void takeOver() {
        metrics.registerKey(chains.name(destination));
        metrics.registerSigner(chains.name(destination), signer.address());
        signer.registerMetrics(RelayerMetrics.PURPOSES);
        signer.reconcile(rechecks::recheck);
    }

    /** How many due messages one round takes at most. */
    static final int ROUND = 500;

    /**
     * One round: settle mined transactions, then act on every due message of this key (at most {@link #ROUND}).
     *
     * @return whether the next round should come at once: this one was full of messages it acted on, so that more
     *     may be due (a round of messages that all wait for their transactions is not), or the key was reconciled
     *     with the chain before its relays went out
     */
    boolean runOnce() {
        settlements.settleAll(signer.poll(rechecks::recheck));
        signer.reportGauges(ticks++ % 30 == 0);
        Set<Long> tripped = store.breakers().stream().filter(BreakerState::tripped).map(BreakerState::chainId)
                .collect(Collectors.toSet());
        java.util.function.Predicate<MessageRecord> inFlight = inFlight();
        List<MessageRecord> ready = new ArrayList<>();
        List<MessageRecord> due = store.due(destination, slot, settings.signerSlots(), ACTIONABLE, Instant.now(), ROUND);
        int waiting = 0;
        for (MessageRecord m : due) {
            if (inFlight.test(m)) {
                waiting++;
                continue;
            }
            try {
                if (breakers.guard(m, tripped)) {
                    continue;
                }
                if (m.kind() == MessageKind.CROSS_ROLLUP && m.state() == MessageState.READY) {
                    ready.add(m); // relayed together below
                    continue;
                }
                steps.apply(m, decide(m));
            } catch (FencedOff e) {
                throw e;
            } catch (TxManager.Reconciled e) {
                log.warn("round stopped, deciding again: {}", e.getMessage());
                return true; // nothing went out for it; the next round comes at once on the reconciled key
            } catch (TxManager.FeesTooHigh | TxManager.CannotPay e) {
                steps.waitForSigner(m, e);
            } catch (RuntimeException e) {
                log.warn("relay step failed messageId={} state={} error={}", m.id(), m.state(), e.toString());
                steps.apply(m, new Deliveries.Step.Retry(e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
        }
        boolean again = !ready.isEmpty() && relays.relay(ready, rechecks::recheck);
        return again || due.size() == ROUND && waiting < due.size();
    }

    private boolean batching() {
        return settings.batching().enabled() && settings.batching().multicall().containsKey(destination);
    }

    /**
     * Which messages have a transaction in flight: single ones by their transaction's record, batch members by the
     * batch transaction named in their details.
     */
    private java.util.function.Predicate<MessageRecord> inFlight() {
        Set<String> ids = new HashSet<>();
        Set<String> openHashes = new HashSet<>();
        for (TxRecord t : store.openTransactions(destination, signer.address())) {
            if (t.messageId() != null) {
                ids.add(t.messageId());
            }
            openHashes.add(t.txHash().toLowerCase());
        }
        return m -> {
            String batch = m.details().get(MessageDetails.BATCH_TX);
            return ids.contains(m.id()) || m.state() == MessageState.RELAYING && batch != null
                    && openHashes.contains(batch.toLowerCase());
        };
    }

    private Deliveries.Step decide(MessageRecord m) {
        boolean overGames = m.kind() == MessageKind.WITHDRAWAL
                && chains.settlementOf(m.sourceChainId()).disputeGames();
        return switch (m.kind()) {
            case WITHDRAWAL -> overGames ? switch (m.state()) {
                case COMMITTED -> games.prove(m, signer);
                case PROVEN, IN_WINDOW -> games.check(m, signer.address());
                case READY -> games.finalize(m, signer);
                case FAILED -> deliveries.replay(m, signer, m.attempts() + 1, settings.gasRaisePercent());
                case RELAYING -> recoverRelaying(m);
                default -> new Deliveries.Step.Wait(Duration.ofMinutes(1), "nothing to do in " + m.state());
            } : switch (m.state()) {
                case COMMITTED -> deliveries.proveWithdrawal(m, signer);
                case PROVEN, IN_WINDOW -> deliveries.checkWindow(m);
                case READY -> deliveries.finalizeWithdrawal(m, signer);
                case FAILED -> deliveries.replay(m, signer, m.attempts() + 1, settings.gasRaisePercent());
                case RELAYING -> recoverRelaying(m);
                default -> new Deliveries.Step.Wait(Duration.ofMinutes(1), "nothing to do in " + m.state());
            };
            case CROSS_ROLLUP -> switch (m.state()) {
                case RELAYING -> recoverRelaying(m);
                case FAILED -> new Deliveries.Step.Moved(MessageState.READY, "relaying again");
                default -> new Deliveries.Step.Wait(Duration.ofMinutes(1), "nothing to do in " + m.state());
            };
            case DEPOSIT -> m.state() == MessageState.FAILED
                    ? deliveries.replay(m, signer, m.attempts() + 1, settings.gasRaisePercent())
                    : new Deliveries.Step.Wait(Duration.ofMinutes(5), "deposits are executed by the rollup");
        };
    }

    /** RELAYING with no transaction in flight (a crash, a dropped transaction): done on chain, or do it again. */
    private Deliveries.Step recoverRelaying(MessageRecord m) {
        boolean done = m.kind() == MessageKind.WITHDRAWAL
                ? ProtocolViews.finalizedWithdrawal(chains.client(destination),
                        chains.settlementOf(m.sourceChainId()).portal(), Numeric.hexStringToByteArray(m.id()))
                : ProtocolViews.successfulCrossRollup(chains.client(destination),
                        chains.l2Contracts(destination).l2ToL2Messenger(), Numeric.hexStringToByteArray(m.id()));
        return done ? new Deliveries.Step.Moved(MessageState.RELAYED, "delivered on chain (found after a restart)")
                : new Deliveries.Step.Moved(MessageState.READY, "no delivery in flight and none on chain");
    }
}
