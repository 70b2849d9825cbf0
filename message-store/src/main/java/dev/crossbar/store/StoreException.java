package dev.crossbar.store;

/** The database failed (unreachable, full, corrupt, refused a statement). The message names the operation. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
