package dev.crossbar.app.http;

import java.util.Optional;

/**
 * What this process knows of a chain's progress. The launcher feeds it from the watchers it runs; for a chain
 * no watcher here follows, the API falls back to the store's cursor and a fresh {@code eth_blockNumber}.
 */
@FunctionalInterface
public interface ChainStatusSource {
    /** The chain's progress as a watcher in this process sees it, or empty when none follows it here. */
    Optional<ChainProgress> progress(long chainId);

    /** No watcher in this process. */
    static ChainStatusSource none() {
        return chainId -> Optional.empty();
    }
}
