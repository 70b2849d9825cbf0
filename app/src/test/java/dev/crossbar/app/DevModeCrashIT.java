package dev.crossbar.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    private final List<Process> launchers = new ArrayList<>();
    private final List<ProcessHandle> seen = new ArrayList<>();

    /** One line of the launcher's output, with when this test read it. */
    record Line(long nanos, String text) {}

    @AfterEach
    void killEverything() throws Exception {
        for (Process p : launchers) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        // Detached nodes outlive a SIGKILL of the launcher: kill them through their descriptors.
        Path devnet = work.resolve("dev/devnet");
        if (Files.isDirectory(devnet)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(devnet, "*.node.json")) {
                for (Path f : files) {
                    ProcessHandle.of(Json.MAPPER.readTree(f.toFile()).path("pid").asLong()).ifPresent(seen::add);
                }
            }
        }
        for (ProcessHandle h : seen) {
            h.destroyForcibly();
            h.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aKilledLauncherLosesNoBlockAndTheRelayerSendsAgainAtOnceAndADeadNodeStopsDevMode() throws Exception {
        // First run: wait until the relayer broadcasts demo deliveries, then crash the launcher.
        Process first = launch();
        List<Line> firstOut = read(first);
        long ready1 = await(firstOut, 0, l -> l.contains("running; Ctrl-C stops everything"), Duration.ofSeconds(150), first);
        await(firstOut, ready1, l -> l.contains("transaction broadcast"), Duration.ofSeconds(120), first);
        List<ProcessHandle> children = first.descendants().toList();
        seen.addAll(children);
        Map<String, Long> pids = nodePids();
        assertThat(pids).containsOnlyKeys("l1", "l2a", "l2b");
        Map<String, JsonNode> heads = new LinkedHashMap<>();
        for (var chain : chains().entrySet()) {
            heads.put(chain.getKey(), rpc(chain.getValue(), "eth_getBlockByNumber", "[\"latest\", false]"));
        }

        first.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
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
        Process second = launch();
        List<Line> secondOut = read(second);
        long ready2 = await(secondOut, 0, l -> l.contains("running; Ctrl-C stops everything"), Duration.ofSeconds(120),
                second);
        long sending = await(secondOut, 0, l -> l.contains("transaction broadcast"), Duration.ofSeconds(60), second);
        long sendingMs = Math.max(0, (sending - ready2) / 1_000_000);
        System.out.printf("dev mode resumed after a crash: ready %d ms after the restart, relayer sending %d ms after"
                + " ready%n", (ready2 - restartedAt) / 1_000_000, sendingMs);
        seen.addAll(second.descendants().toList());
        assertThat(secondOut).extracting(Line::text)
                .anyMatch(l -> l.contains("devnet resumed: reattached to its running nodes [l1, l2a, l2b]"));
        assertThat(nodePids()).as("the same node processes, reattached").isEqualTo(pids);
        for (var chain : chains().entrySet()) {
            JsonNode before = heads.get(chain.getKey());
            JsonNode now = rpc(chain.getValue(), "eth_getBlockByNumber", "[\"" + before.path("number").asText()
                    + "\", false]");
            assertThat(now.path("hash").asText()).as("%s block %s after the crash", chain.getKey(),
                    Long.decode(before.path("number").asText())).isEqualTo(before.path("hash").asText());
        }
        assertThat(sendingMs).as("the relayer sends again within 5 s of the restart being ready").isLessThan(5000);

        // A node dying under dev mode stops it, with the node, its log and what to do.
        long l2a = pids.get("l2a");
        new ProcessBuilder("kill", "-9", Long.toString(l2a)).start().waitFor();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("dev mode stops when a node dies").isTrue();
        assertThat(second.exitValue()).isEqualTo(ExitCodes.CHILD_EXITED);
        String expected = "devnet node l2a (pid " + l2a + ") exited";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (secondOut.stream().noneMatch(l -> l.text().contains(expected)) && System.nanoTime() < deadline) {
            Thread.sleep(50); // the reader may not have reached the end of the output yet
        }
        String out = text(secondOut);
        assertThat(out).contains("devnet node l2a (pid " + l2a + ") exited", "l2a.log", "run ./crossbar dev again");
        for (var e : pids.entrySet()) {
            ProcessHandle.of(e.getValue()).ifPresent(h -> h.onExit().join());
        }
        assertThat(nodePids()).as("the other nodes were stopped and their descriptors removed").isEmpty();
    }

    private Process launch() throws IOException {
        Path jar = Path.of("target", "crossbar.jar").toAbsolutePath();
        assertThat(jar).exists();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "dev", "--data-dir", work.resolve("dev").toString(), "--status-interval", "2s",
                "--http", "127.0.0.1:0", "--demo-interval", "2s")
                .redirectErrorStream(true);
        pb.environment().put("CROSSBAR_HOME", Path.of("..").toAbsolutePath().normalize().toString());
        Process p = pb.start();
        launchers.add(p);
        return p;
    }

    private static List<Line> read(Process p) {
        List<Line> lines = new CopyOnWriteArrayList<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(new Line(System.nanoTime(), line));
                }
            } catch (IOException e) {
                lines.add(new Line(System.nanoTime(), "<read failed: " + e + ">"));
            }
        });
        return lines;
    }

    /** When the first line at or after {@code after} (nanos) matching {@code match} was read. */
    private static long await(List<Line> lines, long after, Predicate<String> match, Duration timeout, Process p)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Line l : lines) {
                if (l.nanos() >= after && match.test(l.text())) {
                    return l.nanos();
                }
            }
            if (!p.isAlive()) {
                throw new AssertionError("dev mode exited early with " + p.exitValue() + ":\n" + text(lines));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no such line within " + timeout + ":\n" + text(lines));
    }

    private static String text(List<Line> lines) {
        return String.join("\n", lines.stream().map(Line::text).toList());
    }

    private Map<String, Long> nodePids() throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(work.resolve("dev/devnet"), "*.node.json")) {
            for (Path f : files) {
                JsonNode d = Json.MAPPER.readTree(f.toFile());
                out.put(d.path("name").asText(), d.path("pid").asLong());
            }
        }
        return out;
    }

    /** Each chain's RPC endpoint, from the devnet manifest. */
    private Map<String, String> chains() throws IOException {
        JsonNode m = Json.MAPPER.readTree(work.resolve("dev/devnet/manifest.json").toFile());
        Map<String, String> out = new LinkedHashMap<>();
        out.put(m.path("l1").path("name").asText(), m.path("l1").path("rpcUrl").asText());
        for (JsonNode l2 : m.path("l2s")) {
            out.put(l2.path("name").asText(), l2.path("rpcUrl").asText());
        }
        return out;
    }

    private static JsonNode rpc(String url, String method, String params) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                        + "\",\"params\":" + params + "}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.has("error")).as("%s %s: %s", url, method, body).isFalse();
        return body.path("result");
    }
}
