package dev.crossbar.messaging;

import dev.crossbar.core.json.Json;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A self-describing Crossbar record: its schema and type travel as headers ({@link RecordHeaders}) and its
 * value is JSON written by the one mapper of the system ({@link Json}). Rule: a record without a versioned
 * schema, a type or a value cannot be built, so it cannot be sent.
 *
 * @param schema  {@code name/vN}, e.g. {@value RecordHeaders#EVENT_SCHEMA}
 * @param type    what the value is within its schema, e.g. {@code WithdrawalInitiated}
 * @param key     the partitioning key (e.g. source chain and nonce stream), so order holds where it must
 * @param value   the payload, written as JSON
 */
public record RecordEnvelope<T>(String schema, String type, String key, T value) {
    private static final Pattern SCHEMA_FORMAT = Pattern.compile("[a-z0-9][a-z0-9.-]*/v[1-9][0-9]*");

    public RecordEnvelope {
        if (schema == null || !SCHEMA_FORMAT.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must look like crossbar.event/v1, was '" + schema + "'");
        }
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("type is required");
        }
        if (value == null) {
            throw new IllegalArgumentException("value is required");
        }
    }

    /** The record to send to {@code topic}, with the schema and type headers and the value as JSON bytes. */
    public ProducerRecord<String, byte[]> toProducerRecord(String topic) {
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + type + " as JSON: " + e.getOriginalMessage(), e);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, json);
        RecordHeaders.put(record.headers(), RecordHeaders.SCHEMA, schema);
        RecordHeaders.put(record.headers(), RecordHeaders.TYPE, type);
        return record;
    }
}
