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
