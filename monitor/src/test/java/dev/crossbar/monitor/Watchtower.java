package dev.crossbar.monitor;

import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.monitor.act.Actors;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.relayer.RelayerMetrics;
import dev.crossbar.relayer.RelayerService;
import dev.crossbar.relayer.RelayerSettings;
import dev.crossbar.store.Finding;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.testkit.stack.RealStack;
import dev.crossbar.txmanager.FeePolicy;
import dev.crossbar.watcher.ChainWatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Credentials;

/**
 * Everything the monitor works with, on real parts: a devnet (automine, one-hour window moved with
 * {@code evm_increaseTime}, a heartbeat mining a block per second on every chain), watchers of its three chains, the
 * embedded store (or PostgreSQL), the outbox publisher on the real broker, a relayer, a webhook receiver, and the
 * monitor itself.
 */
final class Watchtower implements AutoCloseable {
    static final long L1 = 900;
    static final long L2A = 901;
    static final long L2B = 902;
    private static final Path TIMINGS = Path.of("target", "monitor-timings.txt");

    final RealStack stack;
    final Path dir;
    final Devnet devnet;
    final DevnetOperator operator;
    final Vertx vertx;
    final SimpleMeterRegistry meters;
    final TopicsConfig topics;
    final KafkaClients kafka;
    final Map<Long, ChainConfig> chains;
    final Map<Long, EthApi> clients;
    final List<EthApi> rpcs;
    final List<ChainWatcher> watchers;
    final MessageStore store;
    final WebhookReceiver webhooks;
    final Heartbeat heartbeat;
    final DemoTraffic user;
    RelayerService relayer;
    MonitorService monitor;
    MonitoredChains monitored;

    Watchtower() throws Exception {
        this((StoreConfig) null);
    }

    /** @param storeConfig the store; null for an embedded one in the test's folder */
    Watchtower(StoreConfig storeConfig) throws Exception {
        this(RealStack.start("monitor", 1, storeConfig));
    }

    /** On a devnet of its own whose L2s settle through OP's dispute games. */
    static Watchtower faultProofs() throws Exception {
        return faultProofs(null);
    }

    /** {@link #faultProofs()} with {@code storeConfig}; null for an embedded store in the test's folder. */
    static Watchtower faultProofs(StoreConfig storeConfig) throws Exception {
        return new Watchtower(RealStack.startWithFaultProofs("monitor-games", 1, storeConfig));
    }

    private Watchtower(RealStack stack) throws Exception {
        this.stack = stack;
        dir = stack.dir;
        devnet = stack.devnet;
        operator = stack.operator;
        vertx = stack.vertx;
        meters = stack.meters;
        topics = stack.topics;
        kafka = stack.kafka;
        chains = stack.chains;
        clients = stack.clients;
        rpcs = stack.rpcs;
        watchers = stack.watchers;
        store = stack.store;
        webhooks = new WebhookReceiver(vertx);
        heartbeat = new Heartbeat(List.of(devnet.l1(), devnet.l2(0), devnet.l2(1)), 1000);
        user = new DemoTraffic(devnet, DevKeys.USER.credentials());
    }

    // ---- parts -----------------------------------------------------------------------------------------------

    void startRelayer() {
        RelayerSettings d = RelayerSettings.defaults();
        RelayerSettings settings = new RelayerSettings("relayer-" + java.util.UUID.randomUUID(), 1, 1,
                new FeePolicy(d.fees().priorityFee(), d.fees().maxFeeCap(), 15, 3, Duration.ofSeconds(2)),
                new Backoff(Duration.ofMillis(300), Duration.ofSeconds(3), 0.2), 20, 3, 50,
                RelayerSettings.Batching.off(), Duration.ofMillis(200), null, Duration.ofSeconds(10));
        Map<Long, List<Credentials>> signers = new LinkedHashMap<>();
        chains.keySet().forEach(id -> signers.put(id, List.of(DevKeys.RELAYER.credentials())));
        relayer = new RelayerService(store, Chains.of(chains.values(), clients), signers, settings, kafka, topics,
                new RelayerMetrics(meters));
        relayer.start();
    }

