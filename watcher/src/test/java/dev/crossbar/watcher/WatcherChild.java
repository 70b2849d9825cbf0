package dev.crossbar.watcher;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.json.Json;
import dev.crossbar.store.MessageStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A watcher in its own JVM, for tests that kill it: {@code WatcherChild <storeFile> <chainConfigJsonFile>}.
 * Prints {@code committed <block>} after each committed step.
 */
public final class WatcherChild {
    public static void main(String[] args) throws Exception {
        ChainConfig chain = Json.read(Files.readString(Path.of(args[1])), ChainConfig.class);
        MessageStore store = WatcherTestBase.openStoreAt(Path.of(args[0]));
        Vertx vertx = Vertx.vertx();
        EthApi api = EthApi.connect(vertx, chain);
        ChainWatcher[] self = new ChainWatcher[1];
        self[0] = new ChainWatcher(vertx, chain, api, store, new SimpleMeterRegistry(), () -> {
            System.out.println("committed " + self[0].cursorBlock());
            System.out.flush();
        });
        self[0].start().toCompletionStage().toCompletableFuture().get();
        Thread.currentThread().join();
    }
}
