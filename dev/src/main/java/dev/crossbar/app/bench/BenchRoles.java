package dev.crossbar.app.bench;

import dev.crossbar.app.DevConfigFile;
import dev.crossbar.app.chaos.RoleProcess;
import dev.crossbar.devnet.Devnet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
}
