package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import dev.crossbar.store.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A relayer in its own JVM, for the test that kills it:
 * {@code RelayerChild <devnetDir> <jdbcUrl> <dbUser> <schema> <bootstrap> <topicsPrefix> <group> <instanceId>}.
 */
public final class RelayerChild {
    /** Starts a relayer JVM of {@code group} named {@code instanceId} on the pipeline's chains and broker, logging to {@code log}. */
    static Process start(Pipeline p, String jdbcUrl, String dbUser, String schema, String group, String instanceId,
            Path log) throws java.io.IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), RelayerChild.class.getName(),
                p.devnet.config().dataDir().toString(), jdbcUrl, dbUser, schema,
                dev.crossbar.kafka.embedded.KafkaFixture.bootstrapServers(),
                p.topics.events().name().replace(".events", ""), group, instanceId)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public static void main(String[] a) throws Exception {
        DevnetManifest manifest = DevnetManifest.read(Path.of(a[0]));
        MessageStore store = MessageStores.open(StoreConfig.postgres(a[1], a[2], 4, a[3]),
                new ChainTopology(Map.of(901L, 900L, 902L, 900L), 1));
        Vertx vertx = Vertx.vertx();
        Map<Long, ChainConfig> chains = new HashMap<>();
        Map<Long, EthApi> clients = new HashMap<>();
        for (ChainConfig c : DevnetChains.of(manifest, Confirmations.blocks(0), Duration.ofMillis(200))) {
            chains.put(c.chainId(), c);
            clients.put(c.chainId(), EthApi.connect(vertx, c));
        }
        RelayerSettings fast = Pipeline.fastSettings(1);
        RelayerSettings settings = new RelayerSettings(a[6], 1, 1, fast.fees(), fast.retry(), fast.maxAttempts(),
                fast.replayMaxAttempts(), fast.gasRaisePercent(), fast.batching(), fast.tick(), a[7],
                Duration.ofSeconds(10));
        Map<Long, List<org.web3j.crypto.Credentials>> signers = new HashMap<>();
        chains.keySet().forEach(id -> signers.put(id, List.of(DevKeys.RELAYER.credentials())));
        RelayerService relayer = new RelayerService(store, Chains.of(chains.values(), clients), signers, settings,
                new KafkaClients(KafkaClientConfig.of(a[4], "relayer-child")), TopicsConfig.withPrefix(a[5]),
                new RelayerMetrics(new SimpleMeterRegistry()));
        relayer.start();
        System.out.println("relayer started");
        System.out.flush();
        Thread.currentThread().join();
    }
}
