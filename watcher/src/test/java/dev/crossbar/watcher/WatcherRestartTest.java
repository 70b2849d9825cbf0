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
 * chain: none lost, none twice.
 */
class WatcherRestartTest extends WatcherTestBase {

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
