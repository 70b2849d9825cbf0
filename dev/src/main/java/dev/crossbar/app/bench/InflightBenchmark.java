package dev.crossbar.app.bench;

import dev.crossbar.app.DevData;
import dev.crossbar.app.chaos.RoleProcess;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.kafka.embedded.EmbeddedKafkaConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many messages in flight at once: N fast L2-to-L2 messages are put on an automine devnet in few source
 * transactions and recorded by a watcher process (and published to Kafka) while no relayer runs; then a relayer
 * starts as its own OS process from the service jar, with a capped heap, and delivers them all. Its heap (from its
 * {@code /metrics}) and resident memory ({@code /proc}) are sampled throughout, its throughput is reported per 5 s
 * window, and every message is checked relayed exactly once, in the store and on the destination chain.
 */
@Command(name = "inflight", mixinStandardHelpOptions = true,
        description = "Put N fast L2-to-L2 messages in flight at once, then run a relayer process (heap capped) "
                + "through them: its peak heap and RSS, messages relayed per 5 s window, and whether every message "
                + "was relayed exactly once (store and chain).")
public final class InflightBenchmark implements Callable<Integer> {
    private static final Duration WINDOW = Duration.ofSeconds(5);

    @Option(names = "--messages", defaultValue = "10000", description = "Messages in flight (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--per-tx", defaultValue = "100", description = "Messages per source transaction (default: ${DEFAULT-VALUE}).")
    int perTx;

    @Option(names = "--batch", defaultValue = "0",
            description = "The relayer's batches (relayer.batching.maxMessages); 0 for one relay per transaction, "
                    + "the default configuration (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--relayer-jvm", defaultValue = "-Xmx512m -XX:+ExitOnOutOfMemoryError", paramLabel = "OPTIONS",
            description = "JVM options of the relayer process, space-separated (default: ${DEFAULT-VALUE}).")
    String relayerJvm;

    @Option(names = "--jar", defaultValue = "app/target/crossbar.jar", paramLabel = "FILE",
            description = "The service jar the roles run from (default: ${DEFAULT-VALUE}).")
    String jar;

    @Option(names = "--timeout", defaultValue = "20m", paramLabel = "DURATION",
            description = "How long the relayer gets to deliver them all (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--block-time", defaultValue = "0", paramLabel = "DURATION",
            description = "Block time of the devnet's chains, whole seconds; 0 for automine, whose node slows as its"
                    + " chain grows by a block per relay (default: ${DEFAULT-VALUE}).")
    String blockTime;

    @Option(names = "--json", description = "End with one JSON object of the figures on the last line.")
    boolean json;

    /** One sample of the relayer process. */
    private record Sample(long atMillis, long relayed, long heapBytes, long rssBytes) {}

    @Override
    public Integer call() throws Exception {
        if (messages < 1 || perTx < 1 || perTx > 500) {
            throw new IllegalArgumentException("--messages must be at least 1, --per-tx between 1 and 500");
        }
        if (batch == 1 || batch < 0) {
            throw new IllegalArgumentException("--batch must be 0 (off) or at least 2, was " + batch);
        }
        Duration limit = dev.crossbar.app.Durations.parse("--timeout", timeout);
        Path serviceJar = BenchRoles.serviceJar(jar);
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("crossbar-bench-inflight");
        try {
            return run(out, dir, serviceJar, limit);
        } finally {
            DevData.wipe(dir);
        }
    }

