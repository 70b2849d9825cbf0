package dev.crossbar.txmanager;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.core.rpc.RpcException;
import dev.crossbar.store.FencedOff;
import dev.crossbar.store.KeyLease;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The transaction manager of one signing key on one chain: it alone picks that key's nonces.
 *
 * <p>Every transaction is recorded in the store (with its signed bytes) before it is broadcast, so that after a
 * crash it is re-broadcast as is rather than sent again. The chain's nonce is the truth: when the key is taken
 * over, and whenever the chain's mined nonce falls below a transaction the store holds as mined (a reorg deeper
 * than the confirmations, a node that came back shorter), every recorded transaction at or above the chain's
 * nonce is explained against the chain ({@link #reconcile(Recheck)}): one the node still has is kept, one it lost
 * is re-examined and either sent again at its own nonce or replaced by a cancel, and any nonce left free below
 * one in use is filled, so that no gap can stall the key. A send refused with "nonce too low" is re-sent with a
 * fresh nonce, never dropped. A transaction not mined within {@link FeePolicy#stuckAfter()} is replaced at a
 * higher price, at most {@link FeePolicy#maxBumps()} times, and then cancelled (a zero-value transfer to itself
 * with the same nonce) so that the key's queue moves again. A mined transaction counts once it has
 * {@code confirmations} blocks.
 *
 * <p>Every send is a first send: before a recorded transaction goes out again (re-broadcast after a crash, a
 * replacement at a higher price, a re-send after a reorg) its owner's {@link Recheck} says whether it is still
 * wanted (its message still needs it, the effect is not on chain, a simulation goes through); if not, its nonce
 * is filled with a cancel instead.
 *
 * <p>Fenced: a manager built {@link #fenced(KeyLease, Duration) under a key lease} records a transaction only in
 * the same store transaction as the check that its lease is still the key's current one, and checks the lease again
 * right before every broadcast; when it is not, {@link FencedOff} is thrown and nothing is recorded or sent. An
 * instance that lost its key (frozen past its session, cut off) therefore stops sending before another may take it.
 *
 * <p>Not thread-safe: one worker thread owns a signer.
 */
public final class TxManager {
    private static final Logger log = LoggerFactory.getLogger(TxManager.class);
    private static final BigInteger CANCEL_GAS = BigInteger.valueOf(21_000);

    private final EthApi chain;
    private final Credentials key;
    private final FeePolicy fees;
    private final MessageStore store;
    private final int confirmations;
    private final TxMetrics metrics;
    /**
     * How often a key with nothing in flight checks the chain's nonce for transactions a reorg took away (a key with
     * transactions in flight reads the nonce every round anyway).
     */
    private static final Duration IDLE_NONCE_CHECK = Duration.ofSeconds(2);

    private BigInteger nextNonce;
    private Instant lastNonceCheck = Instant.EPOCH;
    /** The key lease every record and broadcast is checked against; null: a sender without leases. */
    private KeyLease lease;
    /** How much of the lease must be left for a record or a broadcast to go ahead. */
    private Duration leaseMargin = Duration.ZERO;
    /** The owner's recheck for the check before a single send ({@link #checkingBeforeSends}); null: none. */
    private Recheck sendCheck;

    public TxManager(EthApi chain, Credentials key, FeePolicy fees, MessageStore store, int confirmations,
            TxMetrics metrics) {
        this.chain = chain;
        this.key = key;
        this.fees = fees;
        this.store = store;
        this.confirmations = confirmations;
        this.metrics = metrics;
    }

    /**
     * Checks before every single {@link #submit} (as {@link #prepare} always does) that no reorg took away transactions
     * counted as mined; after one the key is reconciled with {@code recheck} and {@link Reconciled} thrown.
     */
    public TxManager checkingBeforeSends(Recheck recheck) {
        this.sendCheck = java.util.Objects.requireNonNull(recheck, "recheck");
        return this;
    }

    /**
     * Sends only under {@code lease} from now on: every record and every broadcast first checks, in the store, that
     * it is still the key's current lease with more than {@code margin} left ({@link FencedOff} otherwise).
     */
    public TxManager fenced(KeyLease lease, Duration margin) {
        this.lease = java.util.Objects.requireNonNull(lease, "lease");
        this.leaseMargin = java.util.Objects.requireNonNull(margin, "margin");
        return this;
    }

    /**
     * What to send: the transaction's purpose and the message it acts for, and its EIP-2930 access list (empty for
     * none; a relay of an interop message declares the message there), which stays with the transaction through
     * every replacement.
     */
    public record Intent(String purpose, String messageId, String to, String data, BigInteger value, BigInteger gasLimit,
            List<AccessListObject> accessList) {
        public Intent {
            accessList = accessList == null ? List.of() : List.copyOf(accessList);
        }

        /** An intent without an access list. */
        public Intent(String purpose, String messageId, String to, String data, BigInteger value,
                BigInteger gasLimit) {
            this(purpose, messageId, to, data, value, gasLimit, List.of());
        }

        EthApi.TxCall call() {
            return new EthApi.TxCall(to, data, value, accessList);
        }
    }

    /** A transaction of this key that was mined with enough confirmations. */
    public record Outcome(TxRecord tx, TransactionReceipt receipt) {
        public boolean succeeded() {
            return receipt.isStatusOK();
        }
    }

    /** What the owner of a key says of a recorded transaction before it goes out again. */
    public enum Verdict {
        /** Still wanted, and a simulation says it goes through: send it (again, or replaced at a higher price). */
        SEND,
        /** Not wanted any more (its message was orphaned or delivered, or it would revert): fill its nonce. */
        CANCEL
    }

    /**
     * The check a transaction passes before it is sent again, as a first send passes it: the message's state, the
     * destination's answer to "did the effect already happen", a simulation.
     */
    @FunctionalInterface
    public interface Recheck {
        /** For transactions that act for no message (tests, operator actions): always wanted. */
        Recheck ALWAYS = tx -> TxPurpose.CANCEL.equals(tx.purpose()) ? Verdict.CANCEL : Verdict.SEND;

        Verdict recheck(TxRecord tx);
    }

    /**
     * A reorg took away transactions of the key counted as mined, found right before a group was signed: the key was
     * reconciled with the chain and nothing was sent; what to send must be decided again.
     */
    public static final class Reconciled extends RuntimeException {
        Reconciled(String message) {
            super(message);
        }
    }

    /** The fee cap cannot pay for a transaction now: wait and try again. */
    public static final class FeesTooHigh extends RuntimeException {
        FeesTooHigh(String message) {
            super(message);
        }
    }

    /**
     * The key cannot pay for a transaction now (its balance is below the transaction's gas limit times its fee cap,
     * plus its value): not the fault of what it sends for, so wait until it is funded and try again.
     */
    public static final class CannotPay extends RuntimeException {
        CannotPay(String message) {
            super(message);
        }
    }

    public String address() {
        return key.getAddress();
    }

    public EthApi chain() {
        return chain;
    }

    public BigInteger nextNonce() {
        return nextNonce;
    }

    /** {@link #reconcile(Recheck)} for a key whose transactions act for no message. */
    public void reconcile() {
        reconcile(Recheck.ALWAYS);
    }

    /**
     * Brings the key's nonce in line with the chain, after a restart, a rebalance or a reorg. The chain's mined
     * nonce is the truth; every recorded transaction at or above it is explained against the chain:
     * <ul>
     *   <li>one the node has (in its pool, or mined since) holds its nonce; if the store had it as mined, it is open
     *       again and is settled when it is mined again;</li>
     *   <li>one the node does not have was lost (reorged away, dropped, or never broadcast before a crash): it is
     *       re-examined ({@code recheck}) and, if still wanted, sent again with its own nonce and bytes; otherwise a
     *       cancel fills its nonce;</li>
     *   <li>a nonce still free below the highest one in use is filled with a cancel.</li>
     * </ul>
     * The next nonce is then one past the highest in use, so the key's queue has no gap.
     */
    public void reconcile(Recheck recheck) {
        BigInteger mined = chain.nonce(key.getAddress(), "latest");
        Map<BigInteger, List<TxRecord>> ahead = new TreeMap<>();
        for (TxRecord t : store.transactionsFromNonce(chain.chainId(), key.getAddress(), mined)) {
            if (t.status() != TxRecord.Status.REPLACED && t.status() != TxRecord.Status.DROPPED) {
                ahead.computeIfAbsent(t.nonce(), n -> new ArrayList<>()).add(t);
            }
        }
        java.util.TreeSet<BigInteger> held = new java.util.TreeSet<>();
        int kept = 0, resent = 0, cancelled = 0;
        for (Map.Entry<BigInteger, List<TxRecord>> e : ahead.entrySet()) {
            List<TxRecord> group = e.getValue();
            List<TxRecord> known = group.stream().filter(t -> chain.knowsTransaction(t.txHash())).toList();
            if (!known.isEmpty()) {
                for (TxRecord t : known) {
                    if (!t.isOpen()) {
                        store.updateTransaction(t.id(), TxRecord.Status.BROADCAST, null);
                        log.warn("transaction no longer mined, back in the pool chain={} signer={} nonce={} tx={}"
                                + " was={}", chain.name(), key.getAddress(), t.nonce(), t.txHash(), t.status());
                    }
                }
                held.add(e.getKey());
                kept++;
                continue;
            }
            // None of this nonce's transactions is on chain or in the pool. The one that counted was the mined one,
            // else the newest (a replacement).
            TxRecord lost = group.stream().filter(t -> !t.isOpen()).findFirst().orElse(group.getLast());
            String why = lost.isOpen() ? "not known to the node" : "was " + lost.status()
                    + ", no longer on chain (its block was reorged away)";
            for (TxRecord t : group) {
                store.updateTransaction(t.id(), TxRecord.Status.DROPPED, "lost at nonce " + t.nonce() + " (chain's"
                        + " mined nonce " + mined + "): " + why);
            }
            if (TxPurpose.CANCEL.equals(lost.purpose())) {
                continue; // a cancel is only needed to fill a gap, and gaps are filled below
            }
            Verdict v = recheck.recheck(lost);
            log.warn("lost transaction re-examined chain={} signer={} nonce={} tx={} purpose={} messageId={} was={}"
                    + " verdict={}", chain.name(), key.getAddress(), lost.nonce(), lost.txHash(), lost.purpose(),
                    lost.messageId(), lost.status(), v);
            if (v == Verdict.SEND) {
                // The same bytes at the same nonce: the lowest free one, since every nonce below is mined or held.
                store.updateTransaction(lost.id(), TxRecord.Status.SIGNED, null);
                broadcast(withStatus(lost, TxRecord.Status.SIGNED));
                resent++;
            } else {
                fillNonce(lost.nonce(), lost, "lost transaction " + lost.txHash() + " is no longer wanted");
                cancelled++;
            }
            held.add(e.getKey());
        }
        if (!held.isEmpty()) {
            for (BigInteger n = mined; n.compareTo(held.last()) < 0; n = n.add(BigInteger.ONE)) {
                if (!held.contains(n)) {
                    fillNonce(n, null, "nonce " + n + " is free below " + held.last() + ", which is in use");
                    cancelled++;
                }
            }
        }
        nextNonce = held.isEmpty() ? mined : held.last().add(BigInteger.ONE).max(mined);
        log.info("signer reconciled chain={} signer={} minedNonce={} nextNonce={} kept={} resent={} cancelled={}",
                chain.name(), key.getAddress(), mined, nextNonce, kept, resent, cancelled);
        metrics.nonce(chain.name(), key.getAddress(), nextNonce);
    }

    /** Whether a transaction is in flight for {@code messageId}. */
    public boolean hasOpenTransaction(String messageId) {
        return store.openTransactions(chain.chainId(), key.getAddress()).stream()
                .anyMatch(t -> messageId.equals(t.messageId()));
    }

    public int openCount() {
        return store.openTransactions(chain.chainId(), key.getAddress()).size();
    }

    /**
     * Simulates a recorded transaction as this key would send it now ({@code eth_call} at the latest block): null when
     * it goes through, else the node's revert reason ("(no reason)" when it gives none).
     */
    public String simulate(TxRecord tx) {
        try {
            chain.call(key.getAddress(), callOf(tx));
            return null;
        } catch (EthApi.Reverted r) {
            String reason = dev.crossbar.core.chain.RevertReasons.of(r);
            return reason == null || reason.isEmpty() ? "(no reason)" : reason;
        }
    }

    /** Registers this key's meters at zero for the purposes its owner sends. */
    public void registerMetrics(List<String> purposes) {
        metrics.registerKey(chain.name(), key.getAddress(), purposes);
    }

    /** Updates the key's gauges: transactions in flight, and its balance when {@code withBalance}. */
    public void reportGauges(boolean withBalance) {
        metrics.pending(chain.name(), key.getAddress(), openCount());
        if (withBalance) {
            metrics.balance(chain.name(), key.getAddress(), chain.balance(key.getAddress()));
        }
    }

    /**
     * Signs, records and broadcasts {@code intent} with the next nonce.
     *
     * @throws FeesTooHigh when the fee cap cannot pay the current base fee
     * @throws Reconciled when checking before sends and a reorg took away transactions counted as mined
     */
    public TxRecord submit(Intent intent) {
        if (nextNonce == null) {
            reconcile(sendCheck == null ? Recheck.ALWAYS : sendCheck);
        } else if (sendCheck != null) {
            requireNoLostMined(sendCheck);
        }
        BigInteger baseFee = chain.nextBaseFee();
        FeePolicy.Fees f = fees.initial(baseFee).orElseThrow(() -> new FeesTooHigh("base fee " + baseFee
                + " wei plus the tip exceeds the cap of " + fees.maxFeeCap() + " wei on " + chain.name()));
        requireFunds(intent, f);
        for (int attempt = 1; ; attempt++) {
            TxRecord tx = sign(intent.purpose(), intent.messageId(), nextNonce, intent.call(), intent.gasLimit(), f,
                    null);
            nextNonce = nextNonce.add(BigInteger.ONE);
            metrics.nonce(chain.name(), key.getAddress(), nextNonce);
            Broadcast b = broadcast(tx);
            switch (b) {
                case ACCEPTED, UNREACHABLE -> {
                    metrics.sent(chain.name(), key.getAddress(), intent.purpose());
                    return tx;
                }
                case NONCE_USED -> {
                    if (chain.knowsTransaction(tx.txHash())) {
                        // Used by this very transaction: an earlier attempt of the send reached the node and only
                        // its answer was lost (the transport retried, the node then said "nonce too low").
                        store.updateTransaction(tx.id(), TxRecord.Status.BROADCAST, null);
                        metrics.sent(chain.name(), key.getAddress(), intent.purpose());
                        return tx;
                    }
                    store.updateTransaction(tx.id(), TxRecord.Status.DROPPED, "nonce " + tx.nonce() + " already used");
                    nextNonce = chain.nonce(key.getAddress(), "pending").max(nextNonce);
                }
                case UNDERPRICED -> {
                    log.info("transaction refused as underpriced chain={} nonce={} reason=\"{}\"", chain.name(),
                            tx.nonce(), lastRefusal);
                    store.updateTransaction(tx.id(), TxRecord.Status.DROPPED, "refused as underpriced: " + lastRefusal);
                    nextNonce = tx.nonce();
                    f = reprice(f, lastRefusal);
                }
                default -> {
                    store.updateTransaction(tx.id(), TxRecord.Status.DROPPED, "refused by the node");
                    nextNonce = tx.nonce();
                    if (SendRefusal.outOfFunds(lastRefusal)) {
                        requireFunds(intent, f); // what it has and needs, if the node's answer came first
                        throw new CannotPay("signer " + key.getAddress() + " cannot pay on " + chain.name() + ": "
                                + lastRefusal);
                    }
                    throw new IllegalStateException(chain.name() + " refused the " + intent.purpose()
                            + " transaction of message " + intent.messageId() + ": " + lastRefusal);
                }
            }
            if (attempt >= 12) {
                throw new IllegalStateException(chain.name() + ": could not place the " + intent.purpose()
                        + " transaction of message " + intent.messageId() + " after " + attempt + " tries");
            }
        }
    }

    /** What came of one intent of a {@link Group}: its recorded transaction, or why it could not be sent. */
    public record Submitted(Intent intent, TxRecord tx, RuntimeException error) {
        public boolean sent() {
            return error == null;
        }
    }

    /**
     * Signs {@code intents} at the key's next consecutive nonces, priced once for all (one fee read, one balance
     * check for what they need in all); nothing is recorded or sent yet. A group of transactions goes out without
     * waiting for any of them to be mined: {@link Group#record} (in the caller's store transaction), then
     * {@link Group#broadcast}.
     *
     * @param recheck what the key's owner says of a recorded transaction found lost while reconciling
     * @throws FeesTooHigh when the fee cap cannot pay the current base fee
     * @throws CannotPay when the key cannot pay for all of them
     * @throws Reconciled when the chain's nonce fell below a transaction counted as mined (a reorg): the key was
     *     reconciled, nothing is signed
     */
    public Group prepare(List<Intent> intents, Recheck recheck) {
        if (nextNonce == null) {
            reconcile(recheck);
        } else {
            requireNoLostMined(recheck);
        }
        BigInteger baseFee = chain.nextBaseFee();
        FeePolicy.Fees f = fees.initial(baseFee).orElseThrow(() -> new FeesTooHigh("base fee " + baseFee
                + " wei plus the tip exceeds the cap of " + fees.maxFeeCap() + " wei on " + chain.name()));
        if (!intents.isEmpty()) {
            requireFunds(intents, f);
        }
        List<TxRecord> signed = new ArrayList<>(intents.size());
        BigInteger nonce = nextNonce;
        for (Intent i : intents) {
            signed.add(signOnly(i.purpose(), i.messageId(), nonce, i.call(), i.gasLimit(), f, null));
            nonce = nonce.add(BigInteger.ONE);
        }
        return new Group(List.copyOf(intents), signed, baseFee, f, recheck);
    }

    /**
     * A group of transactions signed at consecutive nonces ({@link #prepare}): recorded, then broadcast. Record before
     * broadcast holds for the group as it does for one.
     */
    public final class Group {
        private final List<Intent> intents;
        private final List<TxRecord> signed;
        private final BigInteger baseFee;
        private final FeePolicy.Fees fees;
        private final Recheck recheck;
        private List<TxRecord> recorded;

        private Group(List<Intent> intents, List<TxRecord> signed, BigInteger baseFee, FeePolicy.Fees fees,
                Recheck recheck) {
            this.intents = intents;
            this.signed = signed;
            this.baseFee = baseFee;
            this.fees = fees;
            this.recheck = recheck;
        }

        /** The hashes of the group's transactions, in the order of its intents. */
        public List<String> hashes() {
            return signed.stream().map(TxRecord::txHash).toList();
        }

        /**
         * Records every transaction of the group, each checked against the key's lease as every record is; called in
         * a store transaction ({@link MessageStore#inTransaction}) it is part of it, so that what the caller changes
         * with it (its messages' moves) lands with the records or not at all. The key's next nonce moves past the
         * group.
         *
         * @throws FencedOff when the lease is not the key's current one (nothing is recorded)
         */
        public void record() {
            recorded = signed.stream().map(t -> store.recordTransaction(t, lease, leaseMargin)).toList();
            if (!signed.isEmpty()) {
                nextNonce = signed.getLast().nonce().add(BigInteger.ONE);
                metrics.nonce(chain.name(), key.getAddress(), nextNonce);
            }
        }

        /**
         * Broadcasts the recorded group after one more check of the lease: back to back in nonce order, then one store
         * transaction for what the node said. A broadcast the node refuses is recorded as dropped, the key is
         * reconciled with the chain (a gap the refusal left is filled), and that intent goes through {@link #submit}
         * on its own, with everything a single send does about refusals; when even that fails, its
         * {@link Submitted#error} says why and nothing of it is open. A broadcast no endpoint answered leaves it and
         * the rest recorded as signed: {@link #poll} sends them again.
         *
         * @throws FencedOff when the lease was lost since (they stay recorded as signed, for the key's owner)
         */
        public List<Submitted> broadcast() {
            if (recorded == null) {
                throw new IllegalStateException("a group is recorded before it is broadcast");
            }
            if (recorded.isEmpty()) {
                return List.of();
            }
            return broadcastGroup(intents, recorded, baseFee, fees, recheck);
        }
    }

    private List<Submitted> broadcastGroup(List<Intent> intents, List<TxRecord> recorded, BigInteger baseFee,
            FeePolicy.Fees f, Recheck recheck) {
        if (lease != null) {
            store.checkLease(lease, leaseMargin);
        }
        // One by one, in nonce order, each after the node answered the one before: a node that took a batch's
        // transactions in parallel (anvil does) could hold one behind a nonce it had not seen yet, and leave it there.
        List<EthApi.Each<String>> answers = new ArrayList<>();
        for (TxRecord t : recorded) {
            try {
                answers.add(new EthApi.Each<>(chain.sendRaw(t.rawTx()), null));
            } catch (RpcException.Remote e) {
                answers.add(new EthApi.Each<>(null, e));
            } catch (RpcException.Transport e) {
                // Recorded as SIGNED: the next poll broadcasts this one and the rest again.
                log.warn("transactions not broadcast yet chain={} count={} reason={}", chain.name(),
                        recorded.size() - answers.size(), e.getMessage());
                break;
            }
        }
        log.info("transaction group broadcast chain={} signer={} count={} nonces={}..{} baseFee={} maxFee={}",
                chain.name(), key.getAddress(), recorded.size(), recorded.getFirst().nonce(),
                recorded.getLast().nonce(), baseFee, f.maxFeePerGas());
        List<Integer> refused = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            RuntimeException error = answers.get(i).error();
            SendRefusal kind = error instanceof RpcException.Remote r ? SendRefusal.of(r.remoteMessage()) : null;
            boolean ours = kind == SendRefusal.ALREADY_KNOWN
                    // "nonce too low" for this very transaction: an earlier try of the send reached the node
                    || kind == SendRefusal.NONCE_USED && chain.knowsTransaction(recorded.get(i).txHash());
            if (error != null && !ours) {
                refused.add(i);
                reasons.add(error instanceof RpcException.Remote r ? r.remoteMessage() : error.getMessage());
            }
        }
        int answered = answers.size();
        store.inTransaction("marking " + answered + " transactions of " + key.getAddress() + " broadcast",
                () -> {
                    for (int i = 0, r = 0; i < answered; i++) {
                        if (r < refused.size() && refused.get(r) == i) {
                            store.updateTransaction(recorded.get(i).id(), TxRecord.Status.DROPPED,
                                    "refused by the node: " + reasons.get(r++));
                        } else {
                            store.updateTransaction(recorded.get(i).id(), TxRecord.Status.BROADCAST, null);
                        }
                    }
                });
        List<Submitted> out = new ArrayList<>();
        for (int i = 0, r = 0; i < recorded.size(); i++) {
            TxRecord tx = recorded.get(i);
            if (r < refused.size() && refused.get(r) == i) {
                r++;
                out.add(null); // sent on its own below
                continue;
            }
            metrics.sent(chain.name(), key.getAddress(), tx.purpose());
            if (i >= answered) {
                out.add(new Submitted(intents.get(i), tx, null)); // SIGNED: poll sends it
                continue;
            }
            log.info("transaction broadcast chain={} signer={} nonce={} purpose={} messageId={} tx={}", chain.name(),
                    key.getAddress(), tx.nonce(), tx.purpose(), tx.messageId(), tx.txHash());
            out.add(new Submitted(intents.get(i), withStatus(tx, TxRecord.Status.BROADCAST), null));
        }
        if (!refused.isEmpty()) {
            log.warn("transactions of a group refused, sending them on their own chain={} signer={} refused={} of={}"
                    + " first=\"{}\"", chain.name(), key.getAddress(), refused.size(), recorded.size(), reasons.getFirst());
            reconcile(recheck);
            for (int i : refused) {
                try {
                    out.set(i, new Submitted(intents.get(i), submit(intents.get(i)), null));
                } catch (FencedOff e) {
                    throw e;
                } catch (RuntimeException e) {
                    out.set(i, new Submitted(intents.get(i), null, e));
                }
            }
        }
        return out;
    }

    /**
     * Checks, before anything is signed, that the key can pay for {@code intent} at {@code f} as a node checks it
     * (gas limit times fee cap, plus value), so that an empty key records nothing and says what it lacks.
     */
    private void requireFunds(Intent intent, FeePolicy.Fees f) {
        requireFunds(List.of(intent), f);
    }

    /** {@link #requireFunds(Intent, FeePolicy.Fees)} for several transactions sent together: what they need in all. */
    private void requireFunds(List<Intent> intents, FeePolicy.Fees f) {
        BigInteger gas = BigInteger.ZERO;
        BigInteger value = BigInteger.ZERO;
        for (Intent i : intents) {
            gas = gas.add(i.gasLimit());
            value = value.add(i.value() == null ? BigInteger.ZERO : i.value());
        }
        BigInteger need = gas.multiply(f.maxFeePerGas()).add(value);
        BigInteger has = chain.balance(key.getAddress());
        if (has.compareTo(need) < 0) {
            throw new CannotPay("signer " + key.getAddress() + " has " + has + " wei on " + chain.name() + ", needs "
                    + need + " (gas " + gas + (intents.size() > 1 ? " for " + intents.size() + " transactions" : "")
                    + " at up to " + f.maxFeePerGas() + " wei, value " + value + ")");
        }
    }

    /**
     * The price to try after the node refused one as underpriced. A refusal below the block's base fee says
     * nothing about how far below, so the fee cap doubles (up to the cap: the transaction was never accepted, so
     * any jump is allowed); a refused replacement gets the regular bump.
     */
    private FeePolicy.Fees reprice(FeePolicy.Fees previous, String reason) {
        if (previous.maxFeePerGas().compareTo(fees.maxFeeCap()) >= 0) {
            throw new FeesTooHigh("the node refuses even the cap of " + fees.maxFeeCap() + " wei on " + chain.name()
                    + ": " + reason);
        }
        if (SendRefusal.belowBaseFee(reason)) {
            return new FeePolicy.Fees(previous.maxFeePerGas().shiftLeft(1).min(fees.maxFeeCap()),
                    previous.maxPriorityFeePerGas());
        }
        BigInteger now = chain.nextBaseFee();
        return fees.bump(previous, now).orElseThrow(() -> new FeesTooHigh("cannot outbid base fee " + now
                + " wei within the cap of " + fees.maxFeeCap() + " wei on " + chain.name()));
    }

    /** {@link #poll(Recheck)} for a key whose transactions act for no message. */
    public List<Outcome> poll() {
        return poll(Recheck.ALWAYS);
    }

    /**
     * Looks at every open transaction of this key: settles the mined ones (returned once confirmed), re-broadcasts
     * recorded ones the node does not have, replaces stuck ones at a higher price, and cancels those that ran out
     * of bumps; a transaction goes out again only if {@code recheck} still wants it, otherwise its nonce is filled
     * with a cancel. When the chain's nonce fell below a transaction recorded as mined (a reorg took it away), the
     * key is reconciled first.
     */
    public List<Outcome> poll(Recheck recheck) {
        List<Outcome> outcomes = new ArrayList<>();
        List<TxRecord> open = store.openTransactions(chain.chainId(), key.getAddress());
        if (open.isEmpty() && Duration.between(lastNonceCheck, Instant.now()).compareTo(IDLE_NONCE_CHECK) < 0) {
            return outcomes; // an idle key asks the chain for its nonce now and then, not every round
        }
        lastNonceCheck = Instant.now();
        BigInteger minedNonce = chain.nonce(key.getAddress(), "latest");
        if (lostMined(minedNonce)) {
            log.warn("chain's nonce fell below a mined transaction, re-examining chain={} signer={} minedNonce={}",
                    chain.name(), key.getAddress(), minedNonce);
            reconcile(recheck);
            minedNonce = chain.nonce(key.getAddress(), "latest");
            open = store.openTransactions(chain.chainId(), key.getAddress());
        }
        Map<BigInteger, List<TxRecord>> byNonce = new TreeMap<>();
        for (TxRecord t : open) {
            byNonce.computeIfAbsent(t.nonce(), n -> new ArrayList<>()).add(t);
        }
        if (byNonce.isEmpty()) {
            return outcomes;
        }
        long head = chain.blockNumber();
        // The receipts of the open transactions that can be mined (below the chain's mined nonce; one above it cannot
        // be) in one batch, and every mined one settled in one store transaction.
        BigInteger below = minedNonce;
        List<String> hashes = open.stream().filter(t -> t.nonce().compareTo(below) < 0).map(TxRecord::txHash).toList();
        List<Optional<TransactionReceipt>> fetched = hashes.isEmpty() ? List.of() : chain.receipts(hashes);
        Map<String, Optional<TransactionReceipt>> receipts = new java.util.HashMap<>();
        for (int i = 0; i < hashes.size(); i++) {
            receipts.put(hashes.get(i), fetched.get(i));
        }
        List<List<TxRecord>> unmined = new ArrayList<>();
        outcomes.addAll(store.inTransaction("settling the mined transactions of " + key.getAddress() + " on "
                + chain.name(), () -> {
                    List<Outcome> mined = new ArrayList<>();
                    unmined.clear();
                    for (List<TxRecord> group : byNonce.values()) {
                        findMined(group, head, receipts).ifPresentOrElse(mined::add, () -> unmined.add(group));
                    }
                    return mined;
                }));
        for (Outcome o : outcomes) {
            if (!o.succeeded()) {
                metrics.failed(chain.name(), key.getAddress(), o.tx().purpose());
            }
        }
        for (List<TxRecord> group : unmined) {
            TxRecord active = group.getLast();
            if (active.nonce().compareTo(minedNonce) < 0) {
                // The nonce is used but by none of ours that we can see (yet): wait for the receipt, or give up
                // on the group once it is well confirmed.
                if (waitedLongEnough(active)) {
                    for (TxRecord t : group) {
                        store.updateTransaction(t.id(), TxRecord.Status.DROPPED, "nonce used by another transaction");
                    }
                    outcomes.add(new Outcome(withStatus(active, TxRecord.Status.DROPPED), null));
                }
                continue;
            }
            if (active.status() == TxRecord.Status.SIGNED) {
                // Recorded but not known to be broadcast (a crash, or a node that did not answer in time): the
                // node may have it already; otherwise it goes out again, as a first send would, or is cancelled.
                if (chain.knowsTransaction(active.txHash())) {
                    store.updateTransaction(active.id(), TxRecord.Status.BROADCAST, null);
                } else if (TxPurpose.CANCEL.equals(active.purpose()) || recheck.recheck(active) == Verdict.SEND) {
                    broadcast(active);
                } else {
                    replace(group, active, Verdict.CANCEL);
                }
            } else if (isStuck(active)) {
                replace(group, active, TxPurpose.CANCEL.equals(active.purpose()) ? Verdict.CANCEL
                        : recheck.recheck(active));
            }
        }
        return outcomes;
    }

    /**
     * Before a send: when a reorg took away transactions counted as mined since the last poll, what was decided may be
     * what those transactions did, and the next nonce is not where it was. The key is then reconciled and
     * {@link Reconciled} thrown: nothing is sent, and what to send is decided again.
     */
    private void requireNoLostMined(Recheck recheck) {
        BigInteger minedNonce = chain.nonce(key.getAddress(), "latest");
        if (lostMined(minedNonce)) {
            log.warn("chain's nonce fell below a mined transaction before a send, re-examining chain={} signer={}"
                    + " minedNonce={}", chain.name(), key.getAddress(), minedNonce);
            reconcile(recheck);
            throw new Reconciled("the key of " + key.getAddress() + " on " + chain.name() + " was reconciled with"
                    + " the chain (its nonce fell to " + minedNonce + "): nothing was sent, decide again");
        }
    }

    /** Whether the store holds a transaction of the key as mined at or above the chain's mined nonce (a reorg). */
    private boolean lostMined(BigInteger minedNonce) {
        return store.transactionsFromNonce(chain.chainId(), key.getAddress(), minedNonce).stream()
                .anyMatch(t -> t.status() == TxRecord.Status.CONFIRMED || t.status() == TxRecord.Status.REVERTED);
    }

    private Optional<Outcome> findMined(List<TxRecord> group, long head,
            Map<String, Optional<TransactionReceipt>> receipts) {
        for (TxRecord t : group) {
            Optional<TransactionReceipt> r = receipts.getOrDefault(t.txHash(), Optional.empty());
            if (r.isEmpty() || r.get().getBlockNumber() == null) {
                continue;
            }
            long depth = head - r.get().getBlockNumber().longValueExact() + 1;
            if (depth < confirmations) {
                return Optional.empty(); // mined, not yet confirmed: leave the group alone
            }
            boolean ok = r.get().isStatusOK();
            store.updateTransaction(t.id(), ok ? TxRecord.Status.CONFIRMED : TxRecord.Status.REVERTED,
                    ok ? null : "reverted in block " + r.get().getBlockNumber());
            for (TxRecord other : group) {
                if (other.id() != t.id()) {
                    store.updateTransaction(other.id(), TxRecord.Status.REPLACED, "nonce used by " + t.txHash());
                }
            }
            return Optional.of(new Outcome(withStatus(t, ok ? TxRecord.Status.CONFIRMED : TxRecord.Status.REVERTED),
                    r.get()));
        }
        return Optional.empty();
    }

    private boolean isStuck(TxRecord active) {
        return Duration.between(active.updatedAt(), Instant.now()).compareTo(fees.stuckAfter()) > 0;
    }

    private boolean waitedLongEnough(TxRecord active) {
        return Duration.between(active.updatedAt(), Instant.now()).compareTo(fees.stuckAfter().multipliedBy(2)) > 0;
    }

    /**
     * Replaces a stuck (or unsendable) transaction: at a higher price if it is still wanted and has bumps left,
     * otherwise by a cancel with the same nonce. An unwanted transaction is never bumped: a relay whose message was
     * orphaned must not land.
     */
    private void replace(List<TxRecord> group, TxRecord active, Verdict verdict) {
        boolean cancelling = TxPurpose.CANCEL.equals(active.purpose());
        int bumps = group.size() - 1;
        FeePolicy.Fees previous = new FeePolicy.Fees(active.maxFeePerGas(), active.maxPriorityFeePerGas());
        Optional<FeePolicy.Fees> next = fees.bump(previous, chain.nextBaseFee());
        if (next.isEmpty()) {
            log.warn("stuck transaction cannot be re-priced within the cap chain={} signer={} nonce={} tx={}",
                    chain.name(), key.getAddress(), active.nonce(), active.txHash());
            return;
        }
        TxRecord replacement;
        if (!cancelling && verdict == Verdict.SEND && bumps < fees.maxBumps()) {
            replacement = sign(active.purpose(), active.messageId(), active.nonce(), callOf(active), active.gasLimit(),
                    next.get(), active.txHash());
            log.info("stuck transaction replaced chain={} signer={} nonce={} old={} new={} maxFee={} bump={}",
                    chain.name(), key.getAddress(), active.nonce(), active.txHash(), replacement.txHash(),
                    next.get().maxFeePerGas(), bumps + 1);
        } else {
            replacement = sign(TxPurpose.CANCEL, active.messageId(), active.nonce(), cancelCall(), CANCEL_GAS,
                    next.get(), active.txHash());
            log.warn("stuck transaction cancelled chain={} signer={} nonce={} old={} cancel={} messageId={} why={}",
                    chain.name(), key.getAddress(), active.nonce(), active.txHash(), replacement.txHash(),
                    active.messageId(), verdict == Verdict.CANCEL ? "no_longer_wanted" : "out_of_bumps");
        }
        metrics.replaced(chain.name(), key.getAddress(), active.purpose());
        broadcast(replacement);
    }

    /**
     * Fills {@code nonce} with a zero-value transfer to itself, priced above {@code replacing} (a transaction some
     * node may still hold at that nonce) when there is one.
     */
    private void fillNonce(BigInteger nonce, TxRecord replacing, String why) {
        BigInteger base = chain.nextBaseFee();
        Optional<FeePolicy.Fees> f = replacing == null ? fees.initial(base)
                : fees.bump(new FeePolicy.Fees(replacing.maxFeePerGas(), replacing.maxPriorityFeePerGas()), base)
                        .or(() -> fees.initial(base));
        FeePolicy.Fees priced = f.orElseThrow(() -> new FeesTooHigh("cannot fill nonce " + nonce + " within the cap of "
                + fees.maxFeeCap() + " wei on " + chain.name()));
        TxRecord cancel = sign(TxPurpose.CANCEL, replacing == null ? null : replacing.messageId(), nonce,
                cancelCall(), CANCEL_GAS, priced, replacing == null ? null : replacing.txHash());
        log.warn("nonce filled chain={} signer={} nonce={} cancel={} why=\"{}\"", chain.name(), key.getAddress(), nonce,
                cancel.txHash(), why);
        broadcast(cancel);
    }

    private TxRecord sign(String purpose, String messageId, BigInteger nonce, EthApi.TxCall call, BigInteger gasLimit,
            FeePolicy.Fees f, String replaces) {
        // A replaced transaction stays open beside its replacement until one of them is mined: either may be.
        return store.recordTransaction(signOnly(purpose, messageId, nonce, call, gasLimit, f, replaces), lease,
                leaseMargin);
    }

    /** A cancel: a zero-value transfer to the key itself. */
    private EthApi.TxCall cancelCall() {
        return new EthApi.TxCall(key.getAddress(), "0x", BigInteger.ZERO);
    }

    /** What a recorded transaction sends: to, data, value and access list, from its signed bytes. */
    static EthApi.TxCall callOf(TxRecord tx) {
        RawTransaction raw = TransactionDecoder.decode(tx.rawTx());
        List<AccessListObject> accessList = raw.getTransaction() instanceof Transaction1559 t
                && t.getAccessList() != null ? t.getAccessList() : List.of();
        return new EthApi.TxCall(raw.getTo(), raw.getData(), raw.getValue(), accessList);
    }

    /** The signed transaction, not yet recorded. */
    private TxRecord signOnly(String purpose, String messageId, BigInteger nonce, EthApi.TxCall call,
            BigInteger gasLimit, FeePolicy.Fees f, String replaces) {
        RawTransaction raw = RawTransaction.createTransaction(chain.chainId(), nonce, gasLimit, call.to(),
                call.value() == null ? BigInteger.ZERO : call.value(), call.data() == null ? "0x" : call.data(),
                f.maxPriorityFeePerGas(), f.maxFeePerGas(), call.accessList());
        byte[] signed = TransactionEncoder.signMessage(raw, key);
        String hex = Numeric.toHexString(signed);
        TxRecord tx = new TxRecord(0, messageId, purpose, chain.chainId(), key.getAddress(), nonce,
                Numeric.toHexString(Hash.sha3(signed)), hex, f.maxFeePerGas(), f.maxPriorityFeePerGas(), gasLimit,
                TxRecord.Status.SIGNED, replaces, null, null, null);
        return tx;
    }

    private enum Broadcast { ACCEPTED, UNREACHABLE, NONCE_USED, UNDERPRICED, REFUSED }

    private String lastRefusal;

    private Broadcast broadcast(TxRecord tx) {
        if (lease != null) {
            store.checkLease(lease, leaseMargin); // FencedOff: the transaction stays SIGNED, for the key's owner
        }
        try {
            chain.sendRaw(tx.rawTx());
            store.updateTransaction(tx.id(), TxRecord.Status.BROADCAST, null);
            log.info("transaction broadcast chain={} signer={} nonce={} purpose={} messageId={} tx={}", chain.name(),
                    key.getAddress(), tx.nonce(), tx.purpose(), tx.messageId(), tx.txHash());
            return Broadcast.ACCEPTED;
        } catch (RpcException.Remote e) {
            lastRefusal = e.remoteMessage();
            return switch (SendRefusal.of(e.remoteMessage())) {
                case ALREADY_KNOWN -> {
                    store.updateTransaction(tx.id(), TxRecord.Status.BROADCAST, null);
                    yield Broadcast.ACCEPTED;
                }
                case NONCE_USED -> Broadcast.NONCE_USED;
                case UNDERPRICED -> Broadcast.UNDERPRICED;
                case OTHER -> {
                    log.warn("transaction refused chain={} signer={} nonce={} tx={} reason={}", chain.name(),
                            key.getAddress(), tx.nonce(), tx.txHash(), e.remoteMessage());
                    yield Broadcast.REFUSED;
                }
            };
        } catch (RpcException.Transport e) {
            // Recorded as SIGNED: the next poll broadcasts it again.
            log.warn("transaction not broadcast yet chain={} tx={} reason={}", chain.name(), tx.txHash(), e.getMessage());
            return Broadcast.UNREACHABLE;
        }
    }

    private static TxRecord withStatus(TxRecord t, TxRecord.Status s) {
        return new TxRecord(t.id(), t.messageId(), t.purpose(), t.chainId(), t.signer(), t.nonce(), t.txHash(), t.rawTx(),
                t.maxFeePerGas(), t.maxPriorityFeePerGas(), t.gasLimit(), s, t.replacesTxHash(), t.error(),
                t.createdAt(), t.updatedAt());
    }
}
