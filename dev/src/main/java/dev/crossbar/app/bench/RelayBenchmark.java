package dev.crossbar.app.bench;

import dev.crossbar.app.DevData;
import dev.crossbar.app.Durations;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.kafka.embedded.EmbeddedKafkaConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import dev.crossbar.watcher.ChainWatcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end throughput and latency of fast L2-to-L2 messages through the whole path (chain, watcher, store,
 * Kafka, relayer, chain), without and with batching, next to the destination chain's raw capacity for the same
 * relay transactions sent directly ({@link RawRelays}), all in one run on one devnet.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Throughput (messages/s) and latency (p50, p99 from the source transaction's receipt to the "
                + "message seen RELAYED) of fast cross-rollup messages, without and with batching, next to the "
                + "destination's raw capacity for the same relay transactions sent directly; peak heap of this JVM.")
public final class RelayBenchmark implements Callable<Integer> {
    @Option(names = "--messages", defaultValue = "300", description = "Messages per run, at most 1000 (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--per-tx", defaultValue = "25", description = "Messages sent per source transaction (default: ${DEFAULT-VALUE}).")
    int perTx;

    @Option(names = "--batch", defaultValue = "20", description = "Relays per batch when batching (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--block-time", defaultValue = "0", paramLabel = "DURATION",
            description = "Block time of the devnet's chains, whole seconds; 0 for automine (default: ${DEFAULT-VALUE}).")
    String blockTime;

    @Option(names = "--json", description = "End with one JSON object of the figures on the last line.")
    boolean json;

