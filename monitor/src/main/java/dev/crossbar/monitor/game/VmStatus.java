package dev.crossbar.monitor.game;

/**
 * The status a fault-proof VM writes into the first byte of a state commitment ({@code VMStatuses} of the
 * contracts), in the order of their byte values.
 */
public enum VmStatus {
    /** The program finished and the disputed output is correct. */
    VALID,
    /** The program finished and the disputed output is wrong. */
    INVALID,
    /** The program panicked. */
    PANIC,
    /** The program has not finished (the absolute prestate, and every state but the last). */
    UNFINISHED;

    /** The status byte of a 32-byte commitment; null when the byte is none of these. */
    public static VmStatus of(byte[] commitment) {
        int b = commitment[0] & 0xFF;
        return b < values().length ? values()[b] : null;
    }

    /** {@code hash} with its first byte replaced by this status. */
    public byte[] stamp(byte[] hash) {
        byte[] out = hash.clone();
        out[0] = (byte) ordinal();
        return out;
    }
}
