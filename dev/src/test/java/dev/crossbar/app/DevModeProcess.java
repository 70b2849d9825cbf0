package dev.crossbar.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
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
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code crossbar dev} run from the jar as a user runs it, for the dev-mode ITs: its output read line by line (with
 * when each line was read, and copied to a log file), waits on lines, and the devnet's nodes and endpoints read from
 * its folder. Its detached nodes outlive a SIGKILL of the launcher: {@link #killNodes} ends them.
 */
final class DevModeProcess {
    /** What a run prints once its services are up. */
    static final String READY = "running; Ctrl-C stops everything";
    /** The transaction manager's line for each transaction it broadcasts. */
    static final String BROADCAST = "transaction broadcast";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** One line of the launcher's output, with when the test read it. */
    record Line(long nanos, String text) {}

    final Process process;
    final List<Line> lines = new CopyOnWriteArrayList<>();

    private DevModeProcess(Process process, Path log) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); PrintWriter w = new PrintWriter(Files.newBufferedWriter(log), true)) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(new Line(System.nanoTime(), line));
                    w.println(line);
                }
            } catch (IOException e) {
                lines.add(new Line(System.nanoTime(), "<read failed: " + e + ">"));
            }
        });
    }

    /** Starts {@code crossbar dev --data-dir dataDir --http 127.0.0.1:0} with {@code args}; its output goes to {@code log}. */
    static DevModeProcess start(Path dataDir, Path log, String... args) throws IOException {
        return start(dataDir, log, Map.of(), args);
    }

    /** As {@link #start(Path, Path, String...)}, with these environment variables besides the test's. */
    static DevModeProcess start(Path dataDir, Path log, Map<String, String> env, String... args) throws IOException {
        Path jar = Path.of("target", "crossbar-dev.jar").toAbsolutePath();
        assertThat(jar).exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "dev", "--data-dir", dataDir.toString(), "--http", "127.0.0.1:0"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("CROSSBAR_HOME", Path.of("..").toAbsolutePath().normalize().toString());
        pb.environment().putAll(env);
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new DevModeProcess(pb.start(), log);
    }

    /** When the first line read at or after {@code after} (nanos) that matches was read. */
    long await(long after, Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Line l : lines) {
                if (l.nanos() >= after && match.test(l.text())) {
                    return l.nanos();
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("dev mode exited early with " + process.exitValue() + ":\n" + text());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such line within " + timeout + ":\n" + text());
    }

    /** Waits until a line containing {@code text} was read, whether the process still runs or not. */
    boolean saw(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().noneMatch(l -> l.text().contains(text))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50); // the reader may not have reached the end of the output yet
        }
        return true;
    }

    String text() {
        return String.join("\n", lines.stream().map(Line::text).toList());
    }

    /** Kills the launcher (SIGKILL: no shutdown hook runs) and waits for it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Stops it as Ctrl-C does (SIGTERM) and waits for it. */
    void stop() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("dev mode stops on SIGTERM").isTrue();
    }

    /** The pid of each devnet node from its descriptor in {@code dataDir/devnet}, by node name. */
    static Map<String, Long> nodePids(Path dataDir) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        Path devnet = dataDir.resolve("devnet");
        if (!Files.isDirectory(devnet)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(devnet, "*.node.json")) {
            for (Path f : files) {
                JsonNode d = Json.MAPPER.readTree(f.toFile());
                out.put(d.path("name").asText(), d.path("pid").asLong());
            }
        }
        return out;
    }

    /** Kills the launchers and every node a descriptor in {@code dataDir} still names, and waits for them. */
    static void killAll(List<DevModeProcess> runs, Path dataDir) throws Exception {
        for (DevModeProcess run : runs) {
            run.process.descendants().forEach(ProcessHandle::destroyForcibly);
            run.process.destroyForcibly();
            run.process.waitFor(10, TimeUnit.SECONDS);
        }
        killNodes(dataDir);
    }

    /** Kills every node a descriptor in {@code dataDir} still names, and waits for them. */
    static void killNodes(Path dataDir) throws Exception {
        for (long pid : nodePids(dataDir).values()) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().join();
            });
        }
    }

    /** Each chain's RPC endpoint from the devnet manifest, by chain name (L1 first). */
    static Map<String, String> chains(Path dataDir) throws IOException {
        JsonNode m = manifest(dataDir);
        Map<String, String> out = new LinkedHashMap<>();
        out.put(m.path("l1").path("name").asText(), m.path("l1").path("rpcUrl").asText());
        for (JsonNode l2 : m.path("l2s")) {
            out.put(l2.path("name").asText(), l2.path("rpcUrl").asText());
        }
        return out;
    }

    static JsonNode manifest(Path dataDir) throws IOException {
        return Json.MAPPER.readTree(dataDir.resolve("devnet/manifest.json").toFile());
    }

    /** One JSON-RPC call; fails the test on an error answer. */
    static JsonNode rpc(String url, String method, String params) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                        + "\",\"params\":" + params + "}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.has("error")).as("%s %s: %s", url, method, body).isFalse();
        return body.path("result");
    }
}
