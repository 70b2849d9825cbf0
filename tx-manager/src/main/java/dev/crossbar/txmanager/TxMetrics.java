package dev.crossbar.txmanager;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transaction manager's meters, {@code crossbar_txmanager_*}, labelled by the component that owns the key
 * ({@code relayer} or {@code monitor}), so that the challenger's transactions are not counted as the relayer's.
 * Tags are bounded: component, chain, signer (an address from configuration), purpose; never a message id.
 */
public final class TxMetrics {
    private final MeterRegistry registry;
    private final String component;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    /** @param component who sends through these keys: {@code relayer} or {@code monitor} */
    public TxMetrics(MeterRegistry registry, String component) {
        if (component == null || component.isBlank()) {
            throw new IllegalArgumentException("component must be named (relayer, monitor), was " + component);
        }
        this.registry = registry;
        this.component = component;
    }

    /**
     * Registers a key's meters at zero for each of {@code purposes}, so that a scrape shows them (and alert rules can
     * use them) before the first transaction.
     */
    public void registerKey(String chain, String signer, List<String> purposes) {
        for (String purpose : purposes) {
            sentCounter(chain, signer, purpose);
            replacedCounter(chain, signer, purpose);
            failedCounter(chain, signer, purpose);
        }
        gauge("crossbar.txmanager.signer.nonce", "next nonce of a signing key", chain, signer);
        gauge("crossbar.txmanager.signer.pending", "transactions of a key in flight", chain, signer);
        gauge("crossbar.txmanager.signer.balance.gwei", "balance of a signing key, in gwei", chain, signer);
    }

    void sent(String chain, String signer, String purpose) {
        sentCounter(chain, signer, purpose).increment();
    }

    void replaced(String chain, String signer, String purpose) {
        replacedCounter(chain, signer, purpose).increment();
    }

    void failed(String chain, String signer, String purpose) {
        failedCounter(chain, signer, purpose).increment();
    }

    void nonce(String chain, String signer, BigInteger next) {
        gauge("crossbar.txmanager.signer.nonce", "next nonce of a signing key", chain, signer).set(next.longValue());
    }

    public void pending(String chain, String signer, int open) {
        gauge("crossbar.txmanager.signer.pending", "transactions of a key in flight", chain, signer).set(open);
    }

    public void balance(String chain, String signer, BigInteger wei) {
        // Gauges hold longs: keep gwei, which fits for any realistic balance.
        gauge("crossbar.txmanager.signer.balance.gwei", "balance of a signing key, in gwei", chain, signer)
                .set(wei.divide(BigInteger.valueOf(1_000_000_000L)).longValue());
    }

    private Counter sentCounter(String chain, String signer, String purpose) {
        return counter("crossbar.txmanager.transactions.sent", "transactions broadcast", chain, signer, purpose);
    }

    private Counter replacedCounter(String chain, String signer, String purpose) {
        return counter("crossbar.txmanager.transactions.replaced", "stuck transactions replaced or cancelled", chain,
                signer, purpose);
    }

    private Counter failedCounter(String chain, String signer, String purpose) {
        return counter("crossbar.txmanager.transactions.failed", "transactions mined and reverted", chain, signer,
                purpose);
    }

    private Counter counter(String name, String description, String chain, String signer, String purpose) {
        return Counter.builder(name).description(description).tag("component", component).tag("chain", chain)
                .tag("signer", signer.toLowerCase()).tag("purpose", purpose).register(registry);
    }

    private AtomicLong gauge(String name, String description, String chain, String signer) {
        String id = name + "|" + chain + "|" + signer.toLowerCase();
        return gauges.computeIfAbsent(id, k -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(name, v, AtomicLong::get).description(description).tag("component", component)
                    .tag("chain", chain).tag("signer", signer.toLowerCase()).register(registry);
            return v;
        });
    }
}
