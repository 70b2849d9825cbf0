package dev.crossbar.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
    @TempDir
    Path tmp;

    @Test
    void producedRecordIsConsumedAndCloseLeavesNoBrokerProcess() throws Exception {
        long pid;
        Path logFile;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(tmp.resolve("data")))) {
            pid = kafka.pid();
            logFile = kafka.logFile();
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            assertThat(ProcessHandle.of(pid)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());

            produce(kafka.bootstrapServers(), "greetings", "k1", "hello");
            assertThat(consumeAll(kafka.bootstrapServers(), "greetings", 1)).containsExactly("k1=hello");
            assertThat(kafka.logFile()).isRegularFile();
            assertThat(Files.readString(kafka.logFile())).contains("Kafka Server started");
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(Files.readString(logFile)).as("a clean shutdown, not a kill").contains("shut down completed");
    }

    @Test
    void messagesAndClusterIdSurviveARestartOnTheSameDataDir() throws Exception {
        Path dir = tmp.resolve("restart");
        String clusterId;
        try (EmbeddedKafka first = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir))) {
            clusterId = first.clusterId();
            produce(first.bootstrapServers(), "durable", "k", "before-restart");

            assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir)))
                    .as("a second broker on a directory in use")
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("another embedded broker is running on it");
            assertThat(first.isRunning()).isTrue();
        }
        try (EmbeddedKafka second = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir))) {
            assertThat(second.clusterId()).isEqualTo(clusterId);
            produce(second.bootstrapServers(), "durable", "k", "after-restart");
            assertThat(consumeAll(second.bootstrapServers(), "durable", 2))
                    .containsExactly("k=before-restart", "k=after-restart");
        }
    }

    @Test
    void startFailsClearlyWhenTheDataDirIsAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(file)))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is unusable")
                .hasMessageContaining("not a directory");
    }

    @Test
    void startFailsClearlyWhenTheDataDirCannotBeCreated() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        Path below = file.resolve("data");
        assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(below)))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining(below.toString())
                .hasMessageContaining("is unusable");
    }

    @Test
    void aBrokerThatCannotStartIsReportedWithItsLogAndLeavesNoProcess() {
        Path dir = tmp.resolve("broken");
        // A broker setting Kafka rejects makes the child exit during start.
        EmbeddedKafkaConfig config = EmbeddedKafkaConfig.forDataDir(dir)
                .withBrokerProperty("num.io.threads", "not-a-number");
        int before = childrenOfThisJvm();
        assertThatThrownBy(() -> EmbeddedKafka.start(config))
                .isInstanceOf(EmbeddedKafkaException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining(dir.resolve("broker.log").toString())
                .hasMessageContaining("num.io.threads");
        assertThat(childrenOfThisJvm()).isEqualTo(before);
    }

    private static int childrenOfThisJvm() {
        return (int) ProcessHandle.current().children().filter(ProcessHandle::isAlive).count();
    }

    static void produce(String bootstrap, String topic, String key, String value) throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    static List<String> consumeAll(String bootstrap, String topic, int expected) {
        List<String> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
        }
        return seen;
    }
}
