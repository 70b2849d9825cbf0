package dev.crossbar.messaging;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.crossbar.core.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Checks a consumed record against the conventions and decodes it. Rule: only a record whose
 * {@value RecordHeaders#SCHEMA} is one this consumer knows, that names its {@value RecordHeaders#TYPE}, and
 * whose value is UTF-8 JSON of the schema's class is {@link ReadResult.Valid}; anything else is
 * {@link ReadResult.Rejected} with a reason a person can act on (docs/architecture.md rule 5). It never throws for bad
 * input.
 *
 * @param <T> what the known schemas decode to (a common supertype when there are several)
 */
public final class RecordReader<T> implements RecordDecoder<T> {
    private final Map<String, Class<? extends T>> schemas;

    /** @param schemas the schemas this consumer reads, each with the class its JSON value decodes to */
    public RecordReader(Map<String, Class<? extends T>> schemas) {
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("schemas must name at least one schema");
        }
        this.schemas = new LinkedHashMap<>(schemas);
    }

    public static <T> RecordReader<T> of(String schema, Class<T> type) {
        return new RecordReader<>(Map.of(schema, type));
    }

    @Override
    public ReadResult<T> read(ConsumerRecord<String, byte[]> record) {
        Optional<String> schema = RecordHeaders.lastValue(record.headers(), RecordHeaders.SCHEMA);
        if (schema.isEmpty()) {
            return reject("missing header " + RecordHeaders.SCHEMA, record);
        }
        Class<? extends T> type = schemas.get(schema.get());
        if (type == null) {
            return reject("unknown schema '" + schema.get() + "' (this consumer reads " + schemas.keySet() + ")", record);
        }
        Optional<String> recordType = RecordHeaders.lastValue(record.headers(), RecordHeaders.TYPE).filter(t -> !t.isBlank());
        if (recordType.isEmpty()) {
            return reject("missing header " + RecordHeaders.TYPE, record);
        }
        if (record.value() == null) {
            return reject("no value (a tombstone) for schema " + schema.get(), record);
        }
        if (record.value().length == 0) {
            return reject("value is empty", record);
        }
        if (!Utf8.isValid(record.value())) {
            return reject("value is not UTF-8 text", record);
        }
        try {
            T value = Json.MAPPER.readerFor(type)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(record.value());
            if (value == null) {
                return reject("value is JSON null", record);
            }
            return new ReadResult.Valid<>(value, record);
        } catch (JsonParseException e) {
            return reject("value is not valid JSON: " + e.getOriginalMessage(), record);
        } catch (JacksonException e) {
            return reject("value does not match schema " + schema.get() + " (" + type.getSimpleName() + "): "
                    + e.getOriginalMessage(), record);
        } catch (java.io.IOException | RuntimeException e) {
            return reject("value cannot be decoded: " + e, record);
        }
    }

    private ReadResult<T> reject(String reason, ConsumerRecord<String, byte[]> record) {
        return new ReadResult.Rejected<>(reason, record);
    }
}
