package dev.crossbar.messaging;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a service reaches Kafka. Security settings (SASL, TLS) go in {@code overrides} as raw Kafka client
 * properties; they are never logged in clear ({@link ClientConfigRedaction}).
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param clientId         names this service in broker logs and quotas; each client gets it plus a suffix
 * @param deliveryTimeout  how long a producer keeps retrying one record before failing it ({@code delivery.timeout.ms})
 * @param maxPollRecords   at most this many records per poll ({@code max.poll.records})
 * @param maxPollInterval  the longest a consumer may take between polls before it leaves its group
 * @param overrides        raw Kafka client properties applied last; the safety settings cannot be weakened
 */
public record KafkaClientConfig(
        String bootstrapServers,
        String clientId,
        Duration deliveryTimeout,
        int maxPollRecords,
        Duration maxPollInterval,
        Map<String, String> overrides) {

    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_POLL_RECORDS = 100;
    public static final Duration DEFAULT_MAX_POLL_INTERVAL = Duration.ofMinutes(5);

    public KafkaClientConfig {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is required");
        }
        if (deliveryTimeout == null || deliveryTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("deliveryTimeout must be at least 1s, was " + deliveryTimeout);
        }
        if (maxPollRecords < 1) {
            throw new IllegalArgumentException("maxPollRecords must be at least 1, was " + maxPollRecords);
        }
        if (maxPollInterval == null || maxPollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("maxPollInterval must be at least 1s, was " + maxPollInterval);
        }
        Objects.requireNonNull(overrides, "overrides");
        overrides.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("overrides must not hold null keys or values (key " + k + ")");
            }
        });
        overrides = Map.copyOf(overrides);
    }

    public static KafkaClientConfig of(String bootstrapServers, String clientId) {
        return new KafkaClientConfig(bootstrapServers, clientId, DEFAULT_DELIVERY_TIMEOUT, DEFAULT_MAX_POLL_RECORDS,
                DEFAULT_MAX_POLL_INTERVAL, Map.of());
    }

    public KafkaClientConfig withOverride(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(overrides);
        more.put(key, value);
        return new KafkaClientConfig(bootstrapServers, clientId, deliveryTimeout, maxPollRecords, maxPollInterval, more);
    }

    public KafkaClientConfig withMaxPollRecords(int records) {
        return new KafkaClientConfig(bootstrapServers, clientId, deliveryTimeout, records, maxPollInterval, overrides);
    }

    public KafkaClientConfig withDeliveryTimeout(Duration timeout) {
        return new KafkaClientConfig(bootstrapServers, clientId, timeout, maxPollRecords, maxPollInterval, overrides);
    }

    public KafkaClientConfig withMaxPollInterval(Duration interval) {
        return new KafkaClientConfig(bootstrapServers, clientId, deliveryTimeout, maxPollRecords, interval, overrides);
    }
}
