package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageQuery;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A watcher killed (SIGKILL) in the middle of a backfill and started again ends with exactly the events on
 * chain: none lost, none twice. A commit whose answer is lost (the store's connection cut right after it landed)
 * does not leave the watcher behind its own cursor.
 */
class WatcherRestartTest extends WatcherTestBase {

    @Test
    void aCommitWhoseAnswerIsLostDoesNotLeaveTheWatcherBehindTheStoresCursor() throws Exception {
        DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
        for (int i = 0; i < 5; i++) {
            traffic.crossRollup(0, 1, "before the cut " + i);
        }
        // The store lands a batch, then the cursor read that follows it fails once (as when the connection is cut
        // between the commit and the next statement): the watcher's step fails after its batch was recorded.
        java.util.concurrent.atomic.AtomicInteger commits = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
        dev.crossbar.store.MessageStore real = store;
        dev.crossbar.store.MessageStore cutting = (dev.crossbar.store.MessageStore) java.lang.reflect.Proxy
                .newProxyInstance(getClass().getClassLoader(), new Class<?>[] {dev.crossbar.store.MessageStore.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("cursor") && commits.get() >= 2 && cut.compareAndSet(false,
                                    true)) {
                                throw new dev.crossbar.store.StoreException("cursor of chain 901 failed: the"
                                        + " connection was cut (test)", new java.sql.SQLException("cut"));
                            }
                            try {
                                Object r = method.invoke(real, args);
                                if (method.getName().equals("commitBatch")) {
                                    commits.incrementAndGet();
                                }
                                return r;
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        ChainConfig c = withMaxRange(chain("l2a"), 2);
        dev.crossbar.core.chain.EthApi api = dev.crossbar.core.chain.EthApi.connect(vertx, c,
                java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30));
        clients.add(api);
        ChainWatcher w = new ChainWatcher(vertx, c, api, cutting, meters, () -> {});
        w.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        watchers.add(w);
        awaitCaughtUp(w, "l2a");
        assertThat(cut).as("the cut happened").isTrue();
        traffic.crossRollup(0, 1, "after the cut");
        awaitCaughtUp(w, "l2a");
        assertThat(store.eventCount(901)).as("every log on chain recorded once").isEqualTo(canonicalLogs(c).size());
    }

    @Test
    void watcherKilledMidBackfillResumesWithExactlyTheEventsOnChain() throws Exception {
        DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
        for (int i = 0; i < 40; i++) {
            traffic.crossRollupBatch(0, 1, 10, "backfill " + i);
        }
        ChainConfig c = withEndpoints(withMaxRange(chain("l2a"), 1), chain("l2a").rpc(), java.util.List.of());
        store.close(); // the child owns the file while it runs
        Path config = storeFile.resolveSibling("chain.json");
        Files.writeString(config, Json.write(c));

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WatcherChild.class.getName(), storeFile.toString(),
                config.toString()).redirectErrorStream(true).start();
        long killedAfter = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("committed ") && Long.parseLong(line.substring(10)) >= 20) {
                    killedAfter = Long.parseLong(line.substring(10));
                    child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(killedAfter).as("killed in the middle of the backfill").isBetween(20L, 40L);

        store = openStoreAt(storeFile);
        long recordedAtKill = store.eventCount(901);
        assertThat(recordedAtKill).as("some, not all, events were recorded when it died")
                .isPositive().isLessThan(canonicalLogs(c).size());

        ChainWatcher w = startWatcher(withMaxRange(c, 50));
        awaitCaughtUp(w, "l2a");
        Set<String> canonical = canonicalLogs(c);
        assertThat(store.eventCount(901)).isEqualTo(canonical.size());
        assertThat(store.messages(new MessageQuery(null, Set.of(MessageKind.CROSS_ROLLUP), null, 901L, null, null, 1000)))
                .hasSize(canonical.size());
    }
}