    /** The monitor's settings for the devnet: fast rounds, short thresholds, both webhooks of this receiver. */
    MonitorSettings settings() {
        return settings("monitor-" + java.util.UUID.randomUUID(), webhooks.alertmanagerUrl(), webhooks.jsonUrl());
    }

    static MonitorSettings settings(String group, URI alertmanager, URI json) {
        ChainChecks checks = new ChainChecks(EnumSet.allOf(Check.class), Duration.ofHours(2), Duration.ofSeconds(60),
                5, Duration.ofSeconds(8));
        MonitorSettings.Alerts alerts = new MonitorSettings.Alerts(List.of(
                new MonitorSettings.Webhook(alertmanager, MonitorSettings.Webhook.Format.ALERTMANAGER),
                new MonitorSettings.Webhook(json, MonitorSettings.Webhook.Format.JSON)),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2), 50, 1000, Duration.ofMinutes(10),
                URI.create("http://127.0.0.1:8080/api/findings"));
        FeePolicy d = FeePolicy.defaults();
        return new MonitorSettings(group, Duration.ofMillis(250), 0.5, checks, Map.of(), true, Set.of(), true, 30,
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(10),
                new FeePolicy(d.priorityFee(), d.maxFeeCap(), 15, 3, Duration.ofSeconds(2)), alerts);
    }

    /** The challenger, guardian and reclaimer keys of the devnet. */
    static Map<Actors.Role, Credentials> keys() {
        return Map.of(Actors.Role.CHALLENGER, DevKeys.CHALLENGER.credentials(), Actors.Role.GUARDIAN,
                DevKeys.GUARDIAN.credentials(), Actors.Role.RECLAIMER, DevKeys.MONITOR.credentials());
    }

    MonitorService startMonitor(MonitorSettings settings) {
        return startMonitor(settings, Map.of());
    }

    MonitorService startMonitor(MonitorSettings settings, Map<Long, List<URI>> extraRpc) {
        return startMonitor(settings, Map.of(), extraRpc);
    }

    /**
     * @param rpc the monitor's own configured endpoints of some chains, instead of the devnet's (a proxy in front of
     *     a node, say); the rest of the test's parts keep the devnet's
     */
    MonitorService startMonitor(MonitorSettings settings, Map<Long, List<URI>> rpc, Map<Long, List<URI>> extraRpc) {
        return startMonitor(settings, rpc, extraRpc, List.of());
    }

    /** A monitor that takes {@code exitAccounts} out with forced withdrawals when their L2 censors or halts. */
    MonitorService startMonitor(MonitorSettings settings, List<Credentials> exitAccounts) {
        return startMonitor(settings, Map.of(), Map.of(), exitAccounts);
    }

    private MonitorService startMonitor(MonitorSettings settings, Map<Long, List<URI>> rpc,
            Map<Long, List<URI>> extraRpc, List<Credentials> exitAccounts) {
        List<ChainConfig> configs = chains.values().stream().map(c -> !rpc.containsKey(c.chainId()) ? c
                : new ChainConfig(c.name(), c.chainId(), c.role(), rpc.get(c.chainId()), List.of(), c.confirmations(),
                        c.startBlock(), c.pollInterval(), c.maxBlockRange(), c.settlements(), c.l2Contracts(),
                        c.settlesOn())).toList();
        monitored = MonitoredChains.connect(vertx, configs, extraRpc);
        monitor = new MonitorService(settings, monitored, store, kafka, topics, vertx, meters, keys(), exitAccounts,
                Clock.systemUTC());
        monitor.start();
        return monitor;
    }

    void stopMonitor() throws Exception {
        if (monitor != null) {
            monitor.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            monitor = null;
        }
        if (monitored != null) {
            monitored.close();
            monitored = null;
        }
    }

    // ---- devnet helpers --------------------------------------------------------------------------------------

    DevChain l1() {
        return devnet.l1();
    }

    DevChain l2(int index) {
        return devnet.l2(index);
    }

    DevnetManifest.Settlement settlement(int l2Index) {
        return devnet.manifest().l2s().get(l2Index).settlement();
    }

    OutputOracle oracle(int l2Index, DevKeys key) {
        return OutputOracle.load(settlement(l2Index).outputOracle(), l1().web3j(), l1().txManager(key.credentials()),
                DevChain.GAS);
    }

    Portal portal(int l2Index, DevKeys key) {
        return Portal.load(settlement(l2Index).portal(), l1().web3j(), l1().txManager(key.credentials()), DevChain.GAS);
    }

    /** Proposes an honest output for l2a's head (mining a block first, as the proposer needs a new one). */
    long proposeL2a() throws Exception {
        l2(0).anvil().mine(1);
        return operator.proposer("l2a").propose(l2(0).blockNumber().longValueExact());
    }

    /** Moves the L1 clock past the challenge window and mines a block. */
    void passWindow() throws Exception {
        l1().anvil().increaseTime(devnet.config().finalizationPeriod().toSeconds() + 5);
        l1().anvil().mine(1);
    }

    BigInteger nextOutputIndex(int l2Index) throws Exception {
        return oracle(l2Index, DevKeys.USER).nextOutputIndex().send();
    }

    long l1Timestamp() throws Exception {
        return clients.get(L1).latest().timestamp();
    }

    // ---- what the monitor did --------------------------------------------------------------------------------

    List<Finding> findings(String kind) {
        return store.findings(null, 1000).stream().filter(f -> f.kind().equals(kind)).toList();
    }

    Finding awaitFinding(String kind, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> !findings(kind).isEmpty());
        return findings(kind).getFirst();
    }

    boolean tripped(long chainId) {
        return store.breaker(chainId).map(b -> b.tripped()).orElse(false);
    }

    boolean paused(int l2Index) throws Exception {
        return portal(l2Index, DevKeys.USER).paused().send();
    }

    /**
     * Shows that the relayer holds messages of a chain behind its breaker: a fast message from l2a to l2b sent now
     * goes BLOCKED instead of RELAYED.
     */
    MessageRecord awaitBlockedMessage(int source, int destination, String note) throws Exception {
        String hash = sentMessageHash(source, user.crossRollup(source, destination, note));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                store.message(hash).map(m -> m.state() == MessageState.BLOCKED).orElse(false));
        return store.message(hash).orElseThrow();
    }

    /** The hash of the L2-to-L2 message a {@code sendMessage} transaction on L2 {@code source} sent. */
    String sentMessageHash(int source, org.web3j.protocol.core.methods.response.TransactionReceipt r) {
        var log = r.getLogs().stream().filter(l -> l.getTopics().getFirst()
                .equalsIgnoreCase(dev.crossbar.core.protocol.L2ToL2Payload.SENT_MESSAGE_TOPIC)).findFirst()
                .orElseThrow();
        return org.web3j.utils.Numeric.toHexString(dev.crossbar.core.protocol.L2ToL2Payload.fromLog(log.getTopics(),
                log.getData()).messageHash(BigInteger.valueOf(l2(source).chainId())));
    }

    List<MessageRecord> messages(MessageKind kind, MessageState state) {
        return store.messages(new MessageQuery(Set.of(state), Set.of(kind), null, null, null, null, 1000));
    }

    /** Waits until every watcher has read its chain's head. */
    void awaitWatchers() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (ChainWatcher w : watchers) {
                if (w.cursorBlock() < clients.get(w.chain().chainId()).blockNumber() - 2) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Appends a measured timing to {@code target/monitor-timings.txt} and prints it. */
    static void timing(String what, Duration d) {
        String line = what + " ms=" + d.toMillis();
        System.out.println("TIMING " + line);
        try {
            Files.writeString(TIMINGS, java.time.Instant.now() + " " + line + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        stopMonitor();
        if (relayer != null) {
            relayer.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        heartbeat.close();
        webhooks.close();
        stack.close();
    }
}
