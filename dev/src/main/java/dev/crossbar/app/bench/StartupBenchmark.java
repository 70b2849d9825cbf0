package dev.crossbar.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossbar.app.DevData;
import dev.crossbar.app.chaos.RoleProcess;
import dev.crossbar.core.process.ChildProcesses;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.kafka.embedded.EmbeddedKafkaConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Cold start: how long a role takes from {@code java -jar crossbar.jar <role> --config ...} to {@code /health/ready}
 * answering 200, with the devnet and the broker already running (their start is not counted: a role's readiness
 * needs its chains and its broker, as in production where they run before it). Optionally, dev mode's own start
 * ({@code crossbar-dev.jar dev --fresh}: devnet, broker, store and every service) to ready and to the first message
 * relayed.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Cold start of each role from the service jar to /health/ready (devnet and broker already "
                + "running, not counted), and with --dev, of dev mode (dev --fresh) to ready and to messages moving.")
public final class StartupBenchmark implements Callable<Integer> {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Option(names = "--roles", defaultValue = "watcher,relayer,monitor", split = ",",
            description = "Roles to start, one at a time (default: ${DEFAULT-VALUE}).")
    List<String> roles;

    @Option(names = "--runs", defaultValue = "3", description = "Starts of each role (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--jvm", defaultValue = "-Xmx512m", paramLabel = "OPTIONS",
            description = "JVM options of each role, space-separated (default: ${DEFAULT-VALUE}).")
    String jvm;

    @Option(names = "--jar", defaultValue = "app/target/crossbar.jar", paramLabel = "FILE",
            description = "The service jar (default: ${DEFAULT-VALUE}).")
    String jar;

    @Option(names = "--dev", description = "Also time dev mode's start (dev --fresh, in a temporary folder, on a free "
            + "HTTP port): to /health/ready and to the first message RELAYED.")
    boolean dev;

