package dev.crossbar.devnet;

import dev.crossbar.core.process.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One anvil node (Foundry's dev node) run as a child process from the npm package's binary.
 *
 * <p>It listens on loopback only, on a port the OS picks unless one is given; the port is read
 * back from anvil's own "Listening on" line. Its output goes to {@code <dataDir>/<name>.log}.
 */
public final class AnvilNode implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final long chainId;
    private final Process process;
    private final int port;
    private final Path logFile;

    private AnvilNode(String name, long chainId, Process process, int port, Path logFile) {
        this.name = name;
        this.chainId = chainId;
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /**
     * Starts a node and waits until it accepts connections.
     *
     * @param blockTime {@code null} or zero for automine (a block per transaction), otherwise the
     *     interval between blocks
     */
    public static AnvilNode start(String name, long chainId, int port, Duration blockTime, Path dataDir)
            throws IOException {
        return start(name, chainId, port, blockTime, dataDir, null);
    }

    /**
     * Like {@link #start(String, long, int, Duration, Path)}, keeping the chain in {@code stateFile}: loaded when
     * it exists, written every few seconds and when the node stops (SIGTERM), so that a restart continues the same
     * chain (same blocks, same hashes).
     */
    public static AnvilNode start(String name, long chainId, int port, Duration blockTime, Path dataDir,
            Path stateFile) throws IOException {
        Path binary = AnvilBinary.locate();
        Path logFile = dataDir.resolve(name + ".log");
        Files.deleteIfExists(logFile);
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--host", "127.0.0.1",
                "--port", Integer.toString(port),
                "--chain-id", Long.toString(chainId),
                "--accounts", Integer.toString(DevKeys.ACCOUNT_COUNT),
                "--balance", "1000000",
                "--hardfork", "cancun"));
        if (stateFile != null) {
            cmd.addAll(List.of("--state", stateFile.toAbsolutePath().toString(), "--state-interval", "5"));
        }
        if (blockTime != null && !blockTime.isZero()) {
            cmd.add("--block-time");
            cmd.add(formatSeconds(blockTime));
        }
        Process process = ChildProcesses.start(cmd, dataDir, logFile);
        int boundPort = awaitListening(name, process, logFile);
        return new AnvilNode(name, chainId, process, boundPort, logFile);
    }

    private static String formatSeconds(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }

    private static int awaitListening(String name, Process process, Path logFile) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(logFile)) {
                Matcher m = LISTENING.matcher(Files.readString(logFile));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            if (!process.isAlive()) {
                throw new IOException("anvil node '" + name + "' exited with code " + process.exitValue()
                        + " before listening; its output is in " + logFile);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ChildProcesses.stop(process, Duration.ofSeconds(2));
                throw new IOException("interrupted while starting anvil node '" + name + "'", e);
            }
        }
        ChildProcesses.stop(process, Duration.ofSeconds(2));
        throw new IOException("anvil node '" + name + "' did not listen within " + START_TIMEOUT.toSeconds()
                + "s; its output is in " + logFile);
    }

    public String name() {
        return name;
    }

    public long chainId() {
        return chainId;
    }

    public int port() {
        return port;
    }

    public URI rpcUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public URI wsUrl() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, Duration.ofSeconds(5));
    }
}
