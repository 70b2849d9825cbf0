package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void deadLetterCarriesReasonAndSourceInHeadersAndWrapsTheOriginal() {
        var producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        var deadLetters = new DeadLetters(producer, "x.deadletter", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(1));
        ConsumerRecord<String, byte[]> original = TestRecords.consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", "{\"id\":\"a\"}");

        deadLetters.send(original, "permanent failure: no such chain");

        assertThat(producer.history()).hasSize(1);
        ProducerRecord<String, byte[]> letter = producer.history().getFirst();
        assertThat(letter.topic()).isEqualTo("x.deadletter");
        assertThat(letter.key()).isEqualTo("key-1");
        assertThat(header(letter, RecordHeaders.DLQ_REASON)).isEqualTo("permanent failure: no such chain");
        assertThat(header(letter, RecordHeaders.DLQ_SOURCE_TOPIC)).isEqualTo("t");
        assertThat(header(letter, RecordHeaders.DLQ_SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(letter, RecordHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("7");
        assertThat(header(letter, RecordHeaders.DLQ_AT)).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(header(letter, RecordHeaders.SCHEMA)).isEqualTo(RecordHeaders.DEAD_LETTER_SCHEMA);

        DeadLetter value = Json.read(new String(letter.value(), StandardCharsets.UTF_8), DeadLetter.class);
        assertThat(value.reason()).isEqualTo("permanent failure: no such chain");
        assertThat(value.sourceOffset()).isEqualTo(7);
        assertThat(value.valueEncoding()).isEqualTo("json");
        assertThat(value.value().get("id").asText()).isEqualTo("a");
        assertThat(value.headers()).containsEntry(RecordHeaders.SCHEMA, RecordHeaders.EVENT_SCHEMA);
    }

    @Test
    void originalsThatAreNotJsonAreKeptAsTextOrBase64() {
        var text = DeadLetter.of(TestRecords.consumed("s/v1", "T", "{oops"), "r", NOW);
        assertThat(text.valueEncoding()).isEqualTo("text");
        assertThat(text.value().asText()).isEqualTo("{oops");

        var binary = DeadLetter.of(new ConsumerRecord<>("t", 0, 0L, "k", new byte[] {(byte) 0xFF, 0x01}), "r", NOW);
        assertThat(binary.valueEncoding()).isEqualTo("base64");
        assertThat(binary.value().asText()).isEqualTo("/wE=");
    }

    @Test
    void aDeadLetterTheBrokerRefusesIsAnErrorSoTheOriginalIsNotCommitted() {
        var producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
        var deadLetters = new DeadLetters(producer, "x.deadletter", Clock.systemUTC(), Duration.ofSeconds(5));
        Thread.ofVirtual().start(() -> {
            while (producer.history().isEmpty()) {
                Thread.onSpinWait();
            }
            producer.errorNext(new KafkaException("broker down"));
        });
        assertThatThrownBy(() -> deadLetters.send(TestRecords.consumed("s/v1", "T", "{}"), "r"))
                .isInstanceOf(KafkaException.class).hasMessageContaining("broker down");
    }

    private static String header(ProducerRecord<String, byte[]> record, String name) {
        return RecordHeaders.lastValue(record.headers(), name).orElse(null);
    }
}
