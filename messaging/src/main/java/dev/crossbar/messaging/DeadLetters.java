package dev.crossbar.messaging;

import dev.crossbar.core.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets a record that cannot be processed aside on the dead-letter topic (docs/architecture.md rule 5: bad input is set
 * aside with its reason and never lost). Rule: {@link #send} returns only once the broker has the dead letter,
 * so the caller may then commit the original's offset; it throws otherwise, and the original must not be
 * committed.
 *
 * <p>The dead letter keeps the original key (so it lands in order with its key's other dead letters),
 * carries the reason and the original's coordinates in headers ({@code crossbar-dlq-*}), and wraps the
 * original in its JSON value ({@link DeadLetter}).
 */
public final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /** Longest reason kept in the header; the JSON value keeps it whole. */
    static final int MAX_REASON_HEADER = 1000;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final Clock clock;
    private final Duration sendTimeout;

    public DeadLetters(Producer<String, byte[]> producer, String topic, Clock clock, Duration sendTimeout) {
        this.producer = producer;
        this.topic = topic;
        this.clock = clock;
        this.sendTimeout = sendTimeout;
    }

    public DeadLetters(Producer<String, byte[]> producer, TopicsConfig topics) {
        this(producer, topics.deadLetter().name(), Clock.systemUTC(), Duration.ofSeconds(30));
    }

    public String topic() {
        return topic;
    }

    /**
     * Publishes {@code record} to the dead-letter topic with {@code reason} and waits for the broker's ack.
     *
     * @throws KafkaException when the broker did not take it; the original must then be retried, not committed
     */
    public void send(ConsumerRecord<String, byte[]> record, String reason) {
        Instant at = clock.instant();
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(topic, record.key(),
                Json.write(DeadLetter.of(record, reason, at)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        RecordHeaders.put(letter.headers(), RecordHeaders.SCHEMA, RecordHeaders.DEAD_LETTER_SCHEMA);
        RecordHeaders.put(letter.headers(), RecordHeaders.TYPE, "DeadLetter");
        RecordHeaders.put(letter.headers(), RecordHeaders.DLQ_REASON, truncate(reason));
        RecordHeaders.put(letter.headers(), RecordHeaders.DLQ_SOURCE_TOPIC, record.topic());
        RecordHeaders.put(letter.headers(), RecordHeaders.DLQ_SOURCE_PARTITION, Integer.toString(record.partition()));
        RecordHeaders.put(letter.headers(), RecordHeaders.DLQ_SOURCE_OFFSET, Long.toString(record.offset()));
        RecordHeaders.put(letter.headers(), RecordHeaders.DLQ_AT, at.toString());
        try {
            producer.send(letter).get(sendTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaException("cannot publish dead letter to " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("no ack within " + sendTimeout + " for dead letter to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing dead letter to " + topic, e);
        }
        log.warn("record dead-lettered: topic={} partition={} offset={} key={} deadLetterTopic={} reason=\"{}\"",
                record.topic(), record.partition(), record.offset(), record.key(), topic, reason);
    }

    private static String truncate(String reason) {
        return reason.length() <= MAX_REASON_HEADER ? reason : reason.substring(0, MAX_REASON_HEADER - 3) + "...";
    }
}
