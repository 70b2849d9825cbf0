package dev.crossbar.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Building and reading records in tests. */
final class TestRecords {
    private TestRecords() {}

    static ConsumerRecord<String, byte[]> consumed(String schema, String type, String value) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("t", 0, 7L, "key-1",
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        if (schema != null) {
            record.headers().add(RecordHeaders.SCHEMA, schema.getBytes(StandardCharsets.UTF_8));
        }
        if (type != null) {
            record.headers().add(RecordHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }

    static ProducerRecord<String, byte[]> raw(String topic, String key, String schema, String value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8));
        record.headers().add(RecordHeaders.SCHEMA, schema.getBytes(StandardCharsets.UTF_8));
        record.headers().add(RecordHeaders.TYPE, "Transfer".getBytes(StandardCharsets.UTF_8));
        return record;
    }

    static ProducerRecord<String, byte[]> transfer(String topic, String key, String id, long seq) {
        return new RecordEnvelope<>(RecordHeaders.EVENT_SCHEMA, "Transfer", key, new Transfer(id, seq))
                .toProducerRecord(topic);
    }

    /** Reads {@code topic} from the start until {@code expected} records arrived or 30 s passed. */
    static List<ConsumerRecord<String, byte[]>> readAll(Consumer<String, byte[]> consumer, String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (seen.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        consumer.close();
        return seen;
    }
}
