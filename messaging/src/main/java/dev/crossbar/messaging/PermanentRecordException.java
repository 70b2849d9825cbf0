package dev.crossbar.messaging;

/**
 * Thrown by a {@link RecordHandler} for a record that will never succeed, however often it is retried (it
 * contradicts the chain, names an unknown chain, breaks an invariant). The consumer loop sends the record to
 * the dead-letter topic with this exception's message as the reason, and moves on. Every other exception is
 * taken as transient: it ends the loop's life, and the next life reads the record again.
 */
public class PermanentRecordException extends Exception {
    public PermanentRecordException(String reason) {
        super(reason);
    }

    public PermanentRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
