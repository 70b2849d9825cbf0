package dev.crossbar.relayer;

import dev.crossbar.core.model.TxPurpose;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The relayer's meters: deliveries, their latency and outcome, batches, consumer lag (its keys' transactions are
 * counted by the transaction manager, {@code crossbar_txmanager_*{component="relayer"}}). Tags are bounded: chain,
 * kind, result; never a message id.
 */
public final class RelayerMetrics {
    private final MeterRegistry registry;

    private final dev.crossbar.txmanager.TxMetrics transactions;

    public RelayerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.transactions = new dev.crossbar.txmanager.TxMetrics(registry, "relayer");
    }

    MeterRegistry registry() {
        return registry;
    }

    /** The meters of the relayer's keys' transactions. */
    dev.crossbar.txmanager.TxMetrics transactions() {
        return transactions;
    }

    /** The purposes of the relayer's transactions, the bounded values of the {@code purpose} tag. */
    static final java.util.List<String> PURPOSES = TxPurpose.RELAYER;

    /**
     * Registers the delivery meters of a destination at zero when a worker starts, so that a scrape shows them (and
     * alert rules can use them) before the first delivery. The key's transaction meters are the transaction manager's.
     */
    void registerKey(String chain) {
        for (String kind : java.util.List.of("WITHDRAWAL", "CROSS_ROLLUP", "DEPOSIT")) {
            latency(kind, chain);
            for (String result : java.util.List.of("relayed", "dead_lettered")) {
                outcomeCounter(kind, result);
            }
        }
        nearExpiryCounter(chain);
    }

    /** Time from the message's source block to its delivery being confirmed. */
    void delivered(String kind, String chain, Duration latency) {
        latency(kind, chain).record(latency.isNegative() ? Duration.ZERO : latency);
    }

    private Timer latency(String kind, String chain) {
        return Timer.builder("crossbar.relay.latency").description("from the source block to the confirmed delivery")
                .tag("kind", kind).tag("chain", chain).publishPercentileHistogram().register(registry);
    }

    void outcome(String kind, String result) {
        outcomeCounter(kind, result).increment();
    }

    private Counter outcomeCounter(String kind, String result) {
        return Counter.builder("crossbar.relayer.messages").description("messages the relayer finished, by result")
                .tag("kind", kind).tag("result", result).register(registry);
    }

    /** Why a signing key cannot send now, the bounded values of the {@code reason} tag of the blocked gauge. */
    enum SignerBlock {
        /** The base fee and the tip are above the fee cap. */
        FEES_ABOVE_CAP,
        /** The key's balance cannot pay for the transaction. */
        INSUFFICIENT_FUNDS;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> blocked =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@code crossbar_relayer_signer_blocked{chain, signer, reason}}: 1 while the key's last send was refused for
     * {@code reason} (its messages wait), 0 once a send of the key goes out. Registered at 0 for every reason.
     *
     * @return whether this changed the gauge
     */
    boolean signerBlocked(String chain, String signer, SignerBlock reason, boolean isBlocked) {
        int v = isBlocked ? 1 : 0;
        return blockedGauge(chain, signer, reason).getAndSet(v) != v;
    }

    /** Registers the key's blocked gauges at 0. */
    void registerSigner(String chain, String signer) {
        for (SignerBlock reason : SignerBlock.values()) {
            blockedGauge(chain, signer, reason);
        }
    }

    private java.util.concurrent.atomic.AtomicInteger blockedGauge(String chain, String signer, SignerBlock reason) {
        String s = signer.toLowerCase(java.util.Locale.ROOT);
        return blocked.computeIfAbsent(chain + "|" + s + "|" + reason, k -> {
            var v = new java.util.concurrent.atomic.AtomicInteger();
            Gauge.builder("crossbar.relayer.signer.blocked", v, java.util.concurrent.atomic.AtomicInteger::get)
                    .description("1 while a signing key cannot send (its messages wait), by reason")
                    .tag("chain", chain).tag("signer", s).tag("reason", reason.tag()).register(registry);
            return v;
        });
    }

    /**
     * {@code crossbar_relayer_messages_near_expiry_total{chain}}: L2-to-L2 messages to {@code chain} found within the
     * warning time of their interop expiry, each counted once (they go first; one that stays unrelayed is lost to the
     * expiry).
     */
    void nearExpiry(String chain) {
        nearExpiryCounter(chain).increment();
    }

    private Counter nearExpiryCounter(String chain) {
        return Counter.builder("crossbar.relayer.messages.near.expiry").description("L2-to-L2 messages found within"
                + " the warning time of their interop expiry").tag("chain", chain).register(registry);
    }

    void batch(int size) {
        DistributionSummary.builder("crossbar.relayer.batch.size").description("relays per batched transaction")
                .register(registry).record(size);
    }

    /**
     * The Kafka consumer lag of this relayer's group member, {@code crossbar_kafka_consumer_lag{component="relayer",
     * topic}}: records between its position and the end of the partitions it owns, summed, from the consumer's own
     * per-partition {@code records-lag} metrics (0 while it owns none). The consumer is asked for at each scrape: a
     * failed one is replaced by a new member.
     */
    void consumerLag(java.util.function.Supplier<org.apache.kafka.clients.consumer.Consumer<?, ?>> consumer,
            String topic) {
        Gauge.builder("crossbar.kafka.consumer.lag", () -> {
                    var c = consumer.get();
                    return c == null ? 0 : recordsLag(c, topic);
                })
                .description("records the consumer is behind the end of its partitions").tag("component", "relayer")
                .tag("topic", topic).strongReference(true).register(registry);
    }

    static double recordsLag(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, String topic) {
        double lag = 0;
        try {
            for (var e : consumer.metrics().entrySet()) {
                var name = e.getKey();
                String t = name.tags().get("topic");
                if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                        && (topic.equals(t) || topic.replace('.', '_').equals(t))
                        && e.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                    lag += n.doubleValue();
                }
            }
        } catch (RuntimeException e) {
            return Double.NaN; // closed
        }
        return lag;
    }

    /** A worker was fenced off from its key (its lease ran out or was taken): it stopped sending for it. */
    void fenced(String chain) {
        Counter.builder("crossbar.relayer.fenced").description("times a relayer worker was fenced off from its key"
                + " (lease lost) and stopped sending for it").tag("chain", chain).register(registry).increment();
    }
}
