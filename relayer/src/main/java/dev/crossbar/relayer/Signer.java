package dev.crossbar.relayer;

import dev.crossbar.core.chain.ChainClient;

import dev.crossbar.core.rpc.RpcException;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The transaction manager of one signing key on one chain: it alone picks that key's nonces.
 *
 * <p>Every transaction is recorded in the store (with its signed bytes) before it is broadcast, so that after a
 * crash it is re-broadcast as is rather than sent again. Nonces are reconciled with the chain when the key is
 * taken over and whenever a node says a nonce is used; a send refused with "nonce too low" is re-sent with a
 * fresh nonce, never dropped. A transaction not mined within {@link FeePolicy#stuckAfter()} is replaced at a
 * higher price, at most {@link FeePolicy#maxBumps()} times, and then cancelled (a zero-value transfer to itself
 * with the same nonce) so that the key's queue moves again. A mined transaction counts once it has
 * {@code confirmations} blocks.
 *
 * <p>Not thread-safe: one worker thread owns a signer.
 */
public final class Signer {
    private static final Logger log = LoggerFactory.getLogger(Signer.class);
    private static final BigInteger CANCEL_GAS = BigInteger.valueOf(21_000);

    private final ChainClient chain;
    private final Credentials key;
    private final FeePolicy fees;
    private final MessageStore store;
    private final int confirmations;
    private final RelayerMetrics metrics;
    private BigInteger nextNonce;

    public Signer(ChainClient chain, Credentials key, FeePolicy fees, MessageStore store, int confirmations,
            RelayerMetrics metrics) {
        this.chain = chain;
        this.key = key;
        this.fees = fees;
        this.store = store;
        this.confirmations = confirmations;
        this.metrics = metrics;
    }

    /** What to send: the transaction's purpose and the message it acts for. */
    public record Intent(String purpose, String messageId, String to, String data, BigInteger value, BigInteger gasLimit) {}

    /** A transaction of this key that was mined with enough confirmations. */
    public record Outcome(TxRecord tx, TransactionReceipt receipt) {
        public boolean succeeded() {
            return receipt.isStatusOK();
        }
    }

    /** The fee cap cannot pay for a transaction now: wait and try again. */
    public static final class FeesTooHigh extends RuntimeException {
        FeesTooHigh(String message) {
            super(message);
        }
    }

    public String address() {
        return key.getAddress();
    }

    public ChainClient chain() {
        return chain;
    }

    public BigInteger nextNonce() {
        return nextNonce;
    }

    /**
     * Brings the key's nonce in line with the chain and the store, after a restart or a rebalance: recorded
     * transactions whose nonce the chain already used are settled (mined, or dropped), the others re-broadcast.
     */
    public void reconcile() {
        BigInteger mined = chain.nonce(key.getAddress(), "latest");
        BigInteger highest = store.highestNonce(chain.chainId(), key.getAddress()).orElse(BigInteger.ONE.negate());
        nextNonce = mined.max(highest.add(BigInteger.ONE));
        int open = store.openTransactions(chain.chainId(), key.getAddress()).size();
        log.info("signer reconciled chain={} signer={} minedNonce={} nextNonce={} openTransactions={}", chain.name(),
                key.getAddress(), mined, nextNonce, open);
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
     * Signs, records and broadcasts {@code intent} with the next nonce.
     *
     * @throws FeesTooHigh when the fee cap cannot pay the current base fee
     */
    public TxRecord submit(Intent intent) {
        if (nextNonce == null) {
            reconcile();
        }
        BigInteger baseFee = chain.nextBaseFee();
        FeePolicy.Fees f = fees.initial(baseFee).orElseThrow(() -> new FeesTooHigh("base fee " + baseFee
                + " wei plus the tip exceeds the cap of " + fees.maxFeeCap() + " wei on " + chain.name()));
        for (int attempt = 1; ; attempt++) {
            TxRecord tx = sign(intent.purpose(), intent.messageId(), nextNonce, intent.to(), intent.data(),
                    intent.value(), intent.gasLimit(), f, null);
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
        if (String.valueOf(reason).toLowerCase(Locale.ROOT).contains("base fee")) {
            return new FeePolicy.Fees(previous.maxFeePerGas().shiftLeft(1).min(fees.maxFeeCap()),
                    previous.maxPriorityFeePerGas());
        }
        BigInteger now = chain.nextBaseFee();
        return fees.bump(previous, now).orElseThrow(() -> new FeesTooHigh("cannot outbid base fee " + now
                + " wei within the cap of " + fees.maxFeeCap() + " wei on " + chain.name()));
    }

    /**
     * Looks at every open transaction of this key: settles the mined ones (returned once confirmed), re-broadcasts
     * recorded ones the node does not have, replaces stuck ones at a higher price, and cancels those that ran out
     * of bumps.
     */
    public List<Outcome> poll() {
        List<Outcome> outcomes = new ArrayList<>();
        Map<BigInteger, List<TxRecord>> byNonce = new TreeMap<>();
        for (TxRecord t : store.openTransactions(chain.chainId(), key.getAddress())) {
            byNonce.computeIfAbsent(t.nonce(), n -> new ArrayList<>()).add(t);
        }
        if (byNonce.isEmpty()) {
            return outcomes;
        }
        long head = chain.blockNumber();
        BigInteger minedNonce = chain.nonce(key.getAddress(), "latest");
        for (List<TxRecord> group : byNonce.values()) {
            Optional<Outcome> mined = findMined(group, head);
            if (mined.isPresent()) {
                outcomes.add(mined.get());
                continue;
            }
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
                // node may have it already; otherwise send the very same bytes again.
                if (chain.knowsTransaction(active.txHash())) {
                    store.updateTransaction(active.id(), TxRecord.Status.BROADCAST, null);
                } else {
                    broadcast(active);
                }
            } else if (isStuck(active)) {
                replace(group, active);
            }
        }
        return outcomes;
    }

    private Optional<Outcome> findMined(List<TxRecord> group, long head) {
        for (TxRecord t : group) {
            Optional<TransactionReceipt> r = chain.receipt(t.txHash());
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
            if (!ok) {
                metrics.failed(chain.name(), key.getAddress(), t.purpose());
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

    private void replace(List<TxRecord> group, TxRecord active) {
        boolean cancelling = "CANCEL".equals(active.purpose());
        int bumps = group.size() - 1;
        FeePolicy.Fees previous = new FeePolicy.Fees(active.maxFeePerGas(), active.maxPriorityFeePerGas());
        Optional<FeePolicy.Fees> next = fees.bump(previous, chain.nextBaseFee());
        if (next.isEmpty()) {
            log.warn("stuck transaction cannot be re-priced within the cap chain={} signer={} nonce={} tx={}",
                    chain.name(), key.getAddress(), active.nonce(), active.txHash());
            return;
        }
        TxRecord replacement;
        if (!cancelling && bumps < fees.maxBumps()) {
            RawTransaction raw = TransactionDecoder.decode(active.rawTx());
            replacement = sign(active.purpose(), active.messageId(), active.nonce(), raw.getTo(), raw.getData(),
                    raw.getValue(), active.gasLimit(), next.get(), active.txHash());
            log.info("stuck transaction replaced chain={} signer={} nonce={} old={} new={} maxFee={} bump={}",
                    chain.name(), key.getAddress(), active.nonce(), active.txHash(), replacement.txHash(),
                    next.get().maxFeePerGas(), bumps + 1);
        } else {
            replacement = sign("CANCEL", active.messageId(), active.nonce(), key.getAddress(), "0x", BigInteger.ZERO,
                    CANCEL_GAS, next.get(), active.txHash());
            log.warn("stuck transaction cancelled chain={} signer={} nonce={} old={} cancel={} messageId={}",
                    chain.name(), key.getAddress(), active.nonce(), active.txHash(), replacement.txHash(),
                    active.messageId());
        }
        metrics.replaced(chain.name(), key.getAddress(), active.purpose());
        broadcast(replacement);
    }

    private TxRecord sign(String purpose, String messageId, BigInteger nonce, String to, String data, BigInteger value,
            BigInteger gasLimit, FeePolicy.Fees f, String replaces) {
        RawTransaction raw = RawTransaction.createTransaction(chain.chainId(), nonce, gasLimit, to,
                value == null ? BigInteger.ZERO : value, data == null ? "0x" : data, f.maxPriorityFeePerGas(),
                f.maxFeePerGas());
        byte[] signed = TransactionEncoder.signMessage(raw, key);
        String hex = Numeric.toHexString(signed);
        TxRecord tx = new TxRecord(0, messageId, purpose, chain.chainId(), key.getAddress(), nonce,
                Numeric.toHexString(Hash.sha3(signed)), hex, f.maxFeePerGas(), f.maxPriorityFeePerGas(), gasLimit,
                TxRecord.Status.SIGNED, replaces, null, null, null);
        // A replaced transaction stays open beside its replacement until one of them is mined: either may be.
        return store.recordTransaction(tx);
    }

    private enum Broadcast { ACCEPTED, UNREACHABLE, NONCE_USED, UNDERPRICED, REFUSED }

    private String lastRefusal;

    private Broadcast broadcast(TxRecord tx) {
        try {
            chain.sendRaw(tx.rawTx());
            store.updateTransaction(tx.id(), TxRecord.Status.BROADCAST, null);
            log.info("transaction broadcast chain={} signer={} nonce={} purpose={} messageId={} tx={}", chain.name(),
                    key.getAddress(), tx.nonce(), tx.purpose(), tx.messageId(), tx.txHash());
            return Broadcast.ACCEPTED;
        } catch (RpcException.Remote e) {
            String m = e.remoteMessage().toLowerCase(Locale.ROOT);
            lastRefusal = e.remoteMessage();
            if (m.contains("already known") || m.contains("known transaction") || m.contains("already imported")) {
                store.updateTransaction(tx.id(), TxRecord.Status.BROADCAST, null);
                return Broadcast.ACCEPTED;
            }
            if (m.contains("nonce too low") || m.contains("nonce has already been used") || m.contains("old nonce")) {
                return Broadcast.NONCE_USED;
            }
            if (m.contains("underpriced") || m.contains("fee cap") || m.contains("less than block base fee")
                    || m.contains("max fee per gas less than")) {
                return Broadcast.UNDERPRICED;
            }
            log.warn("transaction refused chain={} signer={} nonce={} tx={} reason={}", chain.name(), key.getAddress(),
                    tx.nonce(), tx.txHash(), e.remoteMessage());
            return Broadcast.REFUSED;
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
