package dev.crossbar.kafka.embedded;

import java.nio.file.Path;
import java.util.List;

/**
 * The command line of the broker's child JVM: this JVM's Java and classpath (which carry the Kafka broker
 * artifacts this module depends on), a small heap, and flags that favour a fast start over peak throughput.
 */
final class BrokerCommand {
    private static final String BROKER_CLASS = "kafka.Kafka";

    private BrokerCommand() {}

    static List<String> build(EmbeddedKafkaConfig config, BrokerLayout layout, String clusterId) {
        // Absolute entries: the broker JVM runs in the data directory, where relative ones would point nowhere.
        String classpath = java.util.Arrays.stream(System.getProperty("java.class.path", "")
                        .split(java.io.File.pathSeparator))
                .filter(e -> !e.isBlank())
                .map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        requireBrokerOnClasspath(classpath);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return List.of(
                java.toString(),
                "-Xmx" + config.heap(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + layout.loggingConfig(),
                "-cp", classpath,
                BrokerMain.class.getName(),
                layout.serverProperties().toString(),
                layout.kafkaLogs().toString(),
                clusterId);
    }

    private static void requireBrokerOnClasspath(String classpath) {
        try {
            Class.forName(BROKER_CLASS, false, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException e) {
            throw new EmbeddedKafkaException("the Kafka broker (" + BROKER_CLASS + ", artifact org.apache.kafka:kafka_2.13)"
                    + " is not on the system classpath, so the broker JVM cannot be started; classpath=" + classpath);
        }
    }
}
