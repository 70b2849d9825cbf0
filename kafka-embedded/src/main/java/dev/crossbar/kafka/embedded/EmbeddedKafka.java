package dev.crossbar.kafka.embedded;

import dev.crossbar.core.process.ChildProcesses;
import dev.crossbar.core.process.FolderLock;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one node) running in a child JVM, for dev
 * mode and tests; never part of a production deployment.
 *
 * <p>Rules it enforces:
 * <ul>
 *   <li>its data lives in the directory the caller names; the cluster id is kept there, so a restart on the
 *       same directory resumes the same cluster and every message written before; one broker per directory
 *       ({@link DataDirLock});</li>
 *   <li>it listens on 127.0.0.1 only and writes its log to {@code broker.log} in the data directory, never to
 *       this process's output;</li>
 *   <li>{@link #start} returns only once the broker answers a client, and otherwise fails with the reason and
 *       the log's path;</li>
 *   <li>the broker never outlives its owner: {@link #close()} stops it (SIGTERM, then SIGKILL), and
 *       {@link ChildProcesses} stops it when this JVM exits or is killed. It is not detached the way dev mode's
 *       anvil nodes are: its data survives a SIGKILL (what it wrote is in the OS's page cache, and Kafka recovers
 *       its log at the next start), so a crashed owner costs only the broker's start, before anything consumes.</li>
 * </ul>
 *
 * <p>The child JVM isolates the application from the broker's heap, GC pauses and crashes.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final BrokerLayout layout;
    private final FolderLock lock;
    private final int port;
    private final String clusterId;

    private EmbeddedKafka(Process process, BrokerLayout layout, FolderLock lock, int port, String clusterId) {
        this.process = process;
        this.layout = layout;
        this.lock = lock;
        this.port = port;
        this.clusterId = clusterId;
    }

    /**
     * Starts the broker and waits until it answers.
     *
     * @throws EmbeddedKafkaException when the data directory is unusable, the port is taken, or the broker
     *                                exits or does not answer in time (the message holds the log's path)
     */
    public static EmbeddedKafka start(EmbeddedKafkaConfig config) {
        BrokerLayout layout = BrokerLayout.prepare(config.dataDir());
        FolderLock lock = lock(layout.dataDir());
        try {
            int port = Ports.resolve(config.port());
            int controllerPort = Ports.resolve(0);
            try {
                return start(config, layout, lock, port, controllerPort);
            } catch (EmbeddedKafkaException e) {
                // A port picked free here can be taken by another process before the broker binds it: pick again, once.
                boolean portTaken = (config.port() == 0 && !Ports.isFree(port)) || !Ports.isFree(controllerPort);
                if (!portTaken) {
                    throw e;
                }
                log.warn("embedded kafka port taken before the broker bound it, retrying: port={} controllerPort={}",
                        port, controllerPort);
                return start(config, layout, lock, config.port() == 0 ? Ports.resolve(0) : port, Ports.resolve(0));
            }
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static EmbeddedKafka start(
            EmbeddedKafkaConfig config, BrokerLayout layout, FolderLock lock, int port, int controllerPort) {
        long startedAt = System.nanoTime();
        String clusterId = layout.clusterId().orElseGet(() -> Uuid.randomUuid().toString());
        Process process;
        try {
            writeServerProperties(layout, BrokerProperties.render(config, layout, port, controllerPort));
            layout.writeLoggingConfig();
            layout.rotateLogIfLarge();
            layout.markStartInLog(port);
            process = ChildProcesses.start(BrokerCommand.build(config, layout, clusterId), layout.dataDir(), layout.logFile());
        } catch (IOException e) {
            throw new EmbeddedKafkaException("cannot start the embedded Kafka broker in " + layout.dataDir() + ": "
                    + e.getMessage(), e);
        }
        try {
            String reported = BrokerReadiness.await(process, port, config.startTimeout(), layout.logFile());
            EmbeddedKafka kafka = new EmbeddedKafka(process, layout, lock, port, reported);
            log.info("embedded kafka started: bootstrap={} clusterId={} pid={} dataDir={} startMs={}",
                    kafka.bootstrapServers(), reported, process.pid(), layout.dataDir(),
                    (System.nanoTime() - startedAt) / 1_000_000);
            return kafka;
        } catch (RuntimeException e) {
            ChildProcesses.stop(process, Duration.ofSeconds(5));
            throw e;
        }
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return Ports.HOST + ":" + port;
    }

    public String clusterId() {
        return clusterId;
    }

    /** Process id of the broker JVM. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Completes when the broker's process ends, for whatever reason (for supervision). */
    public java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    public Path dataDir() {
        return layout.dataDir();
    }

    /** The broker's own log (its standard output and error). */
    public Path logFile() {
        return layout.logFile();
    }

    /** Stops the broker cleanly and waits for its process to end; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (process.isAlive()) {
            long stoppingAt = System.nanoTime();
            ChildProcesses.stop(process, STOP_GRACE);
            log.info("embedded kafka stopped: pid={} exitCode={} stopMs={}", process.pid(),
                    process.isAlive() ? "running" : process.exitValue(), (System.nanoTime() - stoppingAt) / 1_000_000);
        }
        lock.close();
    }

    private static void writeServerProperties(BrokerLayout layout, Map<String, String> properties) throws IOException {
        try (Writer out = Files.newBufferedWriter(layout.serverProperties(), StandardCharsets.UTF_8)) {
            out.write("# Written by crossbar's EmbeddedKafka at each start; edits are overwritten.\n");
            for (var e : properties.entrySet()) {
                out.write(e.getKey() + "=" + e.getValue().replace("\\", "\\\\") + "\n");
            }
        }
    }

    /**
     * One embedded broker per data directory ({@code embedded.lock}), so that a second start on the same directory
     * (from this JVM or another) fails at once with a clear message, before it touches the first broker's files.
     */
    private static FolderLock lock(java.nio.file.Path dataDir) {
        java.nio.file.Path file = dataDir.resolve("embedded.lock");
        try {
            return FolderLock.tryAcquire(file).orElseThrow(() -> new EmbeddedKafkaException("embedded Kafka data"
                    + " directory " + dataDir + " is unusable: another embedded broker is running on it (lock " + file
                    + " is held)"));
        } catch (java.io.IOException e) {
            throw new EmbeddedKafkaException("embedded Kafka data directory " + dataDir + " is unusable: cannot lock "
                    + file + ": " + e.getMessage(), e);
        }
    }
}
