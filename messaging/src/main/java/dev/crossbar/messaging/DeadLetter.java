package dev.crossbar.messaging;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.crossbar.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The JSON value of a dead-letter record (schema {@value RecordHeaders#DEAD_LETTER_SCHEMA}): the original
 * record, complete enough to inspect or replay it, and why it was set aside.
 *
 * @param value         the original value: embedded as JSON when it was JSON, else as text when it was
 *                      UTF-8, else base64; {@code valueEncoding} says which ({@code json}, {@code text},
 *                      {@code base64}, or {@code none} for a missing value)
 * @param headers       the original headers, as UTF-8 text
 */
public record DeadLetter(
        String reason,
        Instant at,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        Instant sourceTimestamp,
        String key,
        Map<String, String> headers,
        String valueEncoding,
        JsonNode value) {

    public static DeadLetter of(ConsumerRecord<String, byte[]> record, String reason, Instant at) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        byte[] raw = record.value();
        String encoding;
        JsonNode value;
        if (raw == null) {
            encoding = "none";
            value = JsonNodeFactory.instance.nullNode();
        } else if (!Utf8.isValid(raw)) {
            encoding = "base64";
            value = JsonNodeFactory.instance.textNode(Base64.getEncoder().encodeToString(raw));
        } else {
            JsonNode parsed = tryParse(raw);
            encoding = parsed != null ? "json" : "text";
            value = parsed != null ? parsed : JsonNodeFactory.instance.textNode(new String(raw, StandardCharsets.UTF_8));
        }
        return new DeadLetter(reason, at, record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), record.key(), headers, encoding, value);
    }

    private static JsonNode tryParse(byte[] raw) {
        try {
            return raw.length == 0
                    ? null
                    : Json.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(raw);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
