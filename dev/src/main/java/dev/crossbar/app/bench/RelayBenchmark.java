package dev.crossbar.app.bench;

import dev.crossbar.app.DevData;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.kafka.embedded.EmbeddedKafkaConfig;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.OutboxPublisher;
import dev.crossbar.messaging.TopicAdmin;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.relayer.RelayCalls;
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
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end throughput and latency of fast L2-to-L2 messages through the whole path (chain, watcher, store,
 * Kafka, relayer, chain), without and with batching, next to the destination chain's raw capacity for the same
 * relay transactions sent directly, all in one run on one devnet.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Throughput (messages/s) and latency (p50, p99 from the source block to the delivery) of fast "
                + "cross-rollup messages, without and with batching, next to the destination's raw capacity for the "
                + "same relay transactions sent directly.")
public final class RelayBenchmark implements Callable<Integer> {
    @Option(names = "--messages", defaultValue = "300", description = "Messages per run (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--per-tx", defaultValue = "25", description = "Messages sent per source transaction (default: ${DEFAULT-VALUE}).")
    int perTx;

    @Option(names = "--batch", defaultValue = "20", description = "Relays per batch when batching (default: ${DEFAULT-VALUE}).")
    int batch;

    private record Run(String name, int messages, double seconds, List<Long> latenciesMs) {
        double rate() {
            return messages / seconds;
        }

        long percentile(double p) {
            List<Long> s = new ArrayList<>(latenciesMs);
            Collections.sort(s);
            return s.isEmpty() ? -1 : s.get(Math.min(s.size() - 1, (int) Math.ceil(p * s.size()) - 1));
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("crossbar-bench-relay");
        try {
            return run(out, dir);
        } finally {
            DevData.wipe(dir);
        }
    }

