package dev.crossbar.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What {@link RecordReader} made of a consumed record: a typed envelope, or the reason it was rejected. */
public sealed interface ReadResult<T> {
    ConsumerRecord<String, byte[]> source();

    /** A record with a known schema and a value of the schema's type. */
    record Valid<T>(RecordEnvelope<T> envelope, ConsumerRecord<String, byte[]> source) implements ReadResult<T> {
        public T value() {
            return envelope.value();
        }
    }

    /** A record that cannot be read; {@code reason} says why, for the dead-letter topic. */
    record Rejected<T>(String reason, ConsumerRecord<String, byte[]> source) implements ReadResult<T> {}
}
