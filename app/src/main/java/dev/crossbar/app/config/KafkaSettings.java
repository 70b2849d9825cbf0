package dev.crossbar.app.config;

import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.TopicSpec;
import dev.crossbar.messaging.TopicsConfig;
import java.time.Duration;
import java.util.function.Function;

/**
 * The {@code kafka} section: how the services reach Kafka and which topics they use.
 */
public record KafkaSettings(String bootstrapServers, String clientId, Duration deliveryTimeout, int maxPollRecords,
        Duration maxPollInterval, TopicsConfig topics, KafkaProperties properties) {

    static final Key<String> BOOTSTRAP = Key.required("bootstrapServers", Types.BOOTSTRAP,
            "the brokers, host:port[,host:port...]");
    static final Key<String> CLIENT_ID = Key.of("clientId", Types.TEXT, "crossbar",
            "names this service in broker logs and quotas; each client adds a suffix");
    static final Key<Duration> DELIVERY_TIMEOUT = Key.of("deliveryTimeout", Types.DURATION,
            Types.formatDuration(KafkaClientConfig.DEFAULT_DELIVERY_TIMEOUT),
            "how long a producer retries one record before failing it (delivery.timeout.ms)");
    static final Key<Integer> MAX_POLL_RECORDS = Key.of("maxPollRecords", Types.integer(1, 100_000),
            Integer.toString(KafkaClientConfig.DEFAULT_MAX_POLL_RECORDS), "at most this many records per poll");
    static final Key<Duration> MAX_POLL_INTERVAL = Key.of("maxPollInterval", Types.DURATION,
            Types.formatDuration(KafkaClientConfig.DEFAULT_MAX_POLL_INTERVAL),
            "the longest a consumer may take between polls before it leaves its group");
    static final Key<KafkaProperties> PROPERTIES = Key.optional("properties", RefTypes.KAFKA_PROPERTIES, "none",
            "raw Kafka client properties applied last (e.g. security.protocol, sasl.mechanism); values holding a"
                    + " secret (names with password, secret, jaas, token, or ending in .key) must be secret references;"
                    + " the safety settings (idempotence, acks=all, no auto-commit) cannot be weakened");

    static final Key<String> PREFIX = Key.of("prefix", Types.TOPIC, TopicsConfig.DEFAULT_PREFIX,
            "prefix of the default topic names (<prefix>.events, .messages, .control, .deadletter)");
    static final Key<Integer> REPLICATION = Key.of("replicationFactor", Types.integer(1, 32), "1",
            "copies of each partition: 1 for a single broker, 3 in production");
    static final TopicKeys EVENTS = new TopicKeys("events", "protocol events from the watchers", 6, "7d");
    static final TopicKeys MESSAGES = new TopicKeys("messages", "message lifecycle changes, what the relayer consumes",
            6, "7d");
    static final TopicKeys CONTROL = new TopicKeys("control", "circuit-breaker state, one ordered stream", 1, "30d");
    static final TopicKeys DEAD_LETTER = new TopicKeys("deadletter",
            "records that could not be processed, with the reason", 1, "30d");
    static final Section TOPICS = Section.mapping("topics",
            "Topic names, partitions and retention; missing topics are created at start.",
            PREFIX, REPLICATION, EVENTS.section, MESSAGES.section, CONTROL.section, DEAD_LETTER.section);

    static final Section SECTION = Section.mapping("kafka", "Kafka: the brokers, the clients and the topics.",
            BOOTSTRAP, CLIENT_ID, DELIVERY_TIMEOUT, MAX_POLL_RECORDS, MAX_POLL_INTERVAL, TOPICS, PROPERTIES);

    /** The clients' configuration, secrets resolved through {@code env} (never logged in clear). */
    public KafkaClientConfig clientConfig(Function<String, String> env) {
        return new KafkaClientConfig(bootstrapServers, clientId, deliveryTimeout, maxPollRecords, maxPollInterval,
                properties.resolve(env));
    }

    static KafkaSettings read(SectionReader root) {
        SectionReader r = root.section(SECTION);
        String bootstrap = r.get(BOOTSTRAP);
        String clientId = r.get(CLIENT_ID);
        Duration delivery = r.get(DELIVERY_TIMEOUT);
        Integer maxPoll = r.get(MAX_POLL_RECORDS);
        Duration maxInterval = r.get(MAX_POLL_INTERVAL);
        TopicsConfig topics = readTopics(r.section(TOPICS));
        KafkaProperties properties = r.get(PROPERTIES);
        return new KafkaSettings(bootstrap, clientId, delivery, maxPoll == null ? 1 : maxPoll, maxInterval, topics,
                properties == null ? KafkaProperties.none() : properties);
    }

    private static TopicsConfig readTopics(SectionReader t) {
        String prefix = t.get(PREFIX);
        Integer replication = t.get(REPLICATION);
        TopicSpec events = EVENTS.read(t, prefix);
        TopicSpec messages = MESSAGES.read(t, prefix);
        TopicSpec control = CONTROL.read(t, prefix);
        TopicSpec deadLetter = DEAD_LETTER.read(t, prefix);
        if (prefix == null || replication == null || events == null || messages == null || control == null
                || deadLetter == null) {
            return null;
        }
        try {
            return new TopicsConfig(events, messages, control, deadLetter, replication.shortValue());
        } catch (IllegalArgumentException e) {
            t.problem(e.getMessage());
            return null;
        }
    }

    /** The keys of one topic, with that topic's defaults. */
    static final class TopicKeys {
        final String topic;
        final Key<String> name;
        final Key<Integer> partitions;
        final Key<Duration> retention;
        final Section section;

        TopicKeys(String topic, String what, int defaultPartitions, String defaultRetention) {
            this.topic = topic;
            this.name = Key.optional("name", Types.TOPIC, "<prefix>." + topic, "the topic's name");
            this.partitions = Key.of("partitions", Types.integer(1, 10_000), Integer.toString(defaultPartitions),
                    "partitions, when the topic is created");
            this.retention = Key.of("retention", Types.DURATION, defaultRetention, "how long records are kept");
            this.section = Section.mapping(topic, "The " + topic + " topic: " + what + ".", name, partitions,
                    retention);
        }

        TopicSpec read(SectionReader topics, String prefix) {
            SectionReader r = topics.section(section);
            String n = r.get(name);
            if (n == null && !r.has(name) && prefix != null) {
                n = prefix + "." + topic;
                r.setEffective(name, n);
            }
            Integer p = r.get(partitions);
            Duration d = r.get(retention);
            return n == null || p == null || d == null ? null : new TopicSpec(n, p, d);
        }
    }
}