    private int run(PrintStream out, Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
                EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir.resolve("kafka")))) {
            Map<Long, ChainConfig> chains = new HashMap<>();
            Map<Long, EthApi> clients = new HashMap<>();
            for (ChainConfig c : DevnetChains.of(devnet.manifest(), Confirmations.blocks(0), Duration.ofMillis(100))) {
                chains.put(c.chainId(), c);
                clients.put(c.chainId(), EthApi.connect(vertx, c));
            }
            Chains network = Chains.of(chains.values(), clients);
            List<Run> runs = new ArrayList<>();
            runs.add(pipeline("relayer, one relay per transaction", devnet, kafka, network, dir, vertx, false));
            runs.add(pipeline("relayer, batches of up to " + batch, devnet, kafka, network, dir, vertx, true));
            runs.add(raw(devnet, network, dir, vertx));
            out.println();
            out.printf("fast L2-to-L2 messages l2a -> l2b, %d per run, %d per source transaction, automine devnet, %d cores%n",
                    messages, perTx, Runtime.getRuntime().availableProcessors());
            out.println("| run | messages/s | p50 latency | p99 latency |");
            out.println("| --- | --- | --- | --- |");
            for (Run r : runs) {
                out.printf("| %s | %.1f | %d ms | %d ms |%n", r.name(), r.rate(), r.percentile(0.5), r.percentile(0.99));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        return 0;
    }

    /** The whole path, measured from each source transaction's receipt to the message seen RELAYED. */
    private Run pipeline(String name, Devnet devnet, EmbeddedKafka kafka, Chains network, Path dir, Vertx vertx,
            boolean batching) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TopicsConfig topics = TopicsConfig.withPrefix("bench" + (batching ? "b" : "s") + System.nanoTime());
        TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics);
        KafkaClients clients = new KafkaClients(KafkaClientConfig.of(kafka.bootstrapServers(), "bench"));
        try (MessageStore store = SqliteMessageStore.open(dir.resolve(name.hashCode() + ".db"),
                new ChainTopology(Map.of(901L, 900L, 902L, 900L)));
                Producer<String, String> producer = clients.stringProducer()) {
            OutboxPublisher outbox = new OutboxPublisher(store, producer, topics, Duration.ofMillis(50), meters);
            outbox.start();
            List<ChainWatcher> watchers = new ArrayList<>();
            for (long id : List.of(901L, 902L)) {
                ChainConfig c = network.chain(id);
                ChainWatcher w = new ChainWatcher(vertx, c, network.client(id), store, meters, outbox::wake);
                w.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                watchers.add(w);
            }
            RelayerService relayer = new RelayerService(store, network,
                    Map.of(902L, List.of(DevKeys.RELAYER.credentials())), settings(devnet, batching), clients, topics,
                    new RelayerMetrics(meters));
            relayer.start();
            Thread.sleep(3000); // the consumer joins its group
            Map<String, Long> sentAt = send(devnet);
            Map<String, Long> relayedAt = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (relayedAt.size() < sentAt.size() && System.nanoTime() < deadline) {
                for (MessageRecord m : store.messages(new MessageQuery(Set.of(MessageState.RELAYED),
                        Set.of(MessageKind.CROSS_ROLLUP), null, null, 902L, null, 1000))) {
                    if (sentAt.containsKey(m.id())) {
                        relayedAt.putIfAbsent(m.id(), System.currentTimeMillis());
                    }
                }
                Thread.sleep(20);
            }
            relayer.stop().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
            for (ChainWatcher w : watchers) {
                w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            outbox.stop().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
            return summarize(name, sentAt, relayedAt);
        }
    }

    private RelayerSettings settings(Devnet devnet, boolean batching) {
        String multicall = devnet.manifest().l2s().get(1).contract("multicall3");
        return new RelayerSettings("bench-" + System.nanoTime(), 1, 1, FeePolicy.defaults(),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2), 20, 3, 50,
                batching ? new RelayerSettings.Batching(true, batch, 15_000_000, Map.of(902L, multicall))
                        : RelayerSettings.Batching.off(),
                Duration.ofMillis(100), null, Duration.ofSeconds(10));
    }

    /** Sends the run's messages; the time each source transaction was mined, per message hash. */
    private Map<String, Long> send(Devnet devnet) throws Exception {
        DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
        Map<String, Long> sentAt = new HashMap<>();
        for (int sent = 0; sent < messages; sent += perTx) {
            TransactionReceipt r = traffic.crossRollupBatch(0, 1, Math.min(perTx, messages - sent), "bench");
            long at = System.currentTimeMillis();
            for (Log l : r.getLogs()) {
                if (!l.getTopics().isEmpty() && l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)) {
                    L2ToL2Payload p = L2ToL2Payload.fromLog(l.getTopics(), l.getData());
                    sentAt.put(Numeric.toHexString(p.messageHash(BigInteger.valueOf(901))), at);
                }
            }
        }
        return sentAt;
    }

    /**
     * The destination's raw capacity: the same relay transactions, signed up front with consecutive nonces and sent
     * back to back without waiting, timed until the last is mined.
     */
    private Run raw(Devnet devnet, Chains network, Path dir, Vertx vertx) throws Exception {
        Map<String, Long> sentAt;
        List<MessageRecord> pending;
        // The messages are recorded by a watcher, but no relayer runs: their relays are sent below instead.
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("raw.db"),
                new ChainTopology(Map.of(901L, 900L, 902L, 900L)))) {
            ChainConfig c = network.chain(901);
            ChainWatcher w = new ChainWatcher(vertx, c, network.client(901), store, new SimpleMeterRegistry(),
                    () -> {});
            w.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            sentAt = send(devnet);
            long head = network.client(901).blockNumber();
            while (w.cursorBlock() < head) {
                Thread.sleep(20);
            }
            w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            pending = store.messages(new MessageQuery(Set.of(MessageState.READY), Set.of(MessageKind.CROSS_ROLLUP),
                    null, null, 902L, null, 1000)).stream().filter(m -> sentAt.containsKey(m.id())).toList();
        }
        EthApi l2b = network.client(902);
        String messenger = network.l2Contracts(902).l2ToL2Messenger();
        var key = DevKeys.RELAYER_2.credentials();
        BigInteger nonce = l2b.nonce(key.getAddress(), "latest");
        BigInteger gas = l2b.estimateGas(key.getAddress(), messenger, RelayCalls.crossRollupRelay(network,
                pending.getFirst()), BigInteger.ZERO).multiply(BigInteger.TWO);
        BigInteger maxFee = l2b.latest().baseFeePerGas().multiply(BigInteger.valueOf(4)).add(BigInteger.TEN.pow(9));
        List<String> signed = new ArrayList<>();
        for (MessageRecord m : pending) {
            RawTransaction tx = RawTransaction.createTransaction(902, nonce, gas, messenger, BigInteger.ZERO,
                    RelayCalls.crossRollupRelay(network, m), BigInteger.TEN.pow(9), maxFee);
            signed.add(Numeric.toHexString(TransactionEncoder.signMessage(tx, key)));
            nonce = nonce.add(BigInteger.ONE);
        }
        List<String> hashes = new ArrayList<>();
        List<Long> sendTimes = new ArrayList<>();
        long start = System.nanoTime();
        for (String s : signed) {
            sendTimes.add(System.currentTimeMillis());
            hashes.add(l2b.sendRaw(s));
        }
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < hashes.size(); i++) {
            while (l2b.receipt(hashes.get(i)).isEmpty()) {
                Thread.sleep(2);
            }
            latencies.add(System.currentTimeMillis() - sendTimes.get(i));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Run("raw capacity: the same relay transactions sent directly (latency: send to mined)",
                pending.size(), seconds, latencies);
    }

    private static Run summarize(String name, Map<String, Long> sentAt, Map<String, Long> relayedAt) {
        long first = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long last = relayedAt.values().stream().mapToLong(Long::longValue).max().orElse(first);
        List<Long> latencies = new ArrayList<>();
        relayedAt.forEach((id, at) -> latencies.add(at - sentAt.get(id)));
        return new Run(name + (relayedAt.size() < sentAt.size() ? " (only " + relayedAt.size() + " delivered)" : ""),
                relayedAt.size(), Math.max(0.001, (last - first) / 1000.0), latencies);
    }
}
