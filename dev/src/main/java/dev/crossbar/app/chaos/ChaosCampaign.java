package dev.crossbar.app.chaos;

import dev.crossbar.app.DevConfigFile;
import dev.crossbar.app.DevData;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.devnet.operator.Proposer;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.testkit.JsonRpcProxy;
import io.vertx.core.Vertx;
import java.net.URI;
import dev.crossbar.kafka.embedded.EmbeddedKafkaConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * The fault campaign of issue 14: the output-oracle devnet with one-second blocks, a Kafka broker (a child JVM),
 * PostgreSQL, and each role as its own OS process from the service jar (a watcher, two relayers in one group, a
 * monitor), with confirmations on every chain. A user sends a mix of messages in every flow while faults are injected
 * on a seeded random schedule; then the campaign waits for everything due to settle and checks the outcome from the
 * chains.
 *
 * <p>Faults: SIGKILL of each role (a relayer's lands right after it broadcast a transaction, read from its log), a
 * relayer frozen (SIGSTOP) past its session timeout and resumed, a broker killed and restarted on its data, every
 * store connection of the roles cut ({@code pg_terminate_backend}), and L1 and L2 reorgs of depth 1-10 (deeper than
 * the confirmations) that put the same transactions into new blocks.
 */
public final class ChaosCampaign {
    /** What can go wrong. */
    public enum Fault {
        KILL_WATCHER, KILL_RELAYER, KILL_MONITOR, FREEZE_RELAYER, BROKER_RESTART, STORE_CUT, L1_REORG, L2_REORG,
        /** One chain's preferred endpoint goes through every {@link #RPC_FAULTS RPC fault} in turn. */
        RPC_FAULTS
    }

    /**
     * What the fault-injecting proxy in front of each node does during an {@link Fault#RPC_FAULTS} fault. Not
     * {@code LYING_STATE}: nothing but the monitor cross-checks state reads yet (see the README).
     */
    static final List<JsonRpcProxy.Fault> RPC_FAULTS = List.of(JsonRpcProxy.Fault.DROP, JsonRpcProxy.Fault.STALL,
            JsonRpcProxy.Fault.RESET, JsonRpcProxy.Fault.HTTP_429, JsonRpcProxy.Fault.HTTP_500,
            JsonRpcProxy.Fault.GARBAGE, JsonRpcProxy.Fault.STALE_HEAD, JsonRpcProxy.Fault.LYING_LOGS);

    /**
     * @param messages how many messages the user sends (across every flow)
     * @param seed the fault schedule's and the traffic mix's seed
     * @param dir the campaign's folder (wiped first)
     * @param jar the service jar the roles run from
     * @param jdbcUrl the PostgreSQL database the roles share
     * @param confirmations blocks every chain's events wait for
     * @param faultEvery the mean time between two faults
     * @param settleWithin how long to wait, after the traffic, for everything due to settle
     */
    public record Settings(int messages, long seed, Path dir, Path jar, String jdbcUrl, String dbUser,
            int confirmations, Duration faultEvery, Duration settleWithin) {}

    /** A fault as injected: when, what exactly, and how long until the system made progress again. */
    public record Injected(Fault kind, Instant at, String detail, Duration recovery) {}

    private static final Duration SESSION = Duration.ofSeconds(6);
    /** How long a relayer's kill waits for one of them to send (the traffic is steady, the machine may be busy). */
    private static final Duration SEND_WAIT = Duration.ofSeconds(60);

    private final Settings settings;
    private final PrintStream out;
    private final Random random;
    private final String schema;
    private final List<Injected> injected = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();
    private final Map<String, RoleProcess> roles = new LinkedHashMap<>();
    private Devnet devnet;
    private final Vertx vertx = Vertx.vertx();
    /** The fault-injecting endpoint in front of each node, by chain name: every role's preferred endpoint. */
    private final Map<String, JsonRpcProxy> proxies = new LinkedHashMap<>();
    /** Held (write) while L1 blocks are kept free of the user's sends for a reorg; each send holds it (read). */
    private final java.util.concurrent.locks.ReentrantReadWriteLock quiet =
            new java.util.concurrent.locks.ReentrantReadWriteLock();
    private DevnetOperator operator;
    private EmbeddedKafka kafka;
    private int kafkaPort;

    public ChaosCampaign(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.random = new Random(settings.seed());
        this.schema = "chaos_" + Long.toHexString(settings.seed() & 0xffffffffL);
    }

    /** Runs the campaign and returns its outcome; everything it started is stopped when it returns. */
    public ChaosReport run() throws Exception {
        Instant began = Instant.now();
        Path dir = settings.dir();
        DevData.wipe(dir);
        Files.createDirectories(dir);
        dropSchema();
        DevnetConfig devnetConfig = DevnetConfig.forDemo(dir.resolve("devnet")).withSettlement(SettlementKind.OUTPUT_ORACLE)
                .withFinalizationPeriod(Duration.ofSeconds(30)).withBasePort(0);
        out.printf("chaos: seed=%d messages=%d confirmations=%d folder=%s schema=%s%n", settings.seed(),
                settings.messages(), settings.confirmations(), dir, schema);
        this.devnet = Devnet.start(devnetConfig);
        try {
            kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir.resolve("kafka")));
            kafkaPort = Integer.parseInt(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':')
                    + 1));
            Map<String, Long> startBlocks = heads();
            for (DevChain c : chains()) {
                proxies.put(c.name(), JsonRpcProxy.start(vertx, URI.create(c.rpcUrl())).stallFor(Duration.ofSeconds(5)));
            }
            startRoles();
            // The rollup's operator (sequencer, proposer) starts once the monitor watches: no output escapes it.
            operator = DevnetOperator.running(this.devnet, Duration.ofMillis(500), Duration.ofSeconds(6));
            out.println("chaos: every role ready: " + roles.keySet());
            AtomicBoolean trafficDone = new AtomicBoolean();
            Thread traffic = Thread.ofPlatform().name("chaos-traffic").start(() -> traffic(trafficDone));
            faults(trafficDone::get);
            traffic.join();
            out.printf("chaos: traffic done (%s); %d faults injected; settling%n", sent, injected.size());
            settle();
            return report(began, startBlocks);
        } finally {
            roles.values().forEach(RoleProcess::close);
            if (operator != null) {
                operator.close();
            }
            proxies.values().forEach(JsonRpcProxy::close);
            vertx.close();
            if (kafka != null) {
                kafka.close();
            }
            this.devnet.close();
        }
    }

    // ---- set-up ----------------------------------------------------------------------------------------------

    private void startRoles() throws Exception {
        Map<String, Object> base = config();
        add("watcher", "watcher", base, Map.of());
        add("relayer-a", "relayer", base, Map.of("relayer.instanceId", "relayer-a"));
        add("relayer-b", "relayer", base, Map.of("relayer.instanceId", "relayer-b"));
        add("monitor", "monitor", base, Map.of("monitor.instanceId", "monitor-chaos"));
        for (RoleProcess r : roles.values()) {
            r.start();
        }
        for (RoleProcess r : roles.values()) {
            if (!r.awaitReady(Duration.ofSeconds(120))) {
                throw new IllegalStateException(r.name() + " did not become ready; see " + r.log());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> config() throws IOException {
        Map<String, Object> root = DevConfigFile.tree(devnet.manifest(), settings.dir(),
                new DevConfigFile.Options(kafka.bootstrapServers(), null, null));
        for (Object o : (List<Object>) root.get("chains")) {
            Map<String, Object> c = (Map<String, Object>) o;
            c.put("confirmations", Integer.toString(settings.confirmations()));
            // Every role prefers the faulty endpoint and fails over to the node itself; the watcher commits a range
            // only when both agree on its logs.
            JsonRpcProxy proxy = proxies.get((String) c.get("name"));
            List<Object> direct = (List<Object>) c.get("rpc");
            c.put("rpc", List.of(proxy.httpUrl().toString(), direct.getFirst()));
            c.put("ws", List.of(proxy.wsUrl().toString()));
            c.put("quorum", 2);
        }
        root.put("store", Map.of("backend", "postgres", "postgres", Map.of("jdbcUrl", settings.jdbcUrl(), "user", settings.dbUser(),
                "schema", schema, "poolSize", 4)));
        ((Map<String, Object>) root.get("relayer")).put("sessionTimeout", SESSION.toSeconds() + "s");
        ((Map<String, Object>) root.get("monitor")).put("sessionTimeout", SESSION.toSeconds() + "s");
        return root;
    }

    private void add(String name, String role, Map<String, Object> base, Map<String, String> overrides)
            throws IOException {
        roles.put(name, RoleProcess.configured(name, role, base, overrides, RoleProcess.CAMPAIGN_JVM, settings.jar(),
                settings.dir()));
    }

    // ---- traffic ---------------------------------------------------------------------------------------------

    /** The user's mix, round after round, until the campaign's number of messages is sent. */
    private void traffic(AtomicBoolean done) {
        DemoTraffic user = new DemoTraffic(devnet, DevKeys.USER.credentials());
        Random mix = new Random(settings.seed() ^ 0x5eed);
        try {
            // The load lasts until the messages are sent and every kind of fault has landed during it.
            for (int round = 0; total() < settings.messages() || injectedKinds().size() < Fault.values().length;
                    round++) {
                int fast = Math.min(10, Math.max(1, (settings.messages() - total()) / 3));
                send("fast l2a->l2b", fast, () -> user.crossRollupBatch(0, 1, fast, "chaos"));
                send("fast l2b->l2a", fast, () -> user.crossRollupBatch(1, 0, fast, "chaos"));
                int l2 = mix.nextInt(2);
                send("L1->L2 message", 1, () -> user.deposit(l2, "chaos", BigInteger.ZERO));
                send("L1->L2 ether", 1, () -> user.depositEther(1 - l2, DevKeys.USER.address(), BigInteger.TEN));
                send("L2->L1 withdrawal", 1, () -> user.withdrawal(l2, "chaos", BigInteger.ZERO));
                if (round % 2 == 0) {
                    send("settled l2a->L1->l2b", 1, () -> user.settled(0, 1, "chaos"));
                }
            }
        } catch (Exception e) {
            out.println("chaos: traffic stopped: " + e);
        } finally {
            done.set(true);
        }
    }

    @FunctionalInterface
    private interface Send {
        Object send() throws Exception;
    }

    /** One send, tried again while a fault (an RPC error, a reorg under it) makes it fail. */
    private void send(String flow, int messages, Send s) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                quiet.readLock().lockInterruptibly();
                try {
                    s.send();
                } finally {
                    quiet.readLock().unlock();
                }
                sent.computeIfAbsent(flow, f -> new AtomicInteger()).addAndGet(messages);
                return;
            } catch (Exception e) {
                if (attempt >= 5) {
                    throw new IllegalStateException(flow + " failed " + attempt + " times: " + e, e);
                }
                Thread.sleep(1000);
            }
        }
    }

    private int total() {
        return sent.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    // ---- faults ----------------------------------------------------------------------------------------------

    /** Injects faults on the seeded schedule while the traffic runs: every kind once, in a random order, then again. */
    private void faults(BooleanSupplier trafficDone) throws Exception {
        List<Fault> order = new ArrayList<>();
        while (!trafficDone.getAsBoolean()) {
            if (order.isEmpty()) {
                order.addAll(List.of(Fault.values()));
                Collections.shuffle(order, random);
            }
            long gapMs = settings.faultEvery().toMillis() / 2 + (long) (random.nextDouble()
                    * settings.faultEvery().toMillis());
            long until = System.currentTimeMillis() + gapMs;
            while (System.currentTimeMillis() < until && !trafficDone.getAsBoolean()) {
                Thread.sleep(200);
            }
            if (trafficDone.getAsBoolean()) {
                break;
            }
            Fault f = order.removeFirst();
            Instant at = Instant.now();
            String detail;
            try {
                detail = inject(f);
            } catch (Exception e) {
                detail = "injection failed: " + e;
            }
            if (detail == null) {
                // A relayer's kill that found no send to land in: tried again later (traffic goes on until it is).
                order.addLast(f);
                out.printf("chaos: %-15s postponed: no relayer sent within %d s%n", f, SEND_WAIT.toSeconds());
                continue;
            }
            Duration recovery = recover(at);
            injected.add(new Injected(f, at, detail, recovery));
            out.printf("chaos: %-15s %s; recovered in %d ms%n", f, detail, recovery.toMillis());
        }
    }

    /** The short form (faults every few seconds): each fault held for less time. */
    private boolean quick() {
        return settings.faultEvery().toSeconds() <= 5;
    }

    private java.util.Set<Fault> injectedKinds() {
        java.util.Set<Fault> kinds = java.util.EnumSet.noneOf(Fault.class);
        injected.forEach(i -> kinds.add(i.kind()));
        return kinds;
    }

    private String inject(Fault f) throws Exception {
        return switch (f) {
            case KILL_WATCHER -> killAndRestart(List.of(roles.get("watcher")), null);
            case KILL_MONITOR -> killAndRestart(List.of(roles.get("monitor")), null);
            // Whichever relayer sends first: the keys' leases decide which one has sends to make.
            case KILL_RELAYER -> killAndRestart(random.nextBoolean()
                    ? List.of(roles.get("relayer-a"), roles.get("relayer-b"))
                    : List.of(roles.get("relayer-b"), roles.get("relayer-a")), "transaction broadcast");
            case FREEZE_RELAYER -> {
                RoleProcess r = roles.get(random.nextBoolean() ? "relayer-a" : "relayer-b");
                long ms = SESSION.toMillis() + (quick() ? 1000 + random.nextInt(2000) : 3000 + random.nextInt(5000));
                int open = openTransactions();
                r.freeze();
                Thread.sleep(ms);
                r.resume();
                yield r.name() + " frozen " + ms + " ms (session " + SESSION.toSeconds() + " s) with " + open
                        + " transactions open";
            }
            case BROKER_RESTART -> {
                new ProcessBuilder("kill", "-9", Long.toString(kafka.pid())).start().waitFor();
                kafka.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                kafka.close();
                long down = 1000 + random.nextInt(4000);
                Thread.sleep(down);
                kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(settings.dir().resolve("kafka"))
                        .withPort(kafkaPort));
                yield "broker killed (SIGKILL), restarted on its data after " + down + " ms";
            }
            case STORE_CUT -> "cut " + cutStoreConnections() + " store connections of the roles";
            case RPC_FAULTS -> {
                // Each RPC fault in a random order, again for those that found no request to act on (the clients
                // had set the endpoint aside after an earlier one), for up to a minute.
                DevChain chain = chains().get(random.nextInt(3));
                JsonRpcProxy proxy = proxies.get(chain.name());
                Map<JsonRpcProxy.Fault, Integer> before = proxy.injected();
                List<String> done = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                List<JsonRpcProxy.Fault> left = new ArrayList<>(RPC_FAULTS);
                while (!left.isEmpty() && System.nanoTime() < deadline) {
                    Collections.shuffle(left, random);
                    // Lying logs first: a lie needs a range with logs in it, read while the clients still use the
                    // endpoint (the other faults make them set it aside for a while).
                    if (left.remove(JsonRpcProxy.Fault.LYING_LOGS)) {
                        left.addFirst(JsonRpcProxy.Fault.LYING_LOGS);
                    }
                    for (JsonRpcProxy.Fault rf : left) {
                        long ms = quick() ? (rf == JsonRpcProxy.Fault.LYING_LOGS ? 3000 : 1000) + random.nextInt(1000)
                                : (rf == JsonRpcProxy.Fault.LYING_LOGS ? 5000 : 2000) + random.nextInt(2000);
                        proxy.mode(rf);
                        Thread.sleep(ms);
                        proxy.mode(JsonRpcProxy.Fault.PASS);
                        Thread.sleep(500);
                        done.add(rf + " " + ms + " ms");
                    }
                    Map<JsonRpcProxy.Fault, Integer> now = proxy.injected();
                    left.removeIf(rf -> now.getOrDefault(rf, 0) > before.getOrDefault(rf, 0));
                }
                yield chain.name() + "'s preferred endpoint: " + String.join(", ", done) + " (acted on: "
                        + proxy.injected() + (left.isEmpty() ? "" : "; found no request: " + left) + ")";
            }
            // L1: always deeper than the confirmations (up to 10); L2: 1 to 10.
            case L1_REORG -> {
                int depth = settings.confirmations() + 1 + random.nextInt(Math.max(1, 10 - settings.confirmations()));
                yield quietL1Reorg(depth);
            }
            case L2_REORG -> {
                // Only blocks no output covers yet: a real L2 reorgs unsafe blocks, never ones an output was
                // proposed for (the proposer waits while it happens).
                int index = random.nextInt(2);
                DevChain l2 = devnet.l2(index);
                Proposer proposer = operator.proposer(l2.name());
                int wanted = 1 + random.nextInt(10);
                String done = null;
                for (int i = 0; i < 40 && (done == null || done.contains("not reorged")); i++) {
                    if (done != null) {
                        Thread.sleep(300); // the newest block holds a deposit, or nothing is above the output yet
                    }
                    synchronized (proposer) {
                        long head = l2.blockNumber().longValueExact();
                        int depth = (int) Math.min(wanted, head - Math.max(0, proposer.lastProposedBlock()));
                        done = depth < 1 ? l2.name() + " not reorged: every block is covered by an output"
                                : reorg(l2, depth);
                    }
                }
                yield done;
            }
        };
    }

    /**
     * An L1 reorg of {@code depth} blocks that hold no deposit and no output proposal: the devnet's L2s do not
     * re-derive from a reorged L1 as a real rollup does (a deposit executed on the L2 names its L1 block's hash, an
     * output proposal the L1 block it saw), so the user's sends and the proposers wait while {@code depth} blocks go by
     * with only the services' own transactions (proofs, finalizations) in them; those are what the reorg moves.
     */
    private String quietL1Reorg(int depth) throws Exception {
        DevChain l1 = devnet.l1();
        quiet.writeLock().lockInterruptibly();
        try {
            Proposer a = operator.proposer(devnet.l2(0).name());
            Proposer b = operator.proposer(devnet.l2(1).name());
            synchronized (a) {
                synchronized (b) {
                    // Quiet blocks after the newest one with a deposit or a proposal (a relayer's finalization of a
                    // settled message deposits too): wait until there are depth of them, for up to a minute.
                    long floor = l1.blockNumber().longValueExact();
                    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                    long head = floor;
                    while (System.nanoTime() < deadline) {
                        Thread.sleep(200);
                        head = l1.blockNumber().longValueExact();
                        floor = Math.max(floor, newestSettlementBlock(floor + 1, head));
                        if (head - floor >= depth) {
                            break;
                        }
                    }
                    int reorgDepth = (int) Math.min(depth, head - floor);
                    return reorgDepth < 1 ? "l1 not reorged: no quiet block" : reorg(l1, reorgDepth);
                }
            }
        } finally {
            quiet.writeLock().unlock();
        }
    }

    /** The newest L1 block in [from, to] with a deposit or an output proposal of either L2 (from - 1 when none). */
    private long newestSettlementBlock(long from, long to) throws IOException {
        if (from > to) {
            return from - 1;
        }
        List<String> contracts = new ArrayList<>();
        for (var l2 : devnet.manifest().l2s()) {
            contracts.add(l2.settlement().portal());
            contracts.add(l2.settlement().outputOracle());
        }
        var filter = new org.web3j.protocol.core.methods.request.EthFilter(
                DefaultBlockParameter.valueOf(BigInteger.valueOf(Math.max(0, from))),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), contracts);
        filter.addOptionalTopics(org.web3j.abi.EventEncoder.encode(
                dev.crossbar.contracts.bindings.Portal.TRANSACTIONDEPOSITED_EVENT),
                org.web3j.abi.EventEncoder.encode(dev.crossbar.contracts.bindings.OutputOracle.OUTPUTPROPOSED_EVENT));
        long newest = from - 1;
        var logs = devnet.l1().web3j().ethGetLogs(filter).send();
        if (logs.hasError()) {
            throw new IOException("eth_getLogs on l1 failed: " + logs.getError().getMessage());
        }
        for (var r : logs.getLogs()) {
            newest = Math.max(newest, ((org.web3j.protocol.core.methods.response.Log) r.get()).getBlockNumber()
                    .longValueExact());
        }
        return newest;
    }

    /**
     * SIGKILLs a role and starts it again. With a {@code trigger} (relayers), the first of {@code candidates} whose log
     * says it is killed right after it, so that the kill lands while its sends are in flight; when none says it within
     * {@link #SEND_WAIT}, nobody is killed and the answer is null (the kill is tried again later).
     */
    private String killAndRestart(List<RoleProcess> candidates, String trigger) throws Exception {
        RoleProcess r = candidates.getFirst();
        String when = "at a random moment";
        if (trigger != null) {
            long[] offsets = new long[candidates.size()];
            for (int c = 0; c < offsets.length; c++) {
                offsets[c] = candidates.get(c).logSize();
            }
            long deadline = System.nanoTime() + SEND_WAIT.toNanos();
            when = null;
            search:
            while (System.nanoTime() < deadline) {
                for (int c = 0; c < candidates.size(); c++) {
                    String since = candidates.get(c).logSince(offsets[c]);
                    int i = since.lastIndexOf(trigger);
                    if (i >= 0) {
                        int end = since.indexOf('\n', i);
                        String line = since.substring(i, end < 0 ? since.length() : end);
                        when = "right after \"" + line.substring(0, Math.min(line.length(), 140)) + "\"";
                        r = candidates.get(c);
                        break search;
                    }
                }
                Thread.sleep(5);
            }
            if (when == null) {
                return null;
            }
        }
        int open = openTransactions();
        r.kill();
        Thread.sleep(random.nextInt(quick() ? 1000 : 3000));
        r.start();
        return r.name() + " killed (SIGKILL) " + when + ", " + open + " transactions open in the store";
    }

    /** Transactions recorded and not yet settled: sends in flight. */
    private int openTransactions() {
        try (Connection c = db(); var st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM " + schema + ".transactions WHERE status IN ('SIGNED', 'BROADCAST')")) {
            return rs.next() ? rs.getInt(1) : 0;
        } catch (SQLException e) {
            return -1;
        }
    }

    /**
     * Terminates, on the server, every database connection the roles' processes hold: the ones whose client port is
     * a socket of one of those processes (read from {@code /proc}), so that nothing else on the database is touched.
     */
    private int cutStoreConnections() throws SQLException, IOException {
        List<Integer> ports = new ArrayList<>();
        for (RoleProcess r : roles.values()) {
            if (r.alive()) {
                ports.addAll(localPortsTo(r.pid(), 5432));
            }
        }
        if (ports.isEmpty()) {
            return 0;
        }
        try (Connection c = db(); var st = c.prepareStatement("SELECT count(pg_terminate_backend(pid))"
                + " FROM pg_stat_activity WHERE client_port = ANY (?) AND pid <> pg_backend_pid()")) {
            st.setArray(1, c.createArrayOf("integer", ports.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    /** The local ports of a process's TCP connections to {@code remotePort} (Linux: /proc). */
    private static List<Integer> localPortsTo(long pid, int remotePort) throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        List<Integer> ports = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path f = Path.of(table);
            if (!Files.exists(f)) {
                continue;
            }
            List<String> lines = Files.readAllLines(f);
            for (String line : lines.subList(1, lines.size())) {
                String[] cols = line.trim().split("\\s+");
                String local = cols[1];
                String remote = cols[2];
                int rport = Integer.parseInt(remote.substring(remote.indexOf(':') + 1), 16);
                if (rport == remotePort && inodes.contains(cols[9])) {
                    ports.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }

    /**
     * Replaces the chain's last {@code depth} blocks with new ones holding the same transactions (each in the block
     * of the same height): every event moves to a block with another hash. An L2's deposit transactions (type 0x7E)
     * cannot be put back (anvil cannot encode them), so an L2 reorg stops short of the newest block that has one.
     */
    private String reorg(DevChain chain, int depth) throws IOException {
        var web3 = chain.web3j();
        long head = web3.ethBlockNumber().send().getBlockNumber().longValueExact();
        List<List<String>> blocks = new ArrayList<>(); // newest first: each block's raw transactions
        for (long n = head; n > Math.max(0, head - depth); n--) {
            EthBlock.Block b = web3.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(n)), true)
                    .send().getBlock();
            List<String> raws = new ArrayList<>();
            boolean deposit = false;
            for (EthBlock.TransactionResult<?> r : b.getTransactions()) {
                var t = (org.web3j.protocol.core.methods.response.Transaction) r.get();
                if ("0x7e".equalsIgnoreCase(t.getType())) {
                    deposit = true;
                    break;
                }
                String raw = chain.anvil().rawTransaction(t.getHash());
                if (raw != null) {
                    raws.add(raw);
                }
            }
            if (deposit) {
                break;
            }
            blocks.add(raws);
        }
        if (blocks.isEmpty()) {
            return chain.name() + " not reorged: its newest block holds a deposit transaction";
        }
        java.util.Collections.reverse(blocks);
        List<List<Object>> txs = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            for (String raw : blocks.get(i)) {
                txs.add(List.of(raw, i));
            }
        }
        chain.anvil().reorg(blocks.size(), txs);
        return chain.name() + " reorged " + blocks.size() + " blocks deep (confirmations " + settings.confirmations()
                + "), " + txs.size() + " transactions moved into the new blocks";
    }

    /** Time until every role is ready again and a message has been delivered since {@code since}. */
    private Duration recover(Instant since) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long relayedBefore = relayed();
        while (System.nanoTime() < deadline) {
            boolean ready = roles.values().stream().allMatch(RoleProcess::ready);
            if (ready && relayed() > relayedBefore) {
                return Duration.between(since, Instant.now());
            }
            Thread.sleep(250);
        }
        return Duration.ofMinutes(3);
    }

    private long relayed() {
        try (Connection c = db(); var st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM " + schema + ".messages WHERE state = 'RELAYED'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            return -1;
        }
    }

    // ---- settling and the outcome ------------------------------------------------------------------------------

    private void settle() throws Exception {
        long deadline = System.nanoTime() + settings.settleWithin().toNanos();
        Map<String, Long> open = Map.of();
        while (System.nanoTime() < deadline) {
            open = unsettled();
            if (open.isEmpty() && openTransactions() == 0) {
                out.println("chaos: everything settled");
                return;
            }
            Thread.sleep(2000);
        }
        out.println("chaos: not settled within " + settings.settleWithin().toSeconds() + " s: " + open);
    }

    /** Messages by state that are not final yet. */
    private Map<String, Long> unsettled() throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = db(); var st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT state, count(*) FROM " + schema + ".messages WHERE state NOT IN ('RELAYED', 'ORPHANED')"
                        + " GROUP BY state")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    private ChaosReport report(Instant began, Map<String, Long> startBlocks) throws Exception {
        Map<Fault, Integer> byKind = new EnumMap<>(Fault.class);
        injected.forEach(i -> byKind.merge(i.kind(), 1, Integer::sum));
        Map<String, Integer> flows = new LinkedHashMap<>();
        sent.forEach((k, v) -> flows.put(k, v.get()));
        AuditResult audit;
        try (MessageStore store = MessageStores.open(StoreConfig.postgres(settings.jdbcUrl(), settings.dbUser(), 2,
                schema), new ChainTopology(Map.of(901L, 900L, 902L, 900L), 1))) {
            // Crossbar's keys: the relayer's signers, and the monitor's challenger, guardian and reclaimer.
            ChainAudit chainAudit = ChainAudit.of(devnet.manifest()).store(store).signers(java.util.stream.Stream.of(
                    "relayer", "relayer-2", "challenger", "guardian", "monitor").map(devnet.manifest().keys()::get)
                    .filter(java.util.Objects::nonNull).map(k -> k.address()).distinct().toList());
            for (DevChain c : chains()) {
                chainAudit.from(c.chainId(), startBlocks.get(c.name()));
            }
            audit = chainAudit.run();
        }
        Map<String, Integer> rpc = new java.util.TreeMap<>();
        proxies.values().forEach(p -> p.injected().forEach((f, n) -> rpc.merge(f.name(), n, Integer::sum)));
        return new ChaosReport(settings.seed(), settings.messages(), flows, List.copyOf(injected), byKind, rpc,
                unsettled(), findings(false), findings(true), audit, Duration.between(began, Instant.now()),
                startBlocks);
    }

    /**
     * Findings the monitor raised about the rollup's operator: the operator is honest, so every one is a false alarm.
     * With {@code self}, the monitor's findings about itself instead ({@code MONITOR_LAGGING}: true after it was
     * killed, frozen out of its store or slowed by the faults, reported apart).
     */
    private List<String> findings(boolean self) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db(); var st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT kind, severity, summary FROM " + schema + ".findings ORDER BY id")) {
            while (rs.next()) {
                if (SELF_FINDINGS.contains(rs.getString(1)) == self) {
                    out.add(rs.getString(1) + " (" + rs.getString(2) + "): " + rs.getString(3));
                }
            }
        }
        return out;
    }

    /** The monitor's findings about its own health. */
    private static final java.util.Set<String> SELF_FINDINGS = java.util.Set.of("MONITOR_LAGGING");

    private List<DevChain> chains() {
        return List.of(devnet.l1(), devnet.l2(0), devnet.l2(1));
    }

    private Map<String, Long> heads() throws IOException {
        Map<String, Long> heads = new LinkedHashMap<>();
        heads.put("l1", devnet.l1().blockNumber().longValueExact());
        for (int i = 0; i < 2; i++) {
            heads.put(devnet.l2(i).name(), devnet.l2(i).blockNumber().longValueExact());
        }
        return heads;
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), settings.dbUser(), null);
    }

    private void dropSchema() throws SQLException {
        try (Connection c = db(); var st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
