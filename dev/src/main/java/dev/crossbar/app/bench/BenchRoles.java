package dev.crossbar.app.bench;

import dev.crossbar.app.DevConfigFile;
import dev.crossbar.app.chaos.RoleProcess;
import dev.crossbar.devnet.Devnet;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Roles run as their own OS processes from the service jar for the benchmarks, each with dev mode's configuration
 * of the devnet (its SQLite store, the broker) and its own HTTP port, and what can be read from outside such a
 * process: its heap from {@code /metrics}, its resident memory from {@code /proc}.
 */
final class BenchRoles {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private BenchRoles() {}

    /** The service jar next to this launcher's, as the build leaves it ({@code app/target/crossbar.jar}). */
    static Path serviceJar(String option) {
        Path jar = Path.of(option);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--jar: " + jar.toAbsolutePath() + " does not exist; build it first"
                    + " (./mvnw install -DskipTests -pl app) or name it with --jar");
        }
        return jar.toAbsolutePath();
    }

    /** Dev mode's configuration of {@code devnet} (store {@code dir/store.db}, the broker) as a tree. */
    static Map<String, Object> config(Devnet devnet, Path dir, String kafkaBootstrap) {
        return DevConfigFile.tree(devnet.manifest(), dir, new DevConfigFile.Options(kafkaBootstrap, null, null));
    }

    /**
     * A role with {@code config}, {@code overrides} ("section.key" to value) and its own HTTP port, written to
     * {@code dir/name.yaml}; not started.
     */
    @SuppressWarnings("unchecked")
    static RoleProcess role(String name, String role, Map<String, Object> config, Map<String, Object> overrides,
            List<String> jvmOptions, Path jar, Path dir) throws IOException {
        Map<String, Object> c = copy(config);
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

    /** The heap in use (bytes) a role's {@code /metrics} reports, summed over its pools; -1 when it does not answer. */
    static long heapUsed(RoleProcess r) {
        try {
            HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.httpPort()
                    + "/metrics")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 ? heapUsed(resp.body()) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The sum of {@code *jvm_memory_used_bytes{area="heap",...}} in a Prometheus text page; -1 when absent. */
    static long heapUsed(String metrics) {
        double sum = 0;
        boolean found = false;
        for (String line : metrics.split("\n")) {
            if (!line.startsWith("#") && line.contains("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? (long) sum : -1;
    }

    /** A field of {@code /proc/<pid>/status} in bytes ({@code VmRSS}, {@code VmHWM}); -1 when unreadable. */
    static long procStatus(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    String kb = line.substring(field.length() + 1).trim().split("\\s+")[0];
                    return Long.parseLong(kb) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
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
}
