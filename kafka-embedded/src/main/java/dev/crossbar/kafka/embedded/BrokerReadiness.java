package dev.crossbar.kafka.embedded;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Waits until the broker answers a client: first its port accepts connections, then an AdminClient's
 * {@code describeCluster} returns this node. Rule: a start never hangs and never fails silently; it ends
 * with the cluster id, or with an error carrying the broker's exit code or the timeout, the log's path and
 * its last lines.
 */
final class BrokerReadiness {
    private static final int TAIL_BYTES = 6 * 1024;

    private BrokerReadiness() {}

    /** @return the cluster id the broker reports */
    static String await(Process broker, int port, Duration timeout, Path logFile) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Ports.accepts(port)) {
            checkAlive(broker, logFile);
            checkDeadline(deadline, timeout, logFile, "its port " + port + " never accepted a connection");
            sleep(50);
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Ports.HOST + ":" + port,
                AdminClientConfig.CLIENT_ID_CONFIG, "crossbar-embedded-kafka-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200))) {
            String lastError = "no answer";
            while (true) {
                checkAlive(broker, logFile);
                checkDeadline(deadline, timeout, logFile, "describeCluster never succeeded (last error: " + lastError + ")");
                try {
                    DescribeClusterResult cluster = admin.describeCluster();
                    if (!cluster.nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return cluster.clusterId().get(3, TimeUnit.SECONDS);
                    }
                    lastError = "no broker registered yet";
                } catch (ExecutionException | TimeoutException e) {
                    lastError = String.valueOf(e.getCause() == null ? e : e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EmbeddedKafkaException("interrupted while waiting for the embedded Kafka broker", e);
                }
                sleep(100);
            }
        }
    }

    private static void checkAlive(Process broker, Path logFile) {
        if (!broker.isAlive()) {
            throw new EmbeddedKafkaException("the embedded Kafka broker exited with code " + broker.exitValue()
                    + " while starting; its log is " + logFile + ", ending with:\n" + tail(logFile));
        }
    }

    private static void checkDeadline(long deadline, Duration timeout, Path logFile, String what) {
        if (System.nanoTime() > deadline) {
            throw new EmbeddedKafkaException("the embedded Kafka broker did not answer within " + timeout + ": " + what
                    + "; its log is " + logFile + ", ending with:\n" + tail(logFile));
        }
    }

    /** The last few KiB of the broker's log, for error messages. */
    static String tail(Path logFile) {
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while waiting for the embedded Kafka broker", e);
        }
    }
}