    @Option(names = "--json", description = "End with one JSON object of the figures on the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, was " + runs);
        }
        for (String r : roles) {
            if (!List.of("watcher", "relayer", "monitor", "all").contains(r)) {
                throw new IllegalArgumentException("--roles: '" + r + "' is not one of watcher, relayer, monitor, all");
            }
        }
        Path serviceJar = BenchRoles.serviceJar(jar);
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("crossbar-bench-startup");
        try {
            return run(out, dir, serviceJar);
        } finally {
            DevData.wipe(dir);
        }
    }

    private int run(PrintStream out, Path dir, Path serviceJar) throws Exception {
        Map<String, List<Long>> times = new LinkedHashMap<>();
        List<String> options = List.of(jvm.trim().split("\\s+"));
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
                EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir.resolve("kafka")))) {
            Map<String, Object> config = BenchRoles.config(devnet, dir, kafka.bootstrapServers());
            for (int run = 0; run < runs; run++) {
                for (String role : roles) {
                    try (RoleProcess p = RoleProcess.configured(role + "-" + run, role, config, Map.of(), options, serviceJar,
                            dir)) {
                        long t0 = System.nanoTime();
                        p.start();
                        long ms = awaitReady(p, t0);
                        out.printf("%s start %d: %s%n", role, run + 1, ms < 0 ? "not ready within 60 s (see "
                                + p.log() + ")" : ms + " ms to /health/ready");
                        times.computeIfAbsent(role, r -> new ArrayList<>()).add(ms);
                    }
                }
            }
        }
        DevStart devStart = dev ? devStart(out, dir.resolve("dev")) : null;

        out.println();
        out.printf("cold start from the service jar to /health/ready 200 (polled every 10 ms), JVM options %s, devnet and"
                + " broker already running (not counted), %d cores, load average %.1f; goal <= 3 s%n", String.join(" ", options),
                Runtime.getRuntime().availableProcessors(), BenchFigures.loadAverage());
        out.println("| role | runs | fastest | median | slowest |");
        out.println("| --- | --- | --- | --- | --- |");
        Map<String, Object> f = new LinkedHashMap<>();
        for (var e : times.entrySet()) {
            List<Long> ok = e.getValue().stream().filter(t -> t >= 0).toList();
            long median = BenchFigures.percentile(ok, 0.5);
            out.printf("| %s | %d (%d ready) | %d ms | %d ms | %d ms |%n", e.getKey(), e.getValue().size(), ok.size(),
                    ok.stream().mapToLong(Long::longValue).min().orElse(-1), median,
                    ok.stream().mapToLong(Long::longValue).max().orElse(-1));
            f.put(e.getKey() + "_ready_ms_median", median);
            f.put(e.getKey() + "_ready_ms_max", ok.size() < e.getValue().size() ? null
                    : ok.stream().mapToLong(Long::longValue).max().orElse(-1));
        }
        if (devStart != null) {
            out.printf("dev mode (java -jar crossbar-dev.jar dev --fresh, its defaults, without the launcher script's build"
                    + " check): process start -> \"running\" line %s,"
                    + " -> /health/ready %s, -> first message RELAYED %s; goal <= 10 s to ready%n",
                    ms(devStart.runningMs()), ms(devStart.readyMs()), ms(devStart.relayedMs()));
            f.put("dev_fresh_running_ms", devStart.runningMs() < 0 ? null : devStart.runningMs());
            f.put("dev_fresh_ready_ms", devStart.readyMs() < 0 ? null : devStart.readyMs());
            f.put("dev_fresh_first_relayed_ms", devStart.relayedMs() < 0 ? null : devStart.relayedMs());
        }
        f.put("runs", runs);
        f.put("jvm", String.join(" ", options));
        f.put("cores", Runtime.getRuntime().availableProcessors());
        f.put("load_avg_1m", BenchFigures.loadAverage());
        if (json) {
            out.println(BenchFigures.jsonLine(f));
        }
        out.flush();
        return 0;
    }

    private static String ms(long ms) {
        return ms < 0 ? "not reached" : ms + " ms";
    }

    /** Milliseconds from {@code t0} to the first 200 of {@code /health/ready}; -1 if it exits or takes over 60 s. */
    private static long awaitReady(RoleProcess p, long t0) throws InterruptedException {
        long deadline = t0 + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && p.alive()) {
            if (p.ready()) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(10);
        }
        return -1;
    }

    private record DevStart(long runningMs, long readyMs, long relayedMs) {}

    /**
     * Dev mode from this launcher's jar, fresh, in {@code dir}: milliseconds from the process's start to its
     * "running" line, to its {@code /health/ready}, and to the first RELAYED message in its {@code /api/status}
     * (-1 for what did not happen within two minutes).
     */
    private static DevStart devStart(PrintStream out, Path dir) throws Exception {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path devJar = Path.of(StartupBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = dir.resolve("dev.log");
        List<String> command = List.of(java.toString(), "-jar", devJar.toString(), "dev", "--fresh", "--data-dir", dir.resolve("data").toString(), "--http", "127.0.0.1:" + port,
                "--run-for", "3m");
        out.println("starting dev mode: " + String.join(" ", command.subList(1, command.size())));
        long t0 = System.nanoTime();
        // From this folder, as ./crossbar runs it: dev mode finds the repository's anvil from there.
        Process p = ChildProcesses.start(command, Path.of("").toAbsolutePath(), log);
        long running = -1;
        long ready = -1;
        long relayed = -1;
        try {
            long deadline = t0 + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline && p.isAlive() && relayed < 0) {
                long now = (System.nanoTime() - t0) / 1_000_000;
                if (running < 0 && Files.exists(log) && Files.readString(log).contains("running; Ctrl-C stops")) {
                    running = now;
                }
                if (ready < 0 && status(port, "/health/ready") == 200) {
                    ready = now;
                }
                if (ready >= 0 && relayedCount(port) > 0) {
                    relayed = now;
                }
                Thread.sleep(ready < 0 ? 10 : 100);
            }
        } finally {
            ChildProcesses.stop(p, Duration.ofSeconds(30));
        }
        return new DevStart(running, ready, relayed);
    }

    private static int status(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long relayedCount(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/status")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return -1;
            }
            JsonNode status = new ObjectMapper().readTree(r.body());
            return status.path("messages").path("RELAYED").asLong(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
