package dev.crossbar.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes a consumed record for a {@link ConsumerLoop}. Rule: bad input is {@link ReadResult.Rejected} with a reason a
 * person can act on, never an exception; the loop sends it to the dead-letter topic with that reason
 * (docs/architecture.md rule 5). {@link RecordReader} is the decoder of records that follow the conventions.
 */
@FunctionalInterface
public interface RecordDecoder<T> {
    ReadResult<T> read(ConsumerRecord<String, byte[]> record);
}
