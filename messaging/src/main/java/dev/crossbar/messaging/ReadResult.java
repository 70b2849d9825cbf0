package dev.crossbar.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What a {@link RecordDecoder} made of a consumed record: a typed value, or the reason it was rejected. */
public sealed interface ReadResult<T> {
    ConsumerRecord<String, byte[]> source();

    /** A record the decoder understood, with what it decoded to. */
    record Valid<T>(T value, ConsumerRecord<String, byte[]> source) implements ReadResult<T> {}

    /** A record that cannot be read; {@code reason} says why, for the dead-letter topic. */
    record Rejected<T>(String reason, ConsumerRecord<String, byte[]> source) implements ReadResult<T> {}
}
