package dev.crossbar.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossbar.core.process.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One anvil node (Foundry's dev node) run as a child process from the npm package's binary.
 *
 * <p>It listens on loopback only, on a port the OS picks unless one is given; the port is read
 * back from anvil's own "Listening on" line. Its output goes to {@code <dataDir>/<name>.log}.
 *
 * <p>By default a node dies with this JVM (see {@link ChildProcesses}). A node started {@linkplain #startDetached
 * detached} (dev mode) outlives a crash of this JVM instead, and leaves a descriptor {@code <dataDir>/<name>.node.json}
 * (pid, port, chain id, genesis hash) from which the next start {@linkplain #reattach reattaches} to it, or from which
 * {@link #stopLeftovers} stops it.
 */
public final class AnvilNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnvilNode.class);
    private static final Pattern LISTENING = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DESCRIPTOR_SUFFIX = ".node.json";

    private final String name;
    private final long chainId;
    private final ProcessHandle process;
    private final int port;
    private final Path logFile;
    private final Path descriptor;
    private final boolean reattached;

    private AnvilNode(String name, long chainId, ProcessHandle process, int port, Path logFile, Path descriptor,
            boolean reattached) {
        this.name = name;
        this.chainId = chainId;
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.descriptor = descriptor;
        this.reattached = reattached;
    }

    /**
     * What a detached node leaves in its data folder so that a later JVM can find it.
     *
     * @param startedAt the process's start time in epoch milliseconds (guards against a reused pid)
     * @param genesisHash hash of block 0 (tells this chain from another on the same port)
     */
    public record Descriptor(String name, long pid, int port, long chainId, long startedAt, String genesisHash) {}

    /**
     * The chain a node emulates: plain Ethereum (Cancun), or an OP Stack L2 ({@code --network optimism}, Ecotone,
     * which is Cancun-equivalent), whose node also takes deposit transactions (type {@code 0x7E}). Under
     * {@code --network optimism} anvil knows only OP fork names, so the hardfork goes with the network.
     */
    public enum Network {
        ETHEREUM(List.of("--hardfork", "cancun")),
        OPTIMISM(List.of("--network", "optimism", "--hardfork", "ecotone"));

        private final List<String> args;

        Network(List<String> args) {
            this.args = args;
        }
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
        return start(name, chainId, port, blockTime, dataDir, stateFile, Network.ETHEREUM, false);
    }

    /** Like {@link #start(String, long, int, Duration, Path, Path)}, emulating {@code network}. */
    public static AnvilNode start(String name, long chainId, int port, Duration blockTime, Path dataDir,
            Path stateFile, Network network) throws IOException {
        return start(name, chainId, port, blockTime, dataDir, stateFile, network, false);
    }

    /**
     * Like {@link #start(String, long, int, Duration, Path, Path)}, but the node outlives a crash (SIGKILL) of this
     * JVM ({@link ChildProcesses#startDetached}) and its descriptor is written to {@code <dataDir>/<name>.node.json}.
     * A normal exit or SIGTERM/SIGINT of this JVM, and {@link #close()}, still stop it. For dev mode only: tests use
     * the attached start, so that a killed test run leaves no node behind.
     */
    public static AnvilNode startDetached(String name, long chainId, int port, Duration blockTime, Path dataDir,
            Path stateFile) throws IOException {
        return start(name, chainId, port, blockTime, dataDir, stateFile, Network.ETHEREUM, true);
    }

    /** Like {@link #startDetached(String, long, int, Duration, Path, Path)}, emulating {@code network}. */
    public static AnvilNode startDetached(String name, long chainId, int port, Duration blockTime, Path dataDir,
            Path stateFile, Network network) throws IOException {
        return start(name, chainId, port, blockTime, dataDir, stateFile, network, true);
    }

    private static AnvilNode start(String name, long chainId, int port, Duration blockTime, Path dataDir,
            Path stateFile, Network network, boolean detached) throws IOException {
        Path binary = AnvilBinary.locate();
        Path logFile = dataDir.resolve(name + ".log");
        Files.deleteIfExists(logFile);
        List<String> cmd = new ArrayList<>(List.of(
                binary.toString(),
                "--host", "127.0.0.1",
                "--port", Integer.toString(port),
                "--chain-id", Long.toString(chainId),
                "--accounts", Integer.toString(DevKeys.ACCOUNT_COUNT),
                "--balance", "1000000"));
        cmd.addAll(network.args);
        if (stateFile != null) {
            // Historical states too, so that calls at older blocks still work after a reload.
            cmd.addAll(List.of("--state", stateFile.toAbsolutePath().toString(), "--state-interval", "5",
                    "--preserve-historical-states"));
        }
        if (blockTime != null && !blockTime.isZero()) {
            cmd.add("--block-time");
            cmd.add(formatSeconds(blockTime));
        }
        Path descriptor = descriptorFile(dataDir, name);
        Files.deleteIfExists(descriptor);
        Process process = detached ? ChildProcesses.startDetached(cmd, dataDir, logFile)
                : ChildProcesses.start(cmd, dataDir, logFile);
        int boundPort = awaitListening(name, process, logFile);
        if (!detached) {
            return new AnvilNode(name, chainId, process.toHandle(), boundPort, logFile, null, false);
        }
        try {
            String genesis = rpc(boundPort, "eth_getBlockByNumber", "[\"0x0\", false]").path("hash").asText();
            writeDescriptor(descriptor, new Descriptor(name, process.pid(), boundPort, chainId,
                    startedAt(process.toHandle()), genesis));
        } catch (IOException | RuntimeException e) {
            ChildProcesses.stop(process, Duration.ofSeconds(2));
            throw new IOException("anvil node '" + name + "' started but its descriptor could not be written: "
                    + e.getMessage(), e);
        }
        return new AnvilNode(name, chainId, process.toHandle(), boundPort, logFile, descriptor, false);
    }

    /**
     * The detached node {@code name} of an earlier run in {@code dataDir}, if it is still running and is the chain
     * it was (its process started when the descriptor says, it answers {@code eth_chainId} with {@code chainId} and
     * its block 0 has the recorded hash). Such a node is taken in charge by this JVM ({@link ChildProcesses#adopt}):
     * {@link #close()} and a normal exit stop it.
     */
    public static Optional<AnvilNode> reattach(String name, long chainId, Path dataDir) {
        Path file = descriptorFile(dataDir, name);
        Optional<Descriptor> d = readDescriptor(file);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = liveProcess(d.get());
        if (handle.isEmpty()) {
            log.info("anvil node {} of an earlier run is gone (pid {}): starting a new one", name, d.get().pid());
            return Optional.empty();
        }
        String why;
        try {
            long answered = Long.decode(rpc(d.get().port(), "eth_chainId", "[]").asText());
            String genesis = rpc(d.get().port(), "eth_getBlockByNumber", "[\"0x0\", false]").path("hash").asText();
            if (answered == chainId && d.get().chainId() == chainId && genesis.equalsIgnoreCase(d.get().genesisHash())) {
                ChildProcesses.adopt(handle.get());
                log.info("anvil node {} reattached: pid={} port={}", name, d.get().pid(), d.get().port());
                return Optional.of(new AnvilNode(name, chainId, handle.get(), d.get().port(),
                        dataDir.resolve(name + ".log"), file, true));
            }
            why = "it answers chain id " + answered + " and genesis " + genesis + ", expected " + chainId + " and "
                    + d.get().genesisHash();
        } catch (IOException | RuntimeException e) {
            why = "it does not answer on port " + d.get().port() + ": " + e.getMessage();
        }
        log.warn("anvil node {} of an earlier run (pid {}) is running but cannot be reattached ({}): stopping it",
                name, d.get().pid(), why);
        ChildProcesses.stop(handle.get(), STOP_GRACE);
        return Optional.empty();
    }

    /**
     * Stops every detached node an earlier run left running in {@code dataDir} (SIGTERM, so that it saves its state
     * file; SIGKILL after a grace period) and deletes their descriptors.
     *
     * @return the descriptors of the nodes that were still running and were stopped
     */
    public static List<Descriptor> stopLeftovers(Path dataDir) throws IOException {
        List<Descriptor> stopped = new ArrayList<>();
        if (!Files.isDirectory(dataDir)) {
            return stopped;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, "*" + DESCRIPTOR_SUFFIX)) {
            for (Path file : files) {
                Optional<Descriptor> d = readDescriptor(file);
                Optional<ProcessHandle> live = d.flatMap(AnvilNode::liveProcess);
                if (live.isPresent()) {
                    ChildProcesses.stop(live.get(), STOP_GRACE);
                    stopped.add(d.get());
                    log.info("stopped anvil node {} left running by an earlier run: pid={}", d.get().name(),
                            d.get().pid());
                }
                Files.deleteIfExists(file);
            }
        }
        return stopped;
    }

    /** The descriptors of the detached nodes recorded in {@code dataDir} (running or not). */
    public static List<Descriptor> descriptors(Path dataDir) throws IOException {
        List<Descriptor> out = new ArrayList<>();
        if (Files.isDirectory(dataDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, "*" + DESCRIPTOR_SUFFIX)) {
                files.forEach(f -> readDescriptor(f).ifPresent(out::add));
            }
        }
        return out;
    }

    private static Path descriptorFile(Path dataDir, String name) {
        return dataDir.resolve(name + DESCRIPTOR_SUFFIX);
    }

    private static Optional<Descriptor> readDescriptor(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), Descriptor.class));
        } catch (IOException e) {
            log.warn("ignoring unreadable anvil node descriptor {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    private static void writeDescriptor(Path file, Descriptor d) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), d);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The process the descriptor names, if it still runs and is the one that was started (not a reused pid). */
    private static Optional<ProcessHandle> liveProcess(Descriptor d) {
        return ProcessHandle.of(d.pid()).filter(ProcessHandle::isAlive)
                .filter(h -> d.startedAt() == 0 || Math.abs(startedAt(h) - d.startedAt()) < 2000)
                .filter(h -> h.info().command().map(c -> c.contains("anvil")).orElse(true));
    }

    private static long startedAt(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static JsonNode rpc(int port, String method, String params) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port))
                .timeout(Duration.ofSeconds(3))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                        + "\",\"params\":" + params + "}"))
                .build();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            JsonNode body = JSON.readTree(client.send(req, HttpResponse.BodyHandlers.ofString()).body());
            if (body.has("error")) {
                throw new IOException(method + " failed: " + body.get("error"));
            }
            return body.path("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + method, e);
        }
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

    /** Completes when the node's process ends (for whatever reason). */
    public CompletableFuture<ProcessHandle> onExit() {
        return process.onExit();
    }

    /** Whether this node was started detached (it has a descriptor and outlives a crash of this JVM). */
    public boolean detached() {
        return descriptor != null;
    }

    /** Whether this node was left running by an earlier JVM and reattached here. */
    public boolean reattached() {
        return reattached;
    }

    /** Takes a snapshot of the chain ({@code evm_snapshot}) and returns its id, for {@link #revert}. */
    public String snapshot() throws IOException {
        return rpc(port, "evm_snapshot", "[]").asText();
    }

    /**
     * Puts the chain back to snapshot {@code id} ({@code evm_revert}). Anvil drops that snapshot and every later one,
     * and leaves what is not chain state as it was: the pool, the mining mode, the next block's base fee; its clock
     * goes back to the snapshot's block.
     *
     * @throws IOException naming the node when it has no such snapshot (already reverted to, say)
     */
    public void revert(String id) throws IOException {
        if (!rpc(port, "evm_revert", "[\"" + id + "\"]").asBoolean()) {
            throw new IOException("anvil node '" + name + "' has no snapshot " + id
                    + " (a revert consumes its snapshot and every later one)");
        }
    }

    /** Sends an anvil method of the node's own ({@code anvil_*}, {@code evm_*}) and returns its result. */
    JsonNode call(String method, String params) throws IOException {
        return rpc(port, method, params);
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, STOP_GRACE);
        if (descriptor != null) {
            try {
                Files.deleteIfExists(descriptor);
            } catch (IOException e) {
                log.warn("cannot delete {}: {}", descriptor, e.getMessage());
            }
        }
    }
}
