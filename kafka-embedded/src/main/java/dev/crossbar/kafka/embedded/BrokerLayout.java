package dev.crossbar.kafka.embedded;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The files of one embedded broker inside its data directory: the Kafka log ({@code kafka-logs/}, which also
 * holds {@code meta.properties} with the cluster id written when the storage is formatted), the generated
 * {@code server.properties}, the broker's own log file {@code broker.log} and its logging config.
 *
 * <p>Rule: a data directory that cannot be used is refused before any process starts, with the path and
 * the reason.
 */
record BrokerLayout(Path dataDir) {
    private static final long MAX_LOG_BYTES = 20L * 1024 * 1024;

    /** Checks that {@code dataDir} is (or can become) a writable directory and creates it. */
    static BrokerLayout prepare(Path dataDir) {
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw unusable(dataDir, "it exists and is not a directory");
        }
        try {
            Files.createDirectories(dataDir.resolve("kafka-logs"));
            Path probe = Files.createTempFile(dataDir, ".write-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw unusable(dataDir, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return new BrokerLayout(dataDir);
    }

    Path kafkaLogs() {
        return dataDir.resolve("kafka-logs");
    }

    Path serverProperties() {
        return dataDir.resolve("server.properties");
    }

    Path logFile() {
        return dataDir.resolve("broker.log");
    }

    Path loggingConfig() {
        return dataDir.resolve("broker-logback.xml");
    }

    /** The cluster id this directory was formatted with, if it was. */
    Optional<String> clusterId() {
        Path meta = kafkaLogs().resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(in);
            return Optional.ofNullable(p.getProperty("cluster.id")).filter(s -> !s.isBlank());
        } catch (IOException e) {
            throw unusable(dataDir, "cannot read " + meta + ": " + e.getMessage());
        }
    }

    /** Writes the broker's logging config: everything to standard output, which goes to {@link #logFile()}. */
    void writeLoggingConfig() throws IOException {
        Files.writeString(loggingConfig(), """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.kafka.clients" level="WARN"/>
                  <logger name="org.apache.kafka.common.config" level="WARN"/>
                  <logger name="kafka.server.KafkaConfig" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """, StandardCharsets.UTF_8);
    }

    /** Keeps one previous broker log when the current one has grown large, so restarts do not grow it forever. */
    void rotateLogIfLarge() throws IOException {
        Path log = logFile();
        if (Files.isRegularFile(log) && Files.size(log) > MAX_LOG_BYTES) {
            Files.move(log, dataDir.resolve("broker.log.1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A line in the broker log where this start's output begins. */
    void markStartInLog(int port) throws IOException {
        Files.writeString(logFile(), "==== crossbar embedded kafka starting at " + java.time.Instant.now() + " on port "
                + port + " ====\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static EmbeddedKafkaException unusable(Path dataDir, String why) {
        return new EmbeddedKafkaException("embedded Kafka data directory " + dataDir + " is unusable: " + why);
    }
}
