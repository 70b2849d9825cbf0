package dev.crossbar.app.bench;

import dev.crossbar.app.DevData;
import dev.crossbar.app.Durations;
import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Latency under load on chains with real block times: first the destination's raw capacity for relay transactions
 * ({@link RawRelays}) on those chains, then fast L2-to-L2 messages offered at a steady rate of some percentages of it
 * through the whole path (watcher, store, Kafka, relayer in this JVM). Each message's latency runs from the moment
 * its source block appeared to the moment the block holding its relay appeared, both read from the chains: a
 * thread polls each chain's head every few milliseconds and notes when each block number was first seen.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Latency (p50, p99) of fast L2-to-L2 messages at 25%, 50% and 90% of the destination's raw "
                + "capacity on chains with 1 s blocks: from the source block's appearance (confirmations 0) to the "
                + "appearance of the destination block holding the relay.")
public final class LatencyBenchmark implements Callable<Integer> {
    private static final Duration TICK = Duration.ofMillis(100);
    private static final long POLL_MS = 5;

    @Option(names = "--block-time", defaultValue = "1s", paramLabel = "DURATION",
            description = "Block time of every chain, whole seconds (default: ${DEFAULT-VALUE}).")
    String blockTime;

    @Option(names = "--load", defaultValue = "25,50,90", split = ",",
            description = "Offered loads, in percent of the measured raw capacity (default: ${DEFAULT-VALUE}).")
    List<Integer> loads;

    @Option(names = "--seconds", defaultValue = "20", description = "How long each load is offered (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--drain", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long, after a load, its messages get to be relayed before the next load; one not "
                    + "relayed by then counts as beyond every percentile (default: ${DEFAULT-VALUE}).")
    String drain;

    @Option(names = "--raw-messages", defaultValue = "1000",
            description = "Relay transactions of the raw capacity run (default: ${DEFAULT-VALUE}).")
    int rawMessages;

    @Option(names = "--capacity", description = "Take this raw capacity (relays/s) instead of measuring it.")
    Double capacity;

