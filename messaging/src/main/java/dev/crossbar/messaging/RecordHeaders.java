package dev.crossbar.messaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The header names of Crossbar records and the schemas they announce. Rule: every record carries
 * {@value #SCHEMA} (format and version of its JSON value, e.g. {@value #EVENT_SCHEMA}) and {@value #TYPE}
 * (what it is within that schema); a dead letter also carries where it came from and why it was set aside.
 */
public final class RecordHeaders {
    public static final String SCHEMA = "crossbar-schema";
    public static final String TYPE = "crossbar-type";

    public static final String DLQ_REASON = "crossbar-dlq-reason";
    public static final String DLQ_SOURCE_TOPIC = "crossbar-dlq-source-topic";
    public static final String DLQ_SOURCE_PARTITION = "crossbar-dlq-source-partition";
    public static final String DLQ_SOURCE_OFFSET = "crossbar-dlq-source-offset";
    public static final String DLQ_AT = "crossbar-dlq-at";

    /** Protocol events from the watchers; the same string as {@code EventEnvelope.SCHEMA} in core. */
    public static final String EVENT_SCHEMA = "crossbar.event/v1";
    public static final String MESSAGE_SCHEMA = "crossbar.message/v1";
    public static final String CONTROL_SCHEMA = "crossbar.control/v1";
    public static final String DEAD_LETTER_SCHEMA = "crossbar.deadletter/v1";

    private RecordHeaders() {}

    /** The last value of header {@code name} as UTF-8 text, if present. */
    public static Optional<String> lastValue(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return Optional.empty();
        }
        return Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
