package dev.crossbar.app.bench;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.OutboxPublisher;
import dev.crossbar.messaging.TopicAdmin;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.relayer.RelayerMetrics;
import dev.crossbar.relayer.RelayerService;
import dev.crossbar.relayer.RelayerSettings;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import dev.crossbar.txmanager.FeePolicy;
import dev.crossbar.watcher.ChainWatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;

/**
 * The whole fast-message path of the relay benchmarks in this JVM: a fresh SQLite store, the watchers of l2a and
 * l2b, the outbox publisher to Kafka (fresh topics), and a relayer for l2b with one signing key, started and stopped
 * as one.
 */
final class RelayPipeline implements AutoCloseable {
    private final MessageStore store;
    private final Producer<String, String> producer;
    private final OutboxPublisher outbox;
    private final List<ChainWatcher> watchers = new ArrayList<>();
    private final RelayerService relayer;
    private boolean relayerStarted;
    private boolean stopped;

    private RelayPipeline(MessageStore store, Producer<String, String> producer, OutboxPublisher outbox,
            RelayerService relayer) {
        this.store = store;
        this.producer = producer;
        this.outbox = outbox;
        this.relayer = relayer;
    }

    /**
     * Starts the path and returns once the relayer's consumer owns its keys (the group has assigned its partitions).
     *
     * @param batch relays per batch transaction; 0 or 1 for one relay per transaction
     */
    static RelayPipeline start(Devnet devnet, EmbeddedKafka kafka, Chains network, Path db, Vertx vertx, int batch)
            throws Exception {
        RelayPipeline p = startWithoutRelayer(devnet, kafka, network, db, vertx, batch);
        try {
            p.startRelayer();
            return p;
        } catch (Exception e) {
            p.close();
            throw e;
        }
    }

    /** Starts the path but its relayer ({@link #startRelayer}): messages are recorded, and wait. */
    static RelayPipeline startWithoutRelayer(Devnet devnet, EmbeddedKafka kafka, Chains network, Path db, Vertx vertx,
            int batch) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TopicsConfig topics = TopicsConfig.withPrefix("bench" + System.nanoTime());
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics);
        KafkaClients clients = new KafkaClients(KafkaClientConfig.of(kafka.bootstrapServers(), "bench"));
        MessageStore store = SqliteMessageStore.open(db, new ChainTopology(Map.of(901L, 900L, 902L, 900L)));
        Producer<String, String> producer = clients.stringProducer();
        OutboxPublisher outbox = new OutboxPublisher(store, producer, topics, Duration.ofMillis(50), meters);
        RelayerService relayer = new RelayerService(store, network, Map.of(902L, List.of(DevKeys.RELAYER.credentials())),
                settings(devnet, batch), clients, topics, new RelayerMetrics(meters));
        RelayPipeline p = new RelayPipeline(store, producer, outbox, relayer);
        try {
            outbox.start();
            for (long id : List.of(901L, 902L)) {
                ChainConfig c = network.chain(id);
                ChainWatcher w = new ChainWatcher(vertx, c, network.client(id), store, meters, outbox::wake);
                w.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                p.watchers.add(w);
            }
            return p;
        } catch (Exception e) {
            p.close();
            throw e;
        }
    }

    /** Starts the relayer; returns once its consumer owns its keys (the group has assigned its partitions). */
    void startRelayer() throws Exception {
        relayer.start();
        relayerStarted = true;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (relayer.ownedKeys().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the benchmark's relayer got no partition within 60 s");
            }
            Thread.sleep(5);
        }
    }

    /** How many l2a-to-l2b messages wait READY in the store (up to 1000). */
    int ready() {
        return store.messages(new MessageQuery(Set.of(MessageState.READY), Set.of(MessageKind.CROSS_ROLLUP), null,
                null, 902L, null, 1000)).size();
    }

    /**
     * The devnet's chains as the benchmarks' watchers and relayer reach them: confirmations 0, polled every 100 ms,
     * each with its client.
     */
    static Chains network(Devnet devnet, Vertx vertx) {
        Map<Long, ChainConfig> chains = new HashMap<>();
        Map<Long, EthApi> clients = new HashMap<>();
        for (ChainConfig c : DevnetChains.of(devnet.manifest(),
                Confirmations.blocks(0), Duration.ofMillis(100))) {
            chains.put(c.chainId(), c);
            clients.put(c.chainId(), EthApi.connect(vertx, c));
        }
        return Chains.of(chains.values(), clients);
    }

    /** The relayer's settings: quick retries, a 100 ms tick, stuck after 10 s, batching as asked. */
    private static RelayerSettings settings(Devnet devnet, int batch) {
        String multicall = devnet.manifest().l2s().get(1).contract("multicall3");
        // A transaction not mined within 10 s is replaced (30 s by default): anvil's automine at times leaves one in
        // its pool unmined, holding the key's queue behind it, until it is replaced.
        FeePolicy fees = FeePolicy.defaults();
        fees = new FeePolicy(fees.priorityFee(), fees.maxFeeCap(), fees.bumpPercent(), fees.maxBumps(),
                Duration.ofSeconds(10));
        return new RelayerSettings("bench-" + System.nanoTime(), 1, 1, fees,
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2), 20, 3, 50,
                batch > 1 ? new RelayerSettings.Batching(true, batch, 15_000_000, Map.of(902L, multicall))
                        : RelayerSettings.Batching.off(),
                Duration.ofMillis(100), null, Duration.ofSeconds(10));
    }

    MessageStore store() {
        return store;
    }

    /** The ids of the l2a-to-l2b messages the store has RELAYED, up to 1000 per call. */
    List<MessageRecord> relayed() {
        return store.messages(new MessageQuery(Set.of(MessageState.RELAYED), Set.of(MessageKind.CROSS_ROLLUP), null,
                null, 902L, null, 1000));
    }

    @Override
    public void close() throws Exception {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            if (relayerStarted) {
                await(relayer.stop(), 60);
            }
            for (ChainWatcher w : watchers) {
                await(w.stop(), 10);
            }
            await(outbox.stop(), 60);
        } finally {
            producer.close();
            store.close();
        }
    }

    private static void await(Future<Void> f, int seconds) throws Exception {
        f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    }
}
