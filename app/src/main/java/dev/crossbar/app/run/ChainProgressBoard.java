package dev.crossbar.app.run;

import dev.crossbar.app.http.ChainProgress;
import dev.crossbar.app.http.ChainStatusSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Where the watchers of this process publish their progress, for {@code /api/chains}. */
public final class ChainProgressBoard implements ChainStatusSource {
    private final Map<Long, Supplier<ChainProgress>> sources = new ConcurrentHashMap<>();

    /** Registers what follows {@code chainId} here (a watcher's head and cursor). */
    public void register(long chainId, Supplier<ChainProgress> source) {
        sources.put(chainId, source);
    }

    @Override
    public Optional<ChainProgress> progress(long chainId) {
        return Optional.ofNullable(sources.get(chainId)).map(Supplier::get);
    }
}
