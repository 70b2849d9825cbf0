package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.testkit.stack.RealStack;
import dev.crossbar.txmanager.FeePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Credentials;

/**
 * The whole delivery path on real parts, for the relayer's tests: the testkit's {@link RealStack} (a devnet with a
 * one-hour window, watchers of its three chains, the embedded store, the outbox publisher on the real broker) and
 * relayer instances on top.
 */
final class Pipeline implements AutoCloseable {
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
    final MessageStore store;
    final List<RelayerService> relayers = new ArrayList<>();

    Pipeline(int signerSlots) throws Exception {
        this(signerSlots, null);
    }

    /** @param storeConfig the store to use; null for an embedded one in the pipeline's folder */
    Pipeline(int signerSlots, StoreConfig storeConfig) throws Exception {
        this(RealStack.start("relayer", signerSlots, storeConfig));
    }

    /** On a devnet of its own whose L2s settle through OP's dispute games. */
    static Pipeline faultProofs(int signerSlots) throws Exception {
        return new Pipeline(RealStack.startWithFaultProofs("relayer-games", signerSlots, null));
    }

    private Pipeline(RealStack stack) {
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
        store = stack.store;
    }

    Chains network() {
        return Chains.of(chains.values(), clients);
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
        stack.awaitWatchers();
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

    /** Stops the relayers (each after its round in flight). */
    void stopRelayers() throws Exception {
        for (RelayerService r : relayers) {
            r.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        relayers.clear();
    }

    @Override
    public void close() throws Exception {
        stopRelayers();
        stack.close();
    }
}
