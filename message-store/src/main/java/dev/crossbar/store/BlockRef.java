package dev.crossbar.store;

/** A block as the watcher saw it: number, hash and parent hash (for ancestry checks), timestamp in seconds. */
public record BlockRef(long number, String hash, String parentHash, long timestamp) {
    public BlockRef {
        hash = hash.toLowerCase();
        parentHash = parentHash.toLowerCase();
    }
}
