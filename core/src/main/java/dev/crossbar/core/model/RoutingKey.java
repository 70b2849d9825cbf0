package dev.crossbar.core.model;

/**
 * Which relayer worker owns a message: its destination chain and a slot, {@code <chainId>:<slot>} with
 * {@code slot = messageId.hashCode() mod slots} (deterministic: String hashing is specified). Each routing key has
 * one signing key; the messages topic is keyed by it, so the relayer instance that owns the key's partition is
 * the one woken, and a signing key has exactly one writer at a time.
 */
public final class RoutingKey {
    private RoutingKey() {}

    public static int slot(String messageId, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1, was " + slots);
        }
        return Math.floorMod(hash(messageId), slots);
    }

    /**
     * The part of a message's slot that does not depend on the number of slots: the {@code String} hash of its
     * lower-case id ({@code s[0]*31^(n-1) + ... + s[n-1]} in 32-bit arithmetic). The store keeps it, so that it can
     * work out the slots for any number of them ({@code floorMod(hash, slots)}) in SQL.
     */
    public static int hash(String messageId) {
        return messageId.toLowerCase().hashCode();
    }

    public static String of(long destinationChainId, int slot) {
        return destinationChainId + ":" + slot;
    }

    public static String of(long destinationChainId, String messageId, int slots) {
        return of(destinationChainId, slot(messageId, slots));
    }
}