    @Option(names = "--batch", defaultValue = "0",
            description = "The relayer's batches; 0 for one relay per transaction (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "End with one JSON object of the figures on the last line.")
    boolean json;

    /** One offered load's outcome. */
    private record Level(int percent, double offeredPerS, int offered, int delivered, List<Long> latenciesMs,
            List<Long> blocks) {
        long p(double q) {
            return BenchFigures.percentile(latenciesMs, q);
        }
    }

    @Override
    public Integer call() throws Exception {
        Duration block = Durations.parse("--block-time", blockTime);
        if (block.isZero() || block.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("--block-time must be whole seconds (the devnet's L2s mine so), was "
                    + blockTime);
        }
        if (loads.isEmpty() || loads.stream().anyMatch(l -> l < 1 || l > 1000) || seconds < 1 || rawMessages < 1) {
            throw new IllegalArgumentException("--load: percentages from 1 to 1000; --seconds and --raw-messages: at"
                    + " least 1");
        }
        if (batch == 1 || batch < 0) {
            throw new IllegalArgumentException("--batch must be 0 (off) or at least 2, was " + batch);
        }
        Duration drainFor = Durations.parse("--drain", drain);
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("crossbar-bench-latency");
        try {
            return run(out, dir, block, drainFor);
        } finally {
            DevData.wipe(dir);
        }
    }

    private int run(PrintStream out, Path dir, Duration block, Duration drainFor) throws Exception {
        Vertx vertx = Vertx.vertx();
        List<Level> levels = new ArrayList<>();
        double raw;
        String rawHow;
        long phaseMs;
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")).withBlockTimes(block, block));
                EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dir.resolve("kafka")))) {
            Chains network = RelayPipeline.network(devnet, vertx);
            try (BlockClock clock = new BlockClock(Map.of(901L, EthApi.connect(vertx, network.chain(901L)),
                    902L, EthApi.connect(vertx, network.chain(902L))))) {
                if (capacity != null) {
                    raw = capacity;
                    rawHow = "given (--capacity)";
                } else {
                    RawRelays.Result r = rawRun(out, devnet, network, dir, vertx);
                    raw = r.rate();
                    rawHow = String.format("measured: %d relays, %s; first signature -> last receipt %.2f s",
                            r.sent().size(), RawRelays.INCLUDES, r.seconds());
                }
                out.printf("raw capacity %.1f relays/s (%s)%n", raw, rawHow);
                try (RelayPipeline p = RelayPipeline.start(devnet, kafka, network, dir.resolve("pipeline.db"), vertx,
                        batch)) {
                    awaitCaughtUp(p, network);
                    for (int percent : loads) {
                        levels.add(level(out, devnet, network, clock, p, percent, raw * percent / 100.0, drainFor));
                    }
                }
                phaseMs = clock.phase(901, 902, block.toMillis());
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        report(out, block, raw, rawHow, phaseMs, levels);
        return 0;
    }

    // ---- raw capacity ------------------------------------------------------------------------------------------

    private RawRelays.Result rawRun(PrintStream out, Devnet devnet, Chains network, Path dir, Vertx vertx)
            throws Exception {
        List<MessageRecord> pending;
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("raw.db"),
                new ChainTopology(Map.of(901L, 900L, 902L, 900L)))) {
            ChainWatcher w = new ChainWatcher(vertx, network.chain(901), network.client(901), store,
                    new SimpleMeterRegistry(), () -> {});
            w.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
            out.printf("raw capacity: sending %d messages to relay directly...%n", rawMessages);
            for (int sent = 0; sent < rawMessages; sent += 100) {
                traffic.crossRollupBatch(0, 1, Math.min(100, rawMessages - sent), "raw");
            }
            long head = network.client(901).blockNumber();
            while (w.cursorBlock() < head) {
                Thread.sleep(20);
            }
            w.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            pending = new ArrayList<>();
            // newest first, up to 1000 per query: enough for the raw run's size
            pending.addAll(store.messages(new MessageQuery(Set.of(MessageState.READY), Set.of(MessageKind.CROSS_ROLLUP),
                    null, null, 902L, null, Math.min(1000, rawMessages))));
        }
        return RawRelays.send(network, pending, DevKeys.RELAYER_2.credentials());
    }

    /** Waits until the pipeline's watchers have read both chains up to their heads (history included). */
    private static void awaitCaughtUp(RelayPipeline p, Chains network) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            boolean done = true;
            for (long id : List.of(901L, 902L)) {
                long head = network.client(id).blockNumber();
                done &= p.store().cursor(id).map(c -> c.blockNumber() >= head - 1).orElse(false);
            }
            if (done) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the benchmark's watchers did not catch up with the chains in 2 minutes");
    }

    // ---- one load level ----------------------------------------------------------------------------------------

    /** A source transaction as offered: its hash and how many messages it carries. */
    private record Offer(String txHash, int messages) {}

    private Level level(PrintStream out, Devnet devnet, Chains network, BlockClock clock, RelayPipeline p, int percent,
            double rate, Duration drainFor) throws Exception {
        EthApi source = network.client(901);
        EthApi dest = network.client(902);
        long destFrom = dest.blockNumber();
        Credentials user = DevKeys.USER.credentials();
        Sender sender = new Sender(devnet, source, user);
        out.printf("load %d%%: offering %.1f messages/s for %d s (a source transaction every %d ms)...%n", percent, rate,
                seconds, TICK.toMillis());
        List<Offer> offers = new ArrayList<>();
        long start = System.nanoTime();
        long offered = 0;
        for (long tick = 1; ; tick++) {
            long at = start + tick * TICK.toNanos();
            long now = System.nanoTime();
            if (at > now) {
                Thread.sleep((at - now) / 1_000_000, (int) ((at - now) % 1_000_000));
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed > seconds) {
                break;
            }
            int due = (int) (Math.floor(rate * elapsed) - offered);
            if (due > 0) {
                offers.add(new Offer(sender.send(due), due));
                offered += due;
            }
        }
        // Source blocks and message ids, from the receipts.
        Map<String, Long> sourceBlock = new HashMap<>();
        for (Offer o : offers) {
            TransactionReceipt r = awaitReceipt(source, o.txHash());
            for (Log l : r.getLogs()) {
                if (!l.getTopics().isEmpty() && l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)) {
                    sourceBlock.put(Numeric.toHexString(L2ToL2Payload.fromLog(l.getTopics(), l.getData())
                            .messageHash(BigInteger.valueOf(901))), r.getBlockNumber().longValueExact());
                }
            }
        }
        // Their relays on the destination, as they come.
        Map<String, Long> destBlock = new HashMap<>();
        long deadline = System.nanoTime() + drainFor.toNanos();
        long scanned = destFrom;
        while (destBlock.size() < sourceBlock.size() && System.nanoTime() < deadline) {
            long head = dest.blockNumber();
            if (head > scanned) {
                for (Log l : dest.logs(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, RELAYED_MESSAGE_TOPIC, scanned + 1,
                        head)) {
                    String id = l.getTopics().get(3).toLowerCase(java.util.Locale.ROOT);
                    if (sourceBlock.containsKey(id)) {
                        destBlock.putIfAbsent(id, l.getBlockNumber().longValueExact());
                    }
                }
                scanned = head;
            }
            Thread.sleep(200);
        }
        List<Long> latencies = new ArrayList<>();
        List<Long> blocks = new ArrayList<>();
        for (int i = destBlock.size(); i < sourceBlock.size(); i++) {
            latencies.add(NOT_RELAYED); // not relayed within the drain: beyond every figure
            blocks.add(NOT_RELAYED);
        }
        for (var e : destBlock.entrySet()) {
            Optional<Long> from = clock.seen(901, sourceBlock.get(e.getKey()));
            Optional<Long> to = clock.seen(902, e.getValue());
            if (from.isPresent() && to.isPresent()) {
                latencies.add(to.get() - from.get());
            }
            blocks.add(dest.header(EthApi.hex(e.getValue())).timestamp() - source.header(EthApi.hex(
                    sourceBlock.get(e.getKey()))).timestamp());
        }
        Level level = new Level(percent, rate, sourceBlock.size(), destBlock.size(), latencies, blocks);
        out.printf("load %d%%: %d offered, %d relayed within %d s after the load; p50 %s, p99 %s%n", percent,
                level.offered(), level.delivered(), drainFor.toSeconds(), ms(level.p(0.5)), ms(level.p(0.99)));
        return level;
    }

    /** The latency of a message not relayed within the drain: a percentile that lands on it says so. */
    private static final long NOT_RELAYED = Long.MAX_VALUE;

    private static String ms(long latency) {
        return latency == NOT_RELAYED ? "not relayed" : latency + " ms";
    }

    private static Long jsonMs(long latency) {
        return latency == NOT_RELAYED ? null : latency;
    }

    private static final String RELAYED_MESSAGE_TOPIC = Numeric.toHexString(Hash.sha3(
            "RelayedMessage(uint256,uint256,bytes32,bytes32)".getBytes(StandardCharsets.UTF_8)));

    private static TransactionReceipt awaitReceipt(EthApi chain, String hash) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<TransactionReceipt> r = chain.receipt(hash);
            if (r.isPresent()) {
                if (!r.get().isStatusOK()) {
                    throw new IllegalStateException("source transaction " + hash + " reverted");
                }
                return r.get();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("source transaction " + hash + " not mined within 2 minutes");
    }

    /**
     * Sends batches of L2-to-L2 messages from l2a to l2b through Multicall3, as {@code DemoTraffic.crossRollupBatch}
     * does, but without waiting for the receipt: signed at consecutive nonces and sent, so that a steady rate is
     * offered whatever the block time.
     */
    private static final class Sender {
        private final EthApi chain;
        private final Credentials key;
        private final String multicall;
        private final Multicall3 encoder;
        private final byte[] sendCall;
        private final BigInteger base;
        private final BigInteger perMessage;
        private BigInteger nonce;

        Sender(Devnet devnet, EthApi chain, Credentials key) {
            this.chain = chain;
            this.key = key;
            DevChain l2a = devnet.l2(0);
            String target = devnet.manifest().l2s().get(1).contract("demoTarget");
            byte[] ping = Numeric.hexStringToByteArray(DemoTarget.load(target, l2a.web3j(), l2a.txManager(key),
                    DevChain.GAS).ping("latency", BigInteger.ZERO).encodeFunctionCall());
            this.sendCall = Numeric.hexStringToByteArray(L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                    l2a.web3j(), l2a.txManager(key), DevChain.GAS).sendMessage(BigInteger.valueOf(902), target, ping)
                    .encodeFunctionCall());
            this.multicall = devnet.manifest().l2s().get(0).contract("multicall3");
            this.encoder = Multicall3.load(multicall, l2a.web3j(), l2a.txManager(key), DevChain.GAS);
            this.nonce = chain.nonce(key.getAddress(), "pending");
            BigInteger one = chain.estimateGas(key.getAddress(), multicall, data(1), BigInteger.ZERO);
            BigInteger eleven = chain.estimateGas(key.getAddress(), multicall, data(11), BigInteger.ZERO);
            BigInteger per = eleven.subtract(one).divide(BigInteger.TEN);
            this.perMessage = per.multiply(BigInteger.valueOf(13)).divide(BigInteger.TEN); // +30%
            this.base = one.subtract(per).max(BigInteger.ZERO).multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN)
                    .add(BigInteger.valueOf(20_000));
        }

        private String data(int count) {
            List<Multicall3.Call3> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                calls.add(new Multicall3.Call3(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, false, sendCall));
            }
            return encoder.aggregate3(calls, BigInteger.ZERO).encodeFunctionCall();
        }

        /** Sends {@code count} messages in one transaction; its hash. */
        String send(int count) {
            String data = data(count);
            // Linear in the messages, from two estimates made once: several fit in one block.
            BigInteger gas = base.add(perMessage.multiply(BigInteger.valueOf(count)));
            BigInteger tip = BigInteger.TEN.pow(9);
            BigInteger maxFee = chain.latest().baseFeePerGas().multiply(BigInteger.valueOf(4)).add(tip);
            RawTransaction tx = RawTransaction.createTransaction(chain.chainId(), nonce, gas, multicall,
                    BigInteger.ZERO, data, tip, maxFee);
            String hash = chain.sendRaw(Numeric.toHexString(TransactionEncoder.signMessage(tx, key)));
            nonce = nonce.add(BigInteger.ONE);
            return hash;
        }
    }

    /**
     * When each block of some chains was first seen: one thread polls every chain's head every few milliseconds and
     * notes the time of each new block number (a jump of several blocks gives them all the same time).
     */
    private static final class BlockClock implements AutoCloseable {
        private final Map<Long, Map<Long, Long>> seen = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        BlockClock(Map<Long, EthApi> chains) {
            chains.keySet().forEach(id -> seen.put(id, new ConcurrentHashMap<>()));
            Map<Long, Long> last = new HashMap<>();
            thread = Thread.ofPlatform().daemon(true).name("block-clock").start(() -> {
                while (running) {
                    for (var c : chains.entrySet()) {
                        try {
                            long head = c.getValue().blockNumber();
                            long now = System.currentTimeMillis();
                            // The head at the first poll appeared at some unknown time before: not noted.
                            long prev = last.getOrDefault(c.getKey(), head);
                            for (long n = prev + 1; n <= head; n++) {
                                seen.get(c.getKey()).putIfAbsent(n, now);
                            }
                            last.put(c.getKey(), Math.max(prev, head));
                        } catch (RuntimeException e) {
                            // the next poll tries again
                        }
                    }
                    try {
                        Thread.sleep(POLL_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        Optional<Long> seen(long chainId, long block) {
            return Optional.ofNullable(seen.get(chainId).get(block));
        }

        /**
         * How long after a block of {@code a} the next block of {@code b} comes: the median, over the blocks of
         * {@code b}, of the time since the latest block of {@code a} (-1 when there are too few blocks).
         */
        long phase(long a, long b, long blockMs) {
            java.util.TreeSet<Long> as = new java.util.TreeSet<>(seen.get(a).values());
            List<Long> offsets = new ArrayList<>();
            for (long t : seen.get(b).values()) {
                Long before = as.floor(t);
                if (before != null && t - before < blockMs * 2) {
                    offsets.add(t - before);
                }
            }
            return offsets.isEmpty() ? -1 : BenchFigures.percentile(offsets, 0.5);
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }

    // ---- report ------------------------------------------------------------------------------------------------

    private void report(PrintStream out, Duration block, double raw, String rawHow, long phaseMs, List<Level> levels) {
        long goal = block.toMillis() + 100;
        out.println();
        out.printf("fast L2-to-L2 messages l2a -> l2b, %d ms blocks, confirmations 0 (the watcher reads the head), "
                + "relayer %s, %d s per load, %d cores, load average %.1f%n", block.toMillis(), batch >= 2 ? "batches of up to " + batch
                : "one relay per transaction", seconds, Runtime.getRuntime().availableProcessors(),
                BenchFigures.loadAverage());
        out.printf("raw capacity: %.1f relays/s (%s)%n", raw, rawHow);
        out.printf("latency: source block first seen -> destination block with the relay first seen (heads polled "
                + "every %d ms); l2b's blocks come %d ms after l2a's; goal p99 <= %d ms (1 block + 100 ms)%n", POLL_MS,
                phaseMs, goal);
        out.println("| load | offered messages/s | offered | relayed | p50 | p99 | max | p99 in blocks (timestamps) |"
                + " p99 <= goal |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Level l : levels) {
            boolean met = l.delivered() == l.offered() && l.p(0.99) >= 0 && l.p(0.99) <= goal;
            long blocksP99 = BenchFigures.percentile(l.blocks(), 0.99);
            out.printf("| %d%% | %.1f | %d | %d | %s | %s | %s | %s | %s |%n", l.percent(), l.offeredPerS(),
                    l.offered(), l.delivered(), ms(l.p(0.5)), ms(l.p(0.99)), ms(l.p(1.0)),
                    blocksP99 == NOT_RELAYED ? "-" : Long.toString(blocksP99 / block.toSeconds()), met ? "yes" : "no");
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("load_percent", l.percent());
            row.put("offered_msgs_per_s", BenchFigures.round1(l.offeredPerS()));
            row.put("offered", l.offered());
            row.put("relayed", l.delivered());
            row.put("p50_ms", jsonMs(l.p(0.5)));
            row.put("p99_ms", jsonMs(l.p(0.99)));
            row.put("max_ms", jsonMs(l.p(1.0)));
            row.put("p99_within_goal", met);
            rows.add(row);
        }
        if (json) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("block_time_ms", block.toMillis());
            f.put("raw_tx_per_s", BenchFigures.round1(raw));
            f.put("goal_p99_ms", goal);
            f.put("phase_ms", phaseMs);
            f.put("batch", batch);
            f.put("seconds_per_load", seconds);
            f.put("levels", rows);
            f.put("cores", Runtime.getRuntime().availableProcessors());
            f.put("load_avg_1m", BenchFigures.loadAverage());
            out.println(BenchFigures.jsonLine(f));
        }
        out.flush();
    }
}
