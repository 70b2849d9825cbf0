package dev.crossbar.kafka.embedded;

import dev.crossbar.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kafka broker of a test JVM, for every module's integration tests. Rule: a test JVM starts at most
 * one broker, shares it between all its tests and stops it when the JVM exits; tests isolate themselves by
 * using their own topics ({@link #uniqueTopic}) and consumer groups, never by starting brokers.
 *
 * <p>Which broker, in this order:
 * <ol>
 *   <li>an external one, when the system property {@value #BOOTSTRAP_PROPERTY} or the environment variable
 *       {@value #BOOTSTRAP_ENV} names its bootstrap servers;</li>
 *   <li>a Testcontainers Kafka ({@code apache/kafka}), when Testcontainers is on the test classpath and Docker
 *       answers, unless {@value #MODE_PROPERTY}{@code =embedded} ({@code =container} insists on it);</li>
 *   <li>else an {@link EmbeddedKafka} whose data directory is {@code target/kafka-fixture/<pid>} (property
 *       {@value #DIR_PROPERTY} moves it), emptied when it starts and removed when the JVM exits.</li>
 * </ol>
 */
public final class KafkaFixture {
    public static final String BOOTSTRAP_PROPERTY = "crossbar.kafka.bootstrap";
    public static final String BOOTSTRAP_ENV = "CROSSBAR_TEST_KAFKA_BOOTSTRAP";
    public static final String MODE_PROPERTY = "crossbar.kafka.fixture";
    public static final String DIR_PROPERTY = "crossbar.kafka.fixture.dir";

    private static final Logger log = LoggerFactory.getLogger(KafkaFixture.class);
    private static Broker broker;
    private static RuntimeException failure;

    /** A running broker: what it is, where to reach it and how to stop it. */
    record Broker(String description, String bootstrapServers, Runnable stop) {}

    private KafkaFixture() {}

    /** Bootstrap servers of the shared broker, starting it on first use. */
    public static synchronized String bootstrapServers() {
        if (failure != null) {
            throw new IllegalStateException("the Kafka fixture failed to start earlier in this JVM", failure);
        }
        if (broker == null) {
            long startedAt = System.nanoTime();
            try {
                broker = startBroker();
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(broker.stop(), "crossbar-kafka-fixture-stop"));
            log.info("kafka fixture ready: broker={} bootstrap={} startMs={}", broker.description(),
                    broker.bootstrapServers(), (System.nanoTime() - startedAt) / 1_000_000);
        }
        return broker.bootstrapServers();
    }

    /** What the shared broker is (external, container or embedded), once started. */
    public static synchronized String description() {
        bootstrapServers();
        return broker.description();
    }

    /** A topic name no other test uses: {@code prefix-<random>}, legal for Kafka. */
    public static String uniqueTopic(String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
        return clean + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    private static Broker startBroker() {
        String external = System.getProperty(BOOTSTRAP_PROPERTY, System.getenv(BOOTSTRAP_ENV));
        if (external != null && !external.isBlank()) {
            return new Broker("external", external.trim(), () -> {});
        }
        String mode = System.getProperty(MODE_PROPERTY, "auto");
        if (!mode.equals("embedded") && ContainerKafka.onClasspath() && ContainerKafka.dockerAvailable()) {
            try {
                return ContainerKafka.start();
            } catch (RuntimeException e) {
                if (mode.equals("container")) {
                    throw e;
                }
                log.warn("kafka container did not start, using the embedded broker: error=\"{}\"", e.toString());
            }
        } else if (mode.equals("container")) {
            throw new IllegalStateException(MODE_PROPERTY + "=container but Testcontainers or Docker is not available");
        }
        return startEmbedded();
    }

    private static Broker startEmbedded() {
        Path dir = Path.of(System.getProperty(DIR_PROPERTY, "target/kafka-fixture"))
                .resolve(Long.toString(ProcessHandle.current().pid()))
                .toAbsolutePath();
        TempDirs.delete(dir);
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir));
        return new Broker("embedded pid " + kafka.pid() + " in " + dir, kafka.bootstrapServers(), () -> {
            kafka.close();
            TempDirs.delete(dir);
        });
    }
}