    private record Run(String name, String includes, int messages, double seconds, List<Long> latenciesMs,
            long peakHeapBytes) {
        double rate() {
            return messages / seconds;
        }

        long percentile(double p) {
            return BenchFigures.percentile(latenciesMs, p);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (messages < 1 || messages > 1000) {
            throw new IllegalArgumentException("--messages must be between 1 and 1000, was " + messages);
        }
        if (perTx < 1 || batch < 2) {
            throw new IllegalArgumentException("--per-tx must be at least 1 and --batch at least 2");
        }
        Duration block = Durations.parse("--block-time", blockTime);
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("crossbar-bench-relay");
        try {
            return run(out, dir, block);
        } finally {
            DevData.wipe(dir);
        }
    }

    private int run(PrintStream out, Path dir, Duration block) throws Exception {
        Vertx vertx = Vertx.vertx();
        List<Run> runs = new ArrayList<>();
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")).withBlockTimes(block, block));
                EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir.resolve("kafka")))) {
            Chains network = RelayPipeline.network(devnet, vertx);
            String path = "watcher + store + outbox + Kafka + relayer (estimate, sign, record, send, receipts, "
                    + "confirmation) in this JVM; latency: source receipt seen -> message seen RELAYED in the store";
            runs.add(backlog("relayer, one relay per transaction", devnet, kafka, network, dir, vertx, 1));
            runs.add(backlog("relayer, batches of up to " + batch, devnet, kafka, network, dir, vertx, batch));
            runs.add(raw(devnet, network, dir, vertx));
            runs.add(pipeline("relayer, one relay per transaction, streaming", path, devnet, kafka, network, dir,
                    vertx, 1));
            runs.add(pipeline("relayer, batches of up to " + batch + ", streaming", path, devnet, kafka, network, dir,
                    vertx, batch));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        long maxHeap = Runtime.getRuntime().maxMemory();
        out.println();
        out.printf("fast L2-to-L2 messages l2a -> l2b, %d per run, %d per source transaction, %s devnet, "
                + "confirmations 0, %d cores, load average %.1f%n", messages, perTx, block.isZero() ? "automine" : block.toMillis()
                + " ms block", cores, BenchFigures.loadAverage());
        out.println("| run | messages/s | p50 latency | p99 latency | peak heap (this JVM) |");
        out.println("| --- | --- | --- | --- | --- |");
        for (Run r : runs) {
            out.printf("| %s | %.1f | %d ms | %d ms | %.0f MiB |%n", r.name(), r.rate(), r.percentile(0.5),
                    r.percentile(0.99), BenchFigures.mib(r.peakHeapBytes()));
        }
        out.println();
        out.println("what each run includes:");
        for (Run r : runs) {
            out.printf("- %s: %s%n", r.name(), r.includes());
        }
        Run single = runs.get(0);
        Run batched = runs.get(1);
        Run raw = runs.get(2);
        Run singleStreaming = runs.get(3);
        Run batchedStreaming = runs.get(4);
        out.printf("one relay per transaction / raw: %.0f%% (goal >= 90%%); batched / raw: %.1fx (goal >= 3x)%n",
                100 * single.rate() / raw.rate(), batched.rate() / raw.rate());
        out.printf("peak heap is the whole benchmark JVM (devnet clients, watchers, store, Kafka clients, relayer), "
                + "max heap %.0f MiB%n", BenchFigures.mib(maxHeap));
        if (json) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("unbatched_msgs_per_s", BenchFigures.round1(single.rate()));
            f.put("batched_msgs_per_s", BenchFigures.round1(batched.rate()));
            f.put("raw_tx_per_s", BenchFigures.round1(raw.rate()));
            f.put("unbatched_p50_ms", singleStreaming.percentile(0.5));
            f.put("unbatched_p99_ms", singleStreaming.percentile(0.99));
            f.put("batched_p99_ms", batchedStreaming.percentile(0.99));
            f.put("unbatched_streaming_msgs_per_s", BenchFigures.round1(singleStreaming.rate()));
            f.put("batched_streaming_msgs_per_s", BenchFigures.round1(batchedStreaming.rate()));
            f.put("peak_heap_mib", BenchFigures.mib(runs.stream().mapToLong(Run::peakHeapBytes).max().orElse(0)));
            f.put("block_time_ms", block.toMillis());
            f.put("messages", messages);
            f.put("per_tx", perTx);
            f.put("batch", batch);
            f.put("unbatched_delivered", single.messages());
            f.put("batched_delivered", batched.messages());
            f.put("raw_p50_ms", raw.percentile(0.5));
            f.put("max_heap_mib", BenchFigures.mib(maxHeap));
            f.put("cores", cores);
            f.put("load_avg_1m", BenchFigures.loadAverage());
            out.println(BenchFigures.jsonLine(f));
        }
        out.flush();
        return 0;
    }

    /**
     * The relayer's capacity, on the same footing as the raw run: the messages are sent and recorded (READY) while no
     * relayer runs; then the relayer starts, and the clock runs from the moment it owns its key to the last message
     * seen RELAYED. Latency here is from that moment too (a backlog, not a stream).
     */
    private Run backlog(String name, Devnet devnet, EmbeddedKafka kafka, Chains network, Path dir, Vertx vertx,
            int batchSize) throws Exception {
        Map<String, Long> relayedAt = new HashMap<>();
        Set<String> ids;
        long start;
        long peak;
        try (RelayPipeline p = RelayPipeline.startWithoutRelayer(devnet, kafka, network, dir.resolve("backlog"
                + batchSize + ".db"), vertx, batchSize); HeapSampler heap = new HeapSampler()) {
            ids = send(devnet).keySet();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (p.ready() < ids.size() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            p.startRelayer();
            start = System.currentTimeMillis();
            deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (relayedAt.size() < ids.size() && System.nanoTime() < deadline) {
                for (MessageRecord m : p.relayed()) {
                    if (ids.contains(m.id())) {
                        relayedAt.putIfAbsent(m.id(), System.currentTimeMillis());
                    }
                }
                Thread.sleep(5);
            }
            peak = heap.peakBytes();
        }
        long last = relayedAt.values().stream().mapToLong(Long::longValue).max().orElse(start);
        List<Long> latencies = new ArrayList<>();
        relayedAt.values().forEach(at -> latencies.add(at - start));
        return new Run(name + (relayedAt.size() < ids.size() ? " (only " + relayedAt.size() + " delivered)" : ""),
                "a backlog: the messages sent and recorded READY first, then the relayer (effect checks, source"
                        + " blocks, estimates, sign, record, send, receipts, confirmation, and the l2b watcher) in this"
                        + " JVM; throughput and latency: relayer owns its key -> message seen RELAYED",
                relayedAt.size(), Math.max(0.001, (last - start) / 1000.0), latencies, peak);
    }

    /** The whole path, measured from each source transaction's receipt to the message seen RELAYED. */
    private Run pipeline(String name, String includes, Devnet devnet, EmbeddedKafka kafka, Chains network, Path dir,
            Vertx vertx, int batchSize) throws Exception {
        Map<String, Long> sentAt;
        Map<String, Long> relayedAt = new HashMap<>();
        long peak;
        try (RelayPipeline p = RelayPipeline.start(devnet, kafka, network, dir.resolve("run" + batchSize + ".db"), vertx,
                batchSize); HeapSampler heap = new HeapSampler()) {
            sentAt = send(devnet);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (relayedAt.size() < sentAt.size() && System.nanoTime() < deadline) {
                for (MessageRecord m : p.relayed()) {
                    if (sentAt.containsKey(m.id())) {
                        relayedAt.putIfAbsent(m.id(), System.currentTimeMillis());
                    }
                }
                Thread.sleep(20);
            }
            peak = heap.peakBytes();
        }
        long first = sentAt.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long last = relayedAt.values().stream().mapToLong(Long::longValue).max().orElse(first);
        List<Long> latencies = new ArrayList<>();
        relayedAt.forEach((id, at) -> latencies.add(at - sentAt.get(id)));
        return new Run(name + (relayedAt.size() < sentAt.size() ? " (only " + relayedAt.size() + " delivered)" : ""),
                includes + "; throughput: first source receipt -> last RELAYED", relayedAt.size(),
                Math.max(0.001, (last - first) / 1000.0), latencies, peak);
    }

    /** Sends the run's messages; the time each source transaction's receipt was seen, per message hash. */
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
     * The destination's raw capacity for the same relay transactions ({@link RawRelays}): the messages are sent and
     * recorded by a watcher as in the other runs, but no relayer runs; their relays are sent directly instead.
     */
    private Run raw(Devnet devnet, Chains network, Path dir, Vertx vertx) throws Exception {
        List<MessageRecord> pending;
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("raw.db"),
                new ChainTopology(Map.of(901L, 900L, 902L, 900L)))) {
            ChainWatcher w = new ChainWatcher(vertx, network.chain(901), network.client(901), store,
                    new SimpleMeterRegistry(), () -> {});
            w.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Map<String, Long> sentAt = send(devnet);
            long head = network.client(901).blockNumber();
            while (w.cursorBlock() < head) {
                Thread.sleep(20);
            }
            w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            pending = store.messages(new MessageQuery(Set.of(MessageState.READY), Set.of(MessageKind.CROSS_ROLLUP),
                    null, null, 902L, null, 1000)).stream().filter(m -> sentAt.containsKey(m.id())).toList();
        }
        try (HeapSampler heap = new HeapSampler()) {
            RawRelays.Result r = RawRelays.send(network, pending, DevKeys.RELAYER_2.credentials());
            return new Run("raw: the same relay transactions sent directly", RawRelays.INCLUDES
                    + "; latency: send -> receipt seen; throughput: first signature -> last receipt",
                    r.sent().size(), r.seconds(), r.latenciesMs(), heap.peakBytes());
        }
    }
}
