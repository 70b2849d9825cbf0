package dev.crossbar.core.event;

/**
 * A protocol event as it travels on Kafka and sits in the store: self-describing ({@code schema} names the
 * format and its version; the event names its type) so that a consumer can refuse what it does not know.
 *
 * @param schema always {@value #SCHEMA}
 */
public record EventEnvelope(String schema, ProtocolEvent event) {
    public static final String SCHEMA = "crossbar.event/v1";

    public static EventEnvelope of(ProtocolEvent event) {
        return new EventEnvelope(SCHEMA, event);
    }
}
