package dev.crossbar.monitor;

import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import dev.crossbar.store.StoreConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * A monitor in its own JVM, for the test that kills it: {@code MonitorChild <devnetDir> <jdbcUrl> <dbUser> <schema>
 * <bootstrap> <topicsPrefix> <group> <alertmanagerUrl> <jsonUrl>}.
 */
public final class MonitorChild {
    public static void main(String[] a) throws Exception {
        DevnetManifest manifest = DevnetManifest.read(Path.of(a[0]));
        MessageStore store = MessageStores.open(StoreConfig.postgres(a[1], a[2], 4, a[3]),
                new ChainTopology(Map.of(Watchtower.L2A, Watchtower.L1, Watchtower.L2B, Watchtower.L1), 1));
        Vertx vertx = Vertx.vertx();
        MonitoredChains chains = MonitoredChains.connect(vertx, DevnetChains.of(manifest, Confirmations.blocks(0),
                Duration.ofMillis(200)), Map.of());
        // On a fault-proof devnet it plays the devnet's game types (they run on the AlphabetVM).
        java.util.Set<Integer> playable = new java.util.TreeSet<>();
        manifest.l2s().stream().filter(l2 -> l2.faultProofs() != null).forEach(l2 -> l2.faultProofs()
                .gameImplementations().keySet().forEach(t -> playable.add(Integer.valueOf(t))));
        MonitorService monitor = new MonitorService(Watchtower.settings(a[6], URI.create(a[7]), URI.create(a[8]))
                .withAlphabetGameTypes(playable), chains, store, new KafkaClients(KafkaClientConfig.of(a[4], "monitor-child")),
                TopicsConfig.withPrefix(a[5]), vertx, new SimpleMeterRegistry(), Watchtower.keys(), Clock.systemUTC());
        monitor.start();
        System.out.println("monitor started");
        System.out.flush();
        Thread.currentThread().join();
    }
}
