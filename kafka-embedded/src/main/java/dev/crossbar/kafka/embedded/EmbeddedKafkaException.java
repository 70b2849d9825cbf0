package dev.crossbar.kafka.embedded;

/**
 * The embedded broker could not be started or used. The message says what went wrong and, once the broker
 * process exists, where its log is.
 */
public final class EmbeddedKafkaException extends RuntimeException {
    public EmbeddedKafkaException(String message) {
        super(message);
    }

    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
