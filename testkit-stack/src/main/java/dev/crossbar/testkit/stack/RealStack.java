package dev.crossbar.testkit.stack;

import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.kafka.embedded.KafkaFixture;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.OutboxPublisher;
import dev.crossbar.messaging.TopicAdmin;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.testkit.TempDirs;
import dev.crossbar.watcher.ChainWatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;

/**
 * The real parts every service test stands on, built one way: a devnet (automine, a manual operator), the test
 * broker with topics of its own, a client of each chain, the store (embedded SQLite in its folder, or the one given),
 * the outbox publisher, and a watcher per chain. The relayer's {@code Pipeline} and the monitor's {@code Watchtower}
 * add their services on top. {@link #close()} stops everything and removes its folder.
 *
 * <p>The devnet is the JVM's shared one ({@link DevnetFixture}), its chains reverted to their deployment for each
 * stack, unless the test asks for one of its own ({@link #startWithOwnDevnet}). Either way the operator is the
 * stack's own.
 */
public final class RealStack implements AutoCloseable {
    public static final long L1 = 900;
    public static final long L2A = 901;
    public static final long L2B = 902;

    public final Path dir;
    public final Devnet devnet;
    public final DevnetOperator operator;
    public final Vertx vertx = Vertx.vertx();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final TopicsConfig topics;
    public final KafkaClients kafka;
    public final Map<Long, ChainConfig> chains = new LinkedHashMap<>();
    /** A client per chain for the test's own reads and services (short timeouts). */
    public final Map<Long, EthApi> clients = new LinkedHashMap<>();
    /** Every chain API made here or added by the test: closed with the stack. */
    public final List<EthApi> rpcs = new ArrayList<>();
    public final List<ChainWatcher> watchers = new ArrayList<>();
    public final StoreConfig storeConfig;
    public final int signerSlots;
    public MessageStore store;
    public OutboxPublisher publisher;
    private Producer<String, String> producer;
    private final boolean ownDevnet;

    /**
     * Takes the JVM's shared devnet, its chains as deployed, and opens the store, the publisher and the watchers.
     *
     * @param name names the folder ({@code crossbar-<name>-test…}), the topics and the Kafka client id
     * @param signerSlots the relayer's signer slots per destination (the store keys message records by them)
     * @param storeConfig the store; null for an embedded one in the stack's folder
     */
    public static RealStack start(String name, int signerSlots, StoreConfig storeConfig) throws Exception {
        return new RealStack(name, signerSlots, storeConfig, false);
    }

    /**
     * Like {@link #start}, on a devnet of the stack's own in its folder: for a test that stops or restarts nodes, or
     * needs chains no other stack has touched.
     */
    public static RealStack startWithOwnDevnet(String name, int signerSlots, StoreConfig storeConfig)
            throws Exception {
        return new RealStack(name, signerSlots, storeConfig, true);
    }

    /**
     * Like {@link #startWithOwnDevnet}, on a devnet whose L2s settle through OP's fault-proof contracts (dispute
     * games) with the devnet's game parameters.
     */
    public static RealStack startWithFaultProofs(String name, int signerSlots, StoreConfig storeConfig)
            throws Exception {
        return new RealStack(name, signerSlots, storeConfig, true, SettlementKind.FAULT_PROOFS);
    }

    private RealStack(String name, int signerSlots, StoreConfig storeConfig, boolean ownDevnet) throws Exception {
        this(name, signerSlots, storeConfig, ownDevnet, SettlementKind.OUTPUT_ORACLE);
    }

    private RealStack(String name, int signerSlots, StoreConfig storeConfig, boolean ownDevnet,
            SettlementKind settlement) throws Exception {
        this.signerSlots = signerSlots;
        this.ownDevnet = ownDevnet;
        dir = TempDirs.create(name + "-test");
        devnet = ownDevnet ? Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")).withSettlement(settlement))
                : DevnetFixture.take();
        try {
            operator = DevnetOperator.manual(devnet);
            topics = TopicsConfig.withPrefix(KafkaFixture.uniqueTopic(name));
            TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), topics);
            kafka = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), name + "-test"));
            for (ChainConfig c : DevnetChains.of(devnet.manifest(), Confirmations.blocks(0), Duration.ofMillis(200))) {
                chains.put(c.chainId(), c);
                EthApi client = EthApi.connect(vertx, c, Duration.ofSeconds(5), Duration.ofSeconds(1));
                rpcs.add(client);
                clients.put(c.chainId(), client);
            }
            this.storeConfig = storeConfig == null ? StoreConfig.sqlite(dir.resolve("store.db")) : storeConfig;
            openStore();
        } catch (Exception e) {
            releaseDevnet(); // the next stack can have the shared devnet
            TempDirs.delete(dir);
            throw e;
        }
    }

    /** Which L1 each devnet L2 settles on, with the stack's signer slots. */
    public ChainTopology topology() {
        return new ChainTopology(Map.of(L2A, L1, L2B, L1), signerSlots);
    }

    /** Opens the store and starts the publisher and a watcher per chain (again, after {@link #stopServices}). */
    public void openStore() throws Exception {
        store = MessageStores.open(storeConfig, topology());
        producer = kafka.stringProducer();
        publisher = new OutboxPublisher(store, producer, topics, Duration.ofMillis(100), meters);
        publisher.start();
        for (ChainConfig c : List.copyOf(chains.values())) {
            startWatcher(c);
        }
    }

    /**
     * Starts a watcher of {@code chain}, resuming from its cursor in the store, and makes {@code chain} the stack's
     * configuration of that chain (a test may give it other confirmations, say).
     */
    public void startWatcher(ChainConfig chain) throws Exception {
        chains.put(chain.chainId(), chain);
        EthApi client = EthApi.connect(vertx, chain);
        rpcs.add(client);
        ChainWatcher w = new ChainWatcher(vertx, chain, client, store, meters, publisher::wake);
        w.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        watchers.add(w);
    }

    /** Stops the watcher of {@code chainId}: nothing of that chain is recorded until {@link #startWatcher}. */
    public void stopWatcher(long chainId) throws Exception {
        for (ChainWatcher w : List.copyOf(watchers)) {
            if (w.chain().chainId() == chainId) {
                w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                watchers.remove(w);
            }
        }
    }

    /** Waits until every watcher has read its chain's head. */
    public void awaitWatchers() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (ChainWatcher w : watchers) {
                if (w.cursorBlock() < clients.get(w.chain().chainId()).blockNumber()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Stops the watchers and the publisher and closes the store (the test's own services first). */
    public void stopServices() throws Exception {
        for (ChainWatcher w : watchers) {
            w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        watchers.clear();
        if (publisher != null) {
            publisher.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            publisher = null;
        }
        if (producer != null) {
            producer.close();
            producer = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopServices();
            rpcs.forEach(EthApi::close);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            try {
                operator.close();
                releaseDevnet();
            } finally {
                TempDirs.delete(dir); // even when a service would not stop: the folder is the test's to remove
            }
        }
    }

    private void releaseDevnet() {
        if (ownDevnet) {
            devnet.close();
        } else {
            DevnetFixture.release();
        }
    }
}
