package dev.crossbar.watcher;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import dev.crossbar.testkit.TempDirs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** A devnet per test class; a fresh embedded store and Vert.x per test; helpers to run and check watchers. */
abstract class WatcherTestBase {
    static Devnet devnet;
    static Path classDir;

    Vertx vertx;
    MessageStore store;
    Path storeFile;
    SimpleMeterRegistry meters;
    final List<ChainWatcher> watchers = new ArrayList<>();
    final List<EthApi> clients = new ArrayList<>();

    @BeforeAll
    static void startDevnet() throws Exception {
        classDir = TempDirs.create("watcher-test");
        devnet = Devnet.start(DevnetConfig.forTests(classDir.resolve("devnet")));
    }

    @AfterAll
    static void stopDevnet() {
        if (devnet != null) {
            devnet.close();
        }
        TempDirs.delete(classDir);
    }

    @BeforeEach
    void openStore() throws Exception {
        vertx = Vertx.vertx();
        storeFile = Files.createTempDirectory(classDir, "store").resolve("crossbar.db");
        store = openStoreAt(storeFile);
        meters = new SimpleMeterRegistry();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (ChainWatcher w : watchers) {
            w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        clients.forEach(EthApi::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        store.close();
    }

    static MessageStore openStoreAt(Path file) {
        return SqliteMessageStore.open(file, topology());
    }

    static ChainTopology topology() {
        return new ChainTopology(Map.of(901L, 900L, 902L, 900L));
    }

    /** The devnet chain named {@code name}, with zero confirmations and a fast poll. */
    static ChainConfig chain(String name) {
        return DevnetChains.of(devnet.manifest(), Confirmations.blocks(0), Duration.ofMillis(200)).stream()
                .filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static ChainConfig withEndpoints(ChainConfig c, List<URI> rpc, List<URI> ws) {
        return new ChainConfig(c.name(), c.chainId(), c.role(), rpc, ws, c.confirmations(), c.startBlock(),
                c.pollInterval(), c.maxBlockRange(), c.settlements(), c.l2Contracts(), c.settlesOn(), c.quorum());
    }

    static ChainConfig withMaxRange(ChainConfig c, int maxRange) {
        return new ChainConfig(c.name(), c.chainId(), c.role(), c.rpc(), c.ws(), c.confirmations(), c.startBlock(),
                c.pollInterval(), maxRange, c.settlements(), c.l2Contracts(), c.settlesOn(), c.quorum());
    }

    static ChainConfig withQuorum(ChainConfig c, int quorum) {
        return new ChainConfig(c.name(), c.chainId(), c.role(), c.rpc(), c.ws(), c.confirmations(), c.startBlock(),
                c.pollInterval(), c.maxBlockRange(), c.settlements(), c.l2Contracts(), c.settlesOn(), quorum);
    }

    static ChainConfig withL2Contracts(ChainConfig c, ChainConfig.L2Contracts contracts) {
        return new ChainConfig(c.name(), c.chainId(), c.role(), c.rpc(), c.ws(), c.confirmations(), c.startBlock(),
                c.pollInterval(), c.maxBlockRange(), c.settlements(), contracts, c.settlesOn(), c.quorum());
    }

    ChainWatcher startWatcher(ChainConfig c) throws Exception {
        return startWatcher(c, () -> {});
    }

    ChainWatcher startWatcher(ChainConfig c, Runnable afterCommit) throws Exception {
        return startWatcher(c, afterCommit, Duration.ofSeconds(30));
    }

    /** A watcher whose endpoints cool down (and compare heads) every {@code cooldown}. */
    ChainWatcher startWatcher(ChainConfig c, Runnable afterCommit, Duration cooldown) throws Exception {
        EthApi api = EthApi.connect(vertx, c, Duration.ofSeconds(5), cooldown);
        clients.add(api);
        ChainWatcher w = new ChainWatcher(vertx, c, api, store, meters, afterCommit);
        w.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        watchers.add(w);
        return w;
    }

    /** Waits until the watcher's cursor reached the chain's head. */
    void awaitCaughtUp(ChainWatcher w, String chainName) {
        var devChain = devnet.l2s().stream().filter(c -> c.name().equals(chainName)).findFirst()
                .orElse(devnet.l1());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            long head = devChain.blockNumber().longValueExact();
            return store.cursor(w.chain().chainId()).map(c -> c.blockNumber() >= head).orElse(false);
        });
    }

    /**
     * The canonical L2-to-L2 {@code SentMessage} logs of chain {@code c} (the traffic these tests send):
     * "blockHash:logIndex" of each.
     */
    static Set<String> canonicalLogs(ChainConfig c) throws Exception {
        var devChain = devnet.l2s().stream().filter(d -> d.name().equals(c.name())).findFirst().orElse(devnet.l1());
        EventDecoder decoder = new EventDecoder(c);
        var filter = new org.web3j.protocol.core.methods.request.EthFilter(
                org.web3j.protocol.core.DefaultBlockParameterName.EARLIEST,
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST, new ArrayList<>(decoder.addresses()));
        Set<String> out = new HashSet<>();
        for (var r : devChain.web3j().ethGetLogs(filter).send().getLogs()) {
            var l = (org.web3j.protocol.core.methods.response.Log) r.get();
            if (!l.getTopics().getFirst().equalsIgnoreCase(dev.crossbar.core.protocol.L2ToL2Payload.SENT_MESSAGE_TOPIC)) {
                continue;
            }
            out.add(l.getBlockHash().toLowerCase() + ":" + l.getLogIndex());
        }
        return out;
    }

    static JsonNode json(String s) throws Exception {
        return dev.crossbar.core.json.Json.MAPPER.readTree(s);
    }
}