    private int run(PrintStream out, Path dir, Path serviceJar, Duration limit) throws Exception {
        ChainTopology topology = new ChainTopology(Map.of(901L, 900L, 902L, 900L));
        Duration block = dev.crossbar.app.Durations.parse("--block-time", blockTime);
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")).withBlockTimes(block, block));
                EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir.resolve("kafka")))) {
            Map<String, Object> config = BenchRoles.config(devnet, dir, kafka.bootstrapServers());
            Map<String, Object> relayerOverrides = new LinkedHashMap<>();
            relayerOverrides.put("relayer.instanceId", "relayer-bench");
            if (batch >= 2) {
                relayerOverrides.put("relayer.batching", Map.of("enabled", true, "maxMessages", batch, "multicall",
                        Map.of("902", devnet.manifest().l2s().get(1).contract("multicall3"))));
            }
            List<String> jvm = List.of(relayerJvm.trim().split("\\s+"));
            long l2bStart = devnet.l2(1).blockNumber().longValueExact();
            try (RoleProcess watcher = RoleProcess.configured("watcher", "watcher", config, Map.of(), List.of("-Xmx512m"),
                    serviceJar, dir);
                    RoleProcess relayer = RoleProcess.configured("relayer", "relayer", config, relayerOverrides, jvm,
                            serviceJar, dir)) {
                watcher.start();
                if (!watcher.awaitReady(Duration.ofSeconds(120))) {
                    throw new IllegalStateException("the watcher did not become ready; see " + watcher.log());
                }
                Set<String> ids = fill(out, devnet);
                try (MessageStore store = SqliteMessageStore.open(dir.resolve("store.db"), topology)) {
                    awaitRecorded(out, store, ids.size());
                    out.printf("starting the relayer process (%s) with %d messages waiting for it%n",
                            String.join(" ", jvm), ids.size());
                    long start = System.currentTimeMillis();
                    relayer.start();
                    List<Sample> samples = new ArrayList<>();
                    long readyAt = -1;
                    long deadline = System.nanoTime() + limit.toNanos();
                    long relayed = 0;
                    while (relayed < ids.size() && relayer.alive() && System.nanoTime() < deadline) {
                        relayed = store.countByState().getOrDefault(MessageState.RELAYED, 0L);
                        samples.add(new Sample(System.currentTimeMillis(), relayed, BenchRoles.heapUsed(relayer),
                                BenchRoles.procStatus(relayer.pid(), "VmRSS")));
                        if (readyAt < 0 && relayer.ready()) {
                            readyAt = System.currentTimeMillis();
                        }
                        Thread.sleep(250);
                    }
                    long end = System.currentTimeMillis();
                    long hwm = BenchRoles.procStatus(relayer.pid(), "VmHWM");
                    boolean died = !relayer.alive();
                    Map<MessageState, Long> states = store.countByState();
                    Chain chain = onChain(devnet, l2bStart, ids);
                    report(out, ids.size(), samples, start, readyAt, end, hwm, died, states, chain, relayer, jvm);
                }
            }
        }
        return 0;
    }

    /** Sends the messages in batches of {@code perTx}; their ids (message hashes). */
    private Set<String> fill(PrintStream out, Devnet devnet) throws Exception {
        DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
        Set<String> ids = new HashSet<>();
        long t0 = System.nanoTime();
        for (int sent = 0; sent < messages; sent += perTx) {
            TransactionReceipt r = traffic.crossRollupBatch(0, 1, Math.min(perTx, messages - sent), "inflight");
            for (Log l : r.getLogs()) {
                if (!l.getTopics().isEmpty() && l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)) {
                    ids.add(Numeric.toHexString(L2ToL2Payload.fromLog(l.getTopics(), l.getData())
                            .messageHash(BigInteger.valueOf(901))));
                }
            }
        }
        out.printf("sent %d messages l2a -> l2b in %d transactions in %.1f s%n", ids.size(),
                (messages + perTx - 1) / perTx, (System.nanoTime() - t0) / 1e9);
        return ids;
    }

    /** Waits until the watcher has recorded every message and its outbox is published to Kafka. */
    private static void awaitRecorded(PrintStream out, MessageStore store, int count) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            long recorded = store.countByState().values().stream().mapToLong(Long::longValue).sum();
            if (recorded >= count && store.outboxPending(1).isEmpty()) {
                out.printf("the watcher recorded them and published them to Kafka in %.1f s%n",
                        (System.nanoTime() - t0) / 1e9);
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the watcher did not record and publish " + count + " messages in 10 minutes: "
                + store.countByState());
    }

    /** What the destination chain says: relays of the benchmark's messages, by message hash. */
    private record Chain(int relayedOnce, int relayedTwiceOrMore, int foreign, int notRelayed) {}

    private static Chain onChain(Devnet devnet, long fromBlock, Set<String> ids) throws Exception {
        String topic = Numeric.toHexString(Hash.sha3(
                "RelayedMessage(uint256,uint256,bytes32,bytes32)".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String messenger = dev.crossbar.core.protocol.Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER;
        long head = devnet.l2(1).blockNumber().longValueExact();
        Map<String, Integer> relays = new HashMap<>();
        for (long from = fromBlock; from <= head; from += 2000) {
            EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                    DefaultBlockParameter.valueOf(BigInteger.valueOf(Math.min(head, from + 1999))), messenger);
            filter.addSingleTopic(topic);
            EthLog logs = devnet.l2(1).web3j().ethGetLogs(filter).send();
            if (logs.hasError()) {
                throw new IllegalStateException("eth_getLogs on l2b failed: " + logs.getError().getMessage());
            }
            for (EthLog.LogResult<?> r : logs.getLogs()) {
                Log l = (Log) r.get();
                relays.merge(l.getTopics().get(3).toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
            }
        }
        int once = 0;
        int more = 0;
        int foreign = 0;
        for (var e : relays.entrySet()) {
            if (!ids.contains(e.getKey())) {
                foreign++;
            } else if (e.getValue() == 1) {
                once++;
            } else {
                more++;
            }
        }
        int missing = (int) ids.stream().filter(id -> !relays.containsKey(id)).count();
        return new Chain(once, more, foreign, missing);
    }

    private void report(PrintStream out, int count, List<Sample> samples, long start, long readyAt, long end, long hwm,
            boolean died, Map<MessageState, Long> states, Chain chain, RoleProcess relayer, List<String> jvm) {
        long peakHeap = samples.stream().mapToLong(Sample::heapBytes).max().orElse(-1);
        long peakRss = Math.max(hwm, samples.stream().mapToLong(Sample::rssBytes).max().orElse(-1));
        long relayed = states.getOrDefault(MessageState.RELAYED, 0L);
        double seconds = Math.max(0.001, (end - start) / 1000.0);
        double firstRelayAt = samples.stream().filter(s -> s.relayed() > 0).mapToLong(Sample::atMillis).min()
                .orElse(end);
        out.println();
        out.printf("%d fast L2-to-L2 messages l2a -> l2b in flight at once, %s devnet, relayer %s (%s), %d cores, load average %.1f%n",
                count, blockTime.equals("0") ? "automine" : blockTime + " block", batch >= 2 ? "batches of up to " + batch : "one relay per transaction", String.join(" ", jvm),
                Runtime.getRuntime().availableProcessors(), BenchFigures.loadAverage());
        out.println("messages relayed per 5 s window, from the relayer process's start:");
        out.println("| window | relayed | messages/s | heap (peak in window) | RSS (peak in window) |");
        out.println("| --- | --- | --- | --- | --- |");
        List<Double> rates = new ArrayList<>();
        long before = 0;
        for (long w = start; w < end; w += WINDOW.toMillis()) {
            long from = w;
            long to = w + WINDOW.toMillis();
            List<Sample> in = samples.stream().filter(s -> s.atMillis() >= from && s.atMillis() < to).toList();
            if (in.isEmpty()) {
                continue;
            }
            long after = in.getLast().relayed();
            double rate = (after - before) / ((Math.min(to, end) - from) / 1000.0); // the last window is partial
            rates.add(rate);
            out.printf("| %3d-%3d s | %d | %.1f | %.0f MiB | %.0f MiB |%n", (from - start) / 1000,
                    (Math.min(to, end) - start) / 1000,
                    after - before, rate, BenchFigures.mib(in.stream().mapToLong(Sample::heapBytes).max().orElse(-1)),
                    BenchFigures.mib(in.stream().mapToLong(Sample::rssBytes).max().orElse(-1)));
            before = after;
        }
        // Held or not: the rates of the windows from the first relay on, without the last (partial) one, first third
        // against last third.
        int firstRelay = 0;
        while (firstRelay < rates.size() - 1 && rates.get(firstRelay) == 0) {
            firstRelay++;
        }
        List<Double> full = rates.size() - firstRelay > 2 ? rates.subList(firstRelay, rates.size() - 1)
                : rates.subList(firstRelay, rates.size());
        int third = Math.max(1, full.size() / 3);
        double early = full.subList(0, Math.min(third, full.size())).stream().mapToDouble(Double::doubleValue)
                .average().orElse(Double.NaN);
        double late = full.subList(Math.max(0, full.size() - third), full.size()).stream()
                .mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        out.println();
        out.println("| measure | value |");
        out.println("| --- | --- |");
        out.printf("| relayer process start -> /health/ready | %s |%n", readyAt < 0 ? "never" : (readyAt - start) + " ms");
        out.printf("| relayer process start -> first RELAYED | %.1f s |%n", (firstRelayAt - start) / 1000.0);
        out.printf("| relayer process start -> last RELAYED | %.1f s |%n", seconds);
        out.printf("| throughput over the run | %.1f messages/s |%n", relayed / seconds);
        out.printf("| throughput, first third of the windows from the first relay -> last third | %.1f -> %.1f messages/s |%n", early,
                late);
        out.printf("| peak heap used (its /metrics, every 250 ms) | %.0f MiB |%n", BenchFigures.mib(peakHeap));
        out.printf("| peak RSS (/proc VmHWM) | %.0f MiB |%n", BenchFigures.mib(peakRss));
        out.printf("| RELAYED in the store | %d of %d (states: %s) |%n", relayed, count, states);
        out.printf("| relayed on chain (RelayedMessage on l2b) | once: %d, twice or more: %d, not relayed: %d |%n",
                chain.relayedOnce(), chain.relayedTwiceOrMore(), chain.notRelayed());
        out.printf("| relayer process | %s |%n", died ? "DIED (see " + relayer.log() + ")" : "alive at the end");
        boolean exactlyOnce = relayed == count && chain.relayedOnce() == count && chain.relayedTwiceOrMore() == 0;
        out.printf("every message relayed exactly once: %s; heap <= 512 MiB: %s%n", exactlyOnce ? "yes" : "NO",
                peakHeap >= 0 && peakHeap <= 512L * 1024 * 1024 ? "yes" : "NO");
        if (json) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("messages", count);
            f.put("block_time", blockTime);
            f.put("batch", batch);
            f.put("relayed_store", relayed);
            f.put("relayed_chain_once", chain.relayedOnce());
            f.put("relayed_chain_more", chain.relayedTwiceOrMore());
            f.put("not_relayed_chain", chain.notRelayed());
            f.put("exactly_once", exactlyOnce);
            f.put("relayer_died", died);
            f.put("peak_heap_mib", BenchFigures.mib(peakHeap));
            f.put("peak_rss_mib", BenchFigures.mib(peakRss));
            f.put("msgs_per_s", BenchFigures.round1(relayed / seconds));
            f.put("first_third_msgs_per_s", BenchFigures.round1(early));
            f.put("last_third_msgs_per_s", BenchFigures.round1(late));
            f.put("window_msgs_per_s", rates.stream().map(BenchFigures::round1).toList());
            f.put("ready_ms", readyAt < 0 ? null : readyAt - start);
            f.put("seconds", BenchFigures.round1(seconds));
            f.put("relayer_jvm", String.join(" ", jvm));
            f.put("cores", Runtime.getRuntime().availableProcessors());
            f.put("load_avg_1m", BenchFigures.loadAverage());
            out.println(BenchFigures.jsonLine(f));
        }
        out.flush();
    }
}
