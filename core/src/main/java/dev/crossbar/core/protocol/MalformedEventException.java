package dev.crossbar.core.protocol;

/** A log that claims to be a protocol event but cannot be decoded as one; the message says why. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
