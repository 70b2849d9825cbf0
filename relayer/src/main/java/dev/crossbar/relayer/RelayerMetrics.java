package dev.crossbar.relayer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relayer's meters. Tags are bounded: chain, signer (an address from configuration), purpose, kind, result;
 * never a message id.
 */
public final class RelayerMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public RelayerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The purposes of the relayer's transactions, the bounded values of the {@code purpose} tag. */
    static final java.util.List<String> PURPOSES = java.util.List.of("PROVE", "FINALIZE", "RELAY", "RELAY_BATCH",
            "REPLAY", "CANCEL");

    /**
     * Registers a signing key's meters at zero when its worker starts, so that a scrape shows them (and alert rules
     * can use them) before the first transaction.
     */
    void registerKey(String chain, String signer) {
        for (String purpose : PURPOSES) {
            counter("crossbar.relayer.transactions.sent", "transactions broadcast", chain, signer, purpose);
            counter("crossbar.relayer.transactions.replaced", "stuck transactions replaced or cancelled", chain, signer,
                    purpose);
            counter("crossbar.relayer.transactions.failed", "transactions mined and reverted", chain, signer, purpose);
        }
        gauge("crossbar.relayer.signer.nonce", "next nonce of a signing key", chain, signer);
        gauge("crossbar.relayer.signer.pending", "transactions of a key in flight", chain, signer);
        gauge("crossbar.relayer.signer.balance.gwei", "balance of a signing key, in gwei", chain, signer);
        for (String kind : java.util.List.of("WITHDRAWAL", "CROSS_ROLLUP", "DEPOSIT")) {
            latency(kind, chain);
            for (String result : java.util.List.of("relayed", "dead_lettered")) {
                outcomeCounter(kind, result);
            }
        }
    }

    void sent(String chain, String signer, String purpose) {
        counter("crossbar.relayer.transactions.sent", "transactions broadcast", chain, signer, purpose).increment();
    }

    void replaced(String chain, String signer, String purpose) {
        counter("crossbar.relayer.transactions.replaced", "stuck transactions replaced or cancelled", chain, signer,
                purpose).increment();
    }

    void failed(String chain, String signer, String purpose) {
        counter("crossbar.relayer.transactions.failed", "transactions mined and reverted", chain, signer, purpose)
                .increment();
    }

    void nonce(String chain, String signer, BigInteger next) {
        gauge("crossbar.relayer.signer.nonce", "next nonce of a signing key", chain, signer).set(next.longValue());
    }

    void pending(String chain, String signer, int open) {
        gauge("crossbar.relayer.signer.pending", "transactions of a key in flight", chain, signer).set(open);
    }

    void balance(String chain, String signer, BigInteger wei) {
        // Gauges hold longs: keep gwei, which fits for any realistic balance.
        gauge("crossbar.relayer.signer.balance.gwei", "balance of a signing key, in gwei", chain, signer)
                .set(wei.divide(BigInteger.valueOf(1_000_000_000L)).longValue());
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

    void batch(int size) {
        DistributionSummary.builder("crossbar.relayer.batch.size").description("relays per batched transaction")
                .register(registry).record(size);
    }

    private Counter counter(String name, String description, String chain, String signer, String purpose) {
        return Counter.builder(name).description(description).tag("chain", chain).tag("signer", signer.toLowerCase())
                .tag("purpose", purpose).register(registry);
    }

    private AtomicLong gauge(String name, String description, String chain, String signer) {
        String id = name + "|" + chain + "|" + signer.toLowerCase();
        return gauges.computeIfAbsent(id, k -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(name, v, AtomicLong::get).description(description).tag("chain", chain)
                    .tag("signer", signer.toLowerCase()).register(registry);
            return v;
        });
    }

    /**
     * The Kafka consumer lag of this relayer's group member, {@code crossbar_kafka_consumer_lag{component="relayer",
     * topic}}: records between its position and the end of the partitions it owns, summed, from the consumer's own
     * per-partition {@code records-lag} metrics (0 while it owns none).
     */
    void consumerLag(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, String topic) {
        Gauge.builder("crossbar.kafka.consumer.lag", consumer, c -> recordsLag(c, topic))
                .description("records the consumer is behind the end of its partitions").tag("component", "relayer")
                .tag("topic", topic).register(registry);
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
}
