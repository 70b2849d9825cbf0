package dev.crossbar.store;

import java.time.Instant;

/**
 * A record waiting to be published to Kafka. Written in the same transaction as the change it announces,
 * published afterwards, and marked published only once the broker acknowledged it.
 *
 * @param id ascending in the order the records were written
 * @param topic the logical topic (e.g. "events", "messages"); the publisher maps it to a Kafka topic name
 * @param key the Kafka record key (keeps per-stream order)
 * @param payload the record value (JSON)
 */
public record OutboxRecord(long id, String topic, String key, String payload, Instant createdAt) {}
