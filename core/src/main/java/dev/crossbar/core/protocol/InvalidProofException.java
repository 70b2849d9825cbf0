package dev.crossbar.core.protocol;

/** An RPC answer that cannot serve as a proof; the message says what does not fit. */
public class InvalidProofException extends RuntimeException {
    public InvalidProofException(String message) {
        super(message);
    }
}
