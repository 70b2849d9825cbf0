package dev.crossbar.messaging;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every Kafka client the services use, from one {@link KafkaClientConfig}. Rules:
 * <ul>
 *   <li>producers are idempotent with {@code acks=all} and at most 5 requests in flight, and retry until
 *       their delivery timeout: an acknowledged record is never lost, duplicated by a retry, or reordered
 *       within its key;</li>
 *   <li>consumers never auto-commit (the caller commits after the effect is durable, docs/architecture.md rule 1), read
 *       only committed records, and start from the earliest record when their group has no offset;</li>
 *   <li>overrides cannot weaken those settings: such an override is refused with the setting and the rule;</li>
 *   <li>each client's configuration is logged with secrets redacted ({@link ClientConfigRedaction}).</li>
 * </ul>
 */
public final class KafkaClients {
    private static final Logger log = LoggerFactory.getLogger(KafkaClients.class);
    private static final int MAX_IN_FLIGHT = 5;

    private final KafkaClientConfig config;
    private final AtomicInteger sequence = new AtomicInteger();

    public KafkaClients(KafkaClientConfig config) {
        this.config = config;
    }

    public KafkaClientConfig config() {
        return config;
    }

    /** Properties of a safe producer with String keys and the given value serializer. */
    public Map<String, Object> producerProperties(Class<? extends Serializer<?>> valueSerializer) {
        Map<String, Object> p = common("producer");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, Integer.toString(MAX_IN_FLIGHT));
        p.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(config.deliveryTimeout().toMillis()));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, valueSerializer);
        p.putAll(config.overrides());
        requireValue(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Set.of("true"), "producers are idempotent");
        requireValue(p, ProducerConfig.ACKS_CONFIG, Set.of("all", "-1"), "a record counts as sent only once all in-sync replicas have it");
        requireAtMost(p, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IN_FLIGHT,
                "idempotence keeps order only with at most 5 requests in flight");
        requireAtLeast(p, ProducerConfig.RETRIES_CONFIG, 1, "producers retry until their delivery timeout");
        return p;
    }

    /** Properties of a group member with String keys and the given value deserializer. */
    public Map<String, Object> consumerProperties(String groupId, Class<? extends Deserializer<?>> valueDeserializer) {
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("groupId is required");
        }
        Map<String, Object> p = common("consumer-" + groupId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, Long.toString(config.maxPollInterval().toMillis()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer);
        p.putAll(config.overrides());
        requireValue(p, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, Set.of("false"),
                "offsets are committed only after the effect is durable (docs/architecture.md rule 1)");
        requireValue(p, ConsumerConfig.ISOLATION_LEVEL_CONFIG, Set.of("read_committed"),
                "records of aborted transactions are never read");
        return p;
    }

    public Map<String, Object> adminProperties() {
        Map<String, Object> p = common("admin");
        p.putAll(config.overrides());
        return p;
    }

    /** An idempotent producer of JSON bytes, for {@link RecordEnvelope}s. */
    public Producer<String, byte[]> bytesProducer() {
        return new KafkaProducer<>(logged("producer", producerProperties(ByteArraySerializer.class)));
    }

    public Producer<String, String> stringProducer() {
        return new KafkaProducer<>(logged("producer", producerProperties(StringSerializer.class)));
    }

    /** A consumer of raw bytes: decoding happens in a {@link ConsumerLoop}'s decoder, so a bad record cannot break a poll. */
    public Consumer<String, byte[]> bytesConsumer(String groupId) {
        return new KafkaConsumer<>(logged("consumer", consumerProperties(groupId, ByteArrayDeserializer.class)));
    }

    public Consumer<String, String> stringConsumer(String groupId) {
        return new KafkaConsumer<>(logged("consumer", consumerProperties(groupId, StringDeserializer.class)));
    }

    /**
     * {@link #bytesConsumer(String)} with static group membership: {@code instanceId} (stable across restarts of the
     * same instance; null or blank for a dynamic member) lets a restarted member take its partitions back at once,
     * without waiting for the group to notice the old one is gone; {@code sessionTimeout} bounds how long a member that
     * died for good holds them.
     */
    public Consumer<String, byte[]> staticMemberBytesConsumer(String groupId, String instanceId,
            java.time.Duration sessionTimeout) {
        return new KafkaConsumer<>(logged("consumer", staticMember(consumerProperties(groupId,
                ByteArrayDeserializer.class), instanceId, sessionTimeout)));
    }

    private static Map<String, Object> staticMember(Map<String, Object> p, String instanceId,
            java.time.Duration sessionTimeout) {
        if (instanceId != null && !instanceId.isBlank()) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Long.toString(sessionTimeout.toMillis()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Long.toString(Math.max(500, sessionTimeout.toMillis() / 4)));
        return p;
    }

    public Admin admin() {
        return Admin.create(logged("admin", adminProperties()));
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.clientId() + "-" + role + "-" + sequence.incrementAndGet());
        return p;
    }

    private static Map<String, Object> logged(String role, Map<String, Object> properties) {
        log.info("creating kafka {}: clientId={} config={}", role, properties.get(CommonClientConfigs.CLIENT_ID_CONFIG),
                ClientConfigRedaction.redact(properties));
        return properties;
    }

    private static void requireValue(Map<String, Object> p, String key, Set<String> allowed, String rule) {
        String value = String.valueOf(p.get(key)).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw refused(key, p.get(key), rule);
        }
    }

    private static void requireAtMost(Map<String, Object> p, String key, int max, String rule) {
        if (asInt(p, key, rule) > max) {
            throw refused(key, p.get(key), rule);
        }
    }

    private static void requireAtLeast(Map<String, Object> p, String key, int min, String rule) {
        if (asInt(p, key, rule) < min) {
            throw refused(key, p.get(key), rule);
        }
    }

    private static int asInt(Map<String, Object> p, String key, String rule) {
        try {
            return Integer.parseInt(String.valueOf(p.get(key)).trim());
        } catch (NumberFormatException e) {
            throw refused(key, p.get(key), rule);
        }
    }

    private static IllegalArgumentException refused(String key, Object value, String rule) {
        return new IllegalArgumentException("Kafka client setting " + key + "=" + value + " is refused: " + rule);
    }
}
