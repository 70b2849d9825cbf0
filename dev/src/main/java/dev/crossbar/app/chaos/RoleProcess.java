package dev.crossbar.app.chaos;

import dev.crossbar.app.DevConfigFile;
import dev.crossbar.core.process.ChildProcesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Crossbar role ({@code watcher}, {@code relayer}, {@code monitor}) as its own OS process from the service jar,
 * with its own configuration file and HTTP port, for the fault campaign: it can be killed (SIGKILL), frozen
 * (SIGSTOP) and resumed (SIGCONT), and started again on the same configuration. Its output goes to one log file
 * across restarts. The benchmarks run roles the same way.
 */
public final class RoleProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Path log;
    private final int httpPort;
    private Process process;
    private int starts;

    /** The campaign's JVM options for a role: a small heap, the serial collector. */
    static final List<String> CAMPAIGN_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC");

    /**
     * A role of {@code base} (dev mode's configuration tree) with {@code overrides} ("section.key" to value), its
     * own HTTP port and text logs, written to {@code dir/name.yaml} and run by this JVM's {@code java} with
     * {@code jvmOptions}; not started.
     */
    @SuppressWarnings("unchecked")
    public static RoleProcess configured(String name, String role, Map<String, Object> base,
            Map<String, ?> overrides, List<String> jvmOptions, Path jar, Path dir) throws IOException {
        Map<String, Object> c = copy(base);
        int port = freePort();
        c.put("http", Map.of("address", "127.0.0.1:" + port));
        c.put("log", Map.of("format", "text"));
        for (var o : overrides.entrySet()) {
            String[] path = o.getKey().split("\\.");
            ((Map<String, Object>) c.computeIfAbsent(path[0], k -> new LinkedHashMap<>())).put(path[1], o.getValue());
        }
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, DevConfigFile.yaml(c));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new RoleProcess(name, java, jvmOptions, jar, role, file, dir, port);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, Object> tree) {
        Map<String, Object> out = new LinkedHashMap<>();
        tree.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> m ? copy((Map<String, Object>) m) : v));
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A role run with {@code jvmOptions} (e.g. a heap cap) before {@code -jar}. */
    public RoleProcess(String name, Path java, List<String> jvmOptions, Path jar, String role, Path config,
            Path workDir, int httpPort) {
        this.name = name;
        List<String> c = new java.util.ArrayList<>(List.of(java.toString()));
        c.addAll(jvmOptions);
        c.addAll(List.of("-jar", jar.toString(), role, "--config", config.toString()));
        this.command = List.copyOf(c);
        this.workDir = workDir;
        this.log = workDir.resolve(name + ".log");
        this.httpPort = httpPort;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public int httpPort() {
        return httpPort;
    }

    public int starts() {
        return starts;
    }

    public synchronized void start() throws IOException {
        Files.writeString(log, "---- start " + (starts + 1) + " at " + Instant.now() + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = ChildProcesses.start(command, workDir, log);
        starts++;
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, nothing cleaned up; waits until the process is gone. */
    synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        if (alive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(10,
                    TimeUnit.SECONDS);
        }
    }

    /** Whether {@code /health/ready} answers 200. */
    public boolean ready() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                    + "/health/ready")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until ready; false after {@code max}, or when the process exited. */
    public boolean awaitReady(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                return false;
            }
            if (ready()) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** The log's text from {@code offset} on (bytes), for looking at what happened since. */
    public String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return offset >= all.length ? "" : new String(all, (int) offset, all.length - (int) offset,
                java.nio.charset.StandardCharsets.UTF_8);
    }

    public long logSize() throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    @Override
    public void close() {
        if (process != null) {
            try {
                resume();
            } catch (IOException | InterruptedException e) {
                // stopping anyway
            }
            ChildProcesses.stop(process, Duration.ofSeconds(10));
        }
    }
}
