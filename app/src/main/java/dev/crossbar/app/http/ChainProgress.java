package dev.crossbar.app.http;

/**
 * How far a chain is followed: the node's head and the last block whose events are recorded; -1 when unknown.
 */
public record ChainProgress(long head, long cursor) {
    /** Blocks between the head and the cursor, or -1 when either is unknown. */
    public long lag() {
        return head < 0 || cursor < 0 ? -1 : Math.max(0, head - cursor);
    }
}
