package dev.crossbar.kafka.embedded;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run the embedded broker. Rule: the broker's data always lives in a directory the caller names
 * ({@code dataDir}), never in a temporary folder, so that a restart with the same directory resumes the same
 * cluster and log. Every field is checked here, and an error names the field.
 *
 * @param dataDir          where the broker keeps its log, its config and its own log file; created if missing
 * @param port             the client (PLAINTEXT) port on 127.0.0.1; 0 picks a free one at each start
 * @param numPartitions    partitions of an auto-created topic ({@code num.partitions})
 * @param heap             the broker JVM's maximum heap, as for {@code -Xmx} (e.g. {@code 256m})
 * @param startTimeout     how long to wait for the broker to answer before giving up
 * @param brokerProperties extra broker settings; the ones that decide the node's identity and listeners
 *                         ({@link #RESERVED_PROPERTIES}) are set here only and refused
 */
public record EmbeddedKafkaConfig(
        Path dataDir,
        int port,
        int numPartitions,
        String heap,
        Duration startTimeout,
        Map<String, String> brokerProperties) {

    public static final String DEFAULT_HEAP = "256m";
    public static final int DEFAULT_PARTITIONS = 3;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(90);

    /** Settings that define the single node and where it listens; owned by {@link BrokerProperties}. */
    public static final Set<String> RESERVED_PROPERTIES = Set.of(
            "process.roles", "node.id", "listeners", "advertised.listeners", "listener.security.protocol.map",
            "controller.listener.names", "inter.broker.listener.name", "controller.quorum.voters",
            "controller.quorum.bootstrap.servers", "log.dirs", "log.dir", "metadata.log.dir");

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]");

    public EmbeddedKafkaConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir is required: the broker never writes to a temporary folder");
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (pick a free one) or 1-65535, was " + port);
        }
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be at least 1, was " + numPartitions);
        }
        if (heap == null || !HEAP.matcher(heap).matches()) {
            throw new IllegalArgumentException("heap must look like 256m or 1g (as for -Xmx), was " + heap);
        }
        if (startTimeout == null || startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
        }
        Objects.requireNonNull(brokerProperties, "brokerProperties");
        for (var e : brokerProperties.entrySet()) {
            if (RESERVED_PROPERTIES.contains(e.getKey())) {
                throw new IllegalArgumentException("brokerProperties must not set " + e.getKey()
                        + ": the embedded broker sets it itself");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("brokerProperties." + e.getKey() + " has no value");
            }
        }
        brokerProperties = Map.copyOf(brokerProperties);
    }

    /** Defaults for everything but the data directory: a free port, small heap, 3 partitions. */
    public static EmbeddedKafkaConfig forDataDir(Path dataDir) {
        return new EmbeddedKafkaConfig(dataDir, 0, DEFAULT_PARTITIONS, DEFAULT_HEAP, DEFAULT_START_TIMEOUT, Map.of());
    }

    public EmbeddedKafkaConfig withPort(int newPort) {
        return new EmbeddedKafkaConfig(dataDir, newPort, numPartitions, heap, startTimeout, brokerProperties);
    }

    public EmbeddedKafkaConfig withNumPartitions(int partitions) {
        return new EmbeddedKafkaConfig(dataDir, port, partitions, heap, startTimeout, brokerProperties);
    }

    public EmbeddedKafkaConfig withHeap(String newHeap) {
        return new EmbeddedKafkaConfig(dataDir, port, numPartitions, newHeap, startTimeout, brokerProperties);
    }

    public EmbeddedKafkaConfig withStartTimeout(Duration timeout) {
        return new EmbeddedKafkaConfig(dataDir, port, numPartitions, heap, timeout, brokerProperties);
    }

    public EmbeddedKafkaConfig withBrokerProperty(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(brokerProperties);
        more.put(key, value);
        return new EmbeddedKafkaConfig(dataDir, port, numPartitions, heap, startTimeout, more);
    }
}
