package dev.crossbar.app;

import static dev.crossbar.app.DevModeProcess.BROADCAST;
import static dev.crossbar.app.DevModeProcess.READY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dev mode survives a crash: the launcher is killed with SIGKILL while it relays demo traffic; its anvil nodes keep
 * running (detached), the next start reattaches to them (same pids, no block lost) and the relayer, a static member
 * of its group, is sending again within seconds. Then a node is killed under the running dev mode, which stops
 * everything with a message naming the node and its log, and {@link ExitCodes#CHILD_EXITED}.
 */
class DevModeCrashIT {
    @TempDir
    Path work;

    private final List<DevModeProcess> runs = new ArrayList<>();
    private final List<ProcessHandle> seen = new ArrayList<>();

    @AfterEach
    void killEverything() throws Exception {
        DevModeProcess.killAll(runs, dev());
        for (ProcessHandle h : seen) {
            h.destroyForcibly();
            h.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    private Path dev() {
        return work.resolve("dev");
    }

    private DevModeProcess launch(int run) throws Exception {
        DevModeProcess p = DevModeProcess.start(dev(), Path.of("target", "DevModeCrashIT-run" + run + ".log"),
                "--status-interval", "2s", "--demo-interval", "2s", "--settlement", "output-oracle");
        runs.add(p);
        return p;
    }

    @Test
    void aKilledLauncherLosesNoBlockAndTheRelayerSendsAgainAtOnceAndADeadNodeStopsDevMode() throws Exception {
        // First run: wait until the relayer broadcasts demo deliveries, then crash the launcher.
        DevModeProcess first = launch(1);
        long ready1 = first.await(0, l -> l.contains(READY), Duration.ofSeconds(150));
        first.await(ready1, l -> l.contains(BROADCAST), Duration.ofSeconds(120));
        List<ProcessHandle> children = first.process.descendants().toList();
        seen.addAll(children);
        Map<String, Long> pids = DevModeProcess.nodePids(dev());
        assertThat(pids).containsOnlyKeys("l1", "l2a", "l2b");
        Map<String, JsonNode> heads = new LinkedHashMap<>();
        for (var chain : DevModeProcess.chains(dev()).entrySet()) {
            heads.put(chain.getKey(), DevModeProcess.rpc(chain.getValue(), "eth_getBlockByNumber",
                    "[\"latest\", false]"));
        }

        first.kill();
        for (ProcessHandle child : children) {
            if (!pids.containsValue(child.pid())) {
                child.onExit().get(10, TimeUnit.SECONDS); // the broker dies with its owner
            }
        }
        for (var e : pids.entrySet()) {
            assertThat(ProcessHandle.of(e.getValue()).map(ProcessHandle::isAlive))
                    .as("node %s outlives the launcher's SIGKILL", e.getKey()).contains(true);
        }

        // Second run on the same folder: the nodes are reattached and the relayer sends again at once.
        long restartedAt = System.nanoTime();
        DevModeProcess second = launch(2);
        long ready2 = second.await(0, l -> l.contains(READY), Duration.ofSeconds(120));
        long sending = second.await(0, l -> l.contains(BROADCAST), Duration.ofSeconds(60));
        long sendingMs = Math.max(0, (sending - ready2) / 1_000_000);
        System.out.printf("dev mode resumed after a crash: ready %d ms after the restart, relayer sending %d ms after"
                + " ready%n", (ready2 - restartedAt) / 1_000_000, sendingMs);
        seen.addAll(second.process.descendants().toList());
        assertThat(second.lines).extracting(DevModeProcess.Line::text)
                .anyMatch(l -> l.contains("devnet resumed: reattached to its running nodes [l1, l2a, l2b]"));
        assertThat(DevModeProcess.nodePids(dev())).as("the same node processes, reattached").isEqualTo(pids);
        for (var chain : DevModeProcess.chains(dev()).entrySet()) {
            JsonNode before = heads.get(chain.getKey());
            JsonNode now = DevModeProcess.rpc(chain.getValue(), "eth_getBlockByNumber", "[\""
                    + before.path("number").asText() + "\", false]");
            assertThat(now.path("hash").asText()).as("%s block %s after the crash", chain.getKey(),
                    Long.decode(before.path("number").asText())).isEqualTo(before.path("hash").asText());
        }
        assertThat(sendingMs).as("the relayer sends again within 5 s of the restart being ready").isLessThan(5000);

        // A node dying under dev mode stops it, with the node, its log and what to do.
        long l2a = pids.get("l2a");
        new ProcessBuilder("kill", "-9", Long.toString(l2a)).start().waitFor();
        assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).as("dev mode stops when a node dies").isTrue();
        assertThat(second.process.exitValue()).isEqualTo(ExitCodes.CHILD_EXITED);
        String expected = "devnet node l2a (pid " + l2a + ") exited";
        second.saw(expected, Duration.ofSeconds(10));
        assertThat(second.text()).contains(expected, "l2a.log", "run ./crossbar dev again");
        for (var e : pids.entrySet()) {
            ProcessHandle.of(e.getValue()).ifPresent(h -> h.onExit().join());
        }
        assertThat(DevModeProcess.nodePids(dev())).as("the other nodes were stopped and their descriptors removed")
                .isEmpty();
    }
}
