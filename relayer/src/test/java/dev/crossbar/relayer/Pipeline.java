package dev.crossbar.relayer;

import dev.crossbar.testkit.TempDirs;

import dev.crossbar.txmanager.FeePolicy;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.RpcEthApi;

import static org.awaitility.Awaitility.await;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetConfig;
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
import dev.crossbar.watcher.ChainWatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.web3j.crypto.Credentials;

/**
 * The whole delivery path on real parts, for the relayer's tests: a devnet (automine, one-hour window), watchers
 * of its three chains, the embedded store, the outbox publisher on the real broker, and relayer instances.
 */
final class Pipeline implements AutoCloseable {
    final Path dir;
    final Devnet devnet;
    final DevnetOperator operator;
    final Vertx vertx = Vertx.vertx();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TopicsConfig topics;
    final KafkaClients kafka;
    final Map<Long, ChainConfig> chains = new HashMap<>();
    final Map<Long, EthApi> clients = new HashMap<>();
    final List<JsonRpcClient> rpcs = new ArrayList<>();
    final List<ChainWatcher> watchers = new ArrayList<>();
    final List<RelayerService> relayers = new ArrayList<>();
    final Path storeFile;
    MessageStore store;
    OutboxPublisher publisher;
    Producer<String, String> producer;
    final int signerSlots;

    final StoreConfig storeConfig;

    Pipeline(int signerSlots) throws Exception {
        this(signerSlots, null);
    }

    /** @param storeConfig the store to use; null for an embedded one in the pipeline's folder */
    Pipeline(int signerSlots, StoreConfig storeConfig) throws Exception {
        this.signerSlots = signerSlots;
        dir = TempDirs.create("relayer-test");
        devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
        operator = DevnetOperator.manual(devnet);
        topics = TopicsConfig.withPrefix(KafkaFixture.uniqueTopic("relayer"));
        TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), topics);
        kafka = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "relayer-test"));
        for (ChainConfig c : DevnetChains.of(devnet.manifest(), Confirmations.blocks(0), Duration.ofMillis(200))) {
            chains.put(c.chainId(), c);
            JsonRpcClient rpc = new JsonRpcClient(vertx, c.name(), c.rpc());
            rpcs.add(rpc);
            clients.put(c.chainId(), new RpcEthApi(c.chainId(), c.name(), rpc));
        }
        storeFile = dir.resolve("store.db");
        this.storeConfig = storeConfig == null ? StoreConfig.sqlite(storeFile) : storeConfig;
        openStore();
    }

    void openStore() throws Exception {
        store = MessageStores.open(storeConfig, topology());
        producer = kafka.stringProducer();
        publisher = new OutboxPublisher(store, producer, topics, Duration.ofMillis(100), meters);
        publisher.start();
        for (ChainConfig c : chains.values()) {
            JsonRpcClient rpc = new JsonRpcClient(vertx, c.name(), c.rpc());
            rpcs.add(rpc);
            ChainWatcher w = new ChainWatcher(vertx, c, rpc, store, meters, publisher::wake);
            w.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            watchers.add(w);
        }
    }

    ChainTopology topology() {
        return new ChainTopology(Map.of(901L, 900L, 902L, 900L), signerSlots);
    }

    Network network() {
        return new Network(chains, clients);
    }

    /** Signing keys per chain: slot i of every chain uses the i-th of {@code keys}. */
    Map<Long, List<Credentials>> signers(DevKeys... keys) {
        Map<Long, List<Credentials>> out = new HashMap<>();
        for (long chain : chains.keySet()) {
            out.put(chain, java.util.Arrays.stream(keys).map(DevKeys::credentials).toList());
        }
        return out;
    }

    RelayerService startRelayer(RelayerSettings settings, DevKeys... keys) {
        RelayerService r = new RelayerService(store, network(), signers(keys), settings, kafka, topics,
                new RelayerMetrics(meters));
        r.start();
        relayers.add(r);
        return r;
    }

    static RelayerSettings fastSettings(int slots) {
        RelayerSettings d = RelayerSettings.defaults();
        return new RelayerSettings("relayer-" + java.util.UUID.randomUUID(), slots, 1,
                new FeePolicy(d.fees().priorityFee(), d.fees().maxFeeCap(), 15, 3, Duration.ofSeconds(2)),
                new dev.crossbar.core.policy.Backoff(Duration.ofMillis(300), Duration.ofSeconds(3), 0.2), 20, 3, 50,
                RelayerSettings.Batching.off(), Duration.ofMillis(200), null, Duration.ofSeconds(10));
    }

    /** Waits until every watcher has read its chain's head. */
    void awaitWatchers() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (ChainWatcher w : watchers) {
                long head = clients.get(w.chain().chainId()).blockNumber();
                if (w.cursorBlock() < head) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Moves the L1 clock past the challenge window and mines a block. */
    void passWindow() throws Exception {
        devnet.l1().anvil().increaseTime(devnet.config().finalizationPeriod().toSeconds() + 5);
        devnet.l1().anvil().mine(1);
    }

    /** Proposes an honest output for l2a's head. */
    void proposeL2a() throws Exception {
        devnet.l2(0).anvil().mine(1);
        operator.proposer("l2a").propose(devnet.l2(0).blockNumber().longValueExact());
    }

    void stopServices() throws Exception {
        for (RelayerService r : relayers) {
            r.stop().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        relayers.clear();
        for (ChainWatcher w : watchers) {
            w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        watchers.clear();
        if (publisher != null) {
            publisher.stop().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        if (producer != null) {
            producer.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Override
    public void close() throws Exception {
        stopServices();
        rpcs.forEach(JsonRpcClient::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        operator.close();
        devnet.close();
        TempDirs.delete(dir);
    }
}
