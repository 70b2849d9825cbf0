package dev.crossbar.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.crossbar.app.DevData;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.json.Json;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.watcher.ChainWatcher;
import dev.crossbar.watcher.EventDecoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Backfill throughput: fills one devnet L2 with protocol events, then measures, in the same run and over the same
 * block range, the node's raw {@code eth_getLogs} rate and the watcher's backfill rate into a fresh store.
 *
 * <p>Neither side reads a node warmed for it alone: the rounds alternate the order (round 1 reads raw then backfills,
 * round 2 backfills then reads raw, and so on), each backfill into a fresh store, and the figures are the totals over
 * the rounds, with each round's next to them. The heap is watched during the backfills: the peak used heap sampled
 * (garbage included) and the peak left in use after a collection. With {@code --json} the last line is one JSON object
 * of the figures.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Backfill N protocol events from a devnet L2 into a fresh store; print events/s next to the "
                + "raw eth_getLogs rate of the same node, and peak heap.")
public final class BackfillBenchmark implements Callable<Integer> {
    @Option(names = "--events", defaultValue = "50000", description = "Protocol events to backfill (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--per-tx", defaultValue = "100", description = "Events per transaction (default: ${DEFAULT-VALUE}).")
    int perTx;

    @Option(names = "--range", defaultValue = "2000", description = "Largest eth_getLogs block range (default: ${DEFAULT-VALUE}).")
    int range;

    @Option(names = "--store", defaultValue = "sqlite", description = "sqlite or postgres (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--jdbc-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/test",
            description = "For --store postgres (default: ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @Option(names = "--db-user", defaultValue = "postgres", description = "For --store postgres (default: ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--rounds", defaultValue = "2",
            description = "Rounds of raw read and backfill, alternating which goes first (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the figures as one JSON object on the last line too.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!backend.equals("sqlite") && !backend.equals("postgres")) {
            throw new ParameterException(spec.commandLine(), "--store must be sqlite or postgres, not " + backend);
        }
        if (rounds < 1 || events < 1 || perTx < 1 || range < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds, --events, --per-tx and --range must be at"
                    + " least 1");
        }
        PrintStream out = System.out;
        Path dir = Files.createTempDirectory("crossbar-bench-backfill");
        try {
            return run(out, dir);
        } finally {
            DevData.wipe(dir);
        }
    }

    private int run(PrintStream out, Path dir) throws Exception {
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")))) {
            int txs = (events + perTx - 1) / perTx;
            out.printf("filling l2a with %d events (%d transactions of %d L2-to-L2 messages)...%n", txs * perTx, txs, perTx);
            long fillStart = System.nanoTime();
            DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
            for (int i = 0; i < txs; i++) {
                traffic.crossRollupBatch(0, 1, perTx, "bench");
            }
            long head = devnet.l2(0).blockNumber().longValueExact();
            out.printf("filled in %.1f s; l2a head is block %d%n", seconds(fillStart), head);

            ChainConfig chain = DevnetChains.of(devnet.manifest(), Confirmations.blocks(0), Duration.ofMillis(500))
                    .stream().filter(c -> c.name().equals("l2a")).findFirst().orElseThrow();
            chain = new ChainConfig(chain.name(), chain.chainId(), chain.role(), chain.rpc(), List.of(),
                    chain.confirmations(), 0, chain.pollInterval(), range, chain.settlements(), chain.l2Contracts(),
                    chain.settlesOn());
            Vertx vertx = Vertx.vertx();
            try (EthApi rpc = EthApi.connect(vertx, chain, Duration.ofSeconds(60), Duration.ofSeconds(5))) {
                EventDecoder decoder = new EventDecoder(chain);
                List<Raw> raws = new ArrayList<>();
                List<Backfill> backfills = new ArrayList<>();
                List<String> order = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    boolean rawFirst = round % 2 == 1;
                    for (int side = 0; side < 2; side++) {
                        if ((side == 0) == rawFirst) {
                            raws.add(rawGetLogs(rpc, decoder, head));
                            order.add("raw");
                        } else {
                            backfills.add(backfill(vertx, rpc, chain, head, dir, round));
                            order.add("backfill");
                        }
                    }
                }
                report(out, head, raws, backfills, order);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        return 0;
    }

    private void report(PrintStream out, long head, List<Raw> raws, List<Backfill> backfills, List<String> order) {
        long rawLogs = raws.stream().mapToLong(Raw::logs).sum();
        double rawSeconds = raws.stream().mapToDouble(Raw::seconds).sum();
        long events = backfills.stream().mapToLong(Backfill::events).sum();
        double backfillSeconds = backfills.stream().mapToDouble(Backfill::seconds).sum();
        double rawRate = rawLogs / rawSeconds;
        double backfillRate = events / backfillSeconds;
        double peakHeap = backfills.stream().mapToLong(Backfill::peakHeap).max().orElse(0) / 1048576.0;
        double peakAfterGc = backfills.stream().mapToLong(Backfill::peakAfterGc).max().orElse(0) / 1048576.0;
        double maxHeap = Runtime.getRuntime().maxMemory() / 1048576.0;
        out.println();
        out.println("| measure | value |");
        out.println("| --- | --- |");
        out.printf("| blocks | %d |%n", head + 1);
        out.printf("| order | %s |%n", String.join(", ", order));
        for (int i = 0; i < raws.size(); i++) {
            out.printf("| raw eth_getLogs, round %d (%d-block chunks) | %d logs in %.2f s = %.0f logs/s |%n", i + 1,
                    range, raws.get(i).logs(), raws.get(i).seconds(), raws.get(i).logs() / raws.get(i).seconds());
        }
        for (int i = 0; i < backfills.size(); i++) {
            Backfill b = backfills.get(i);
            out.printf("| watcher backfill into %s, round %d (headers, logs, decode, store commit) | %d events in %.2f s"
                    + " = %.0f events/s; peak heap %.0f MiB, after GC %.0f MiB (%d GCs) |%n", backend, i + 1,
                    b.events(), b.seconds(), b.events() / b.seconds(), b.peakHeap() / 1048576.0,
                    b.peakAfterGc() / 1048576.0, b.collections());
        }
        out.printf("| raw eth_getLogs, all rounds | %.0f logs/s |%n", rawRate);
        out.printf("| watcher backfill, all rounds | %.0f events/s |%n", backfillRate);
        out.printf("| backfill / raw | %.0f%% |%n", 100.0 * backfillRate / rawRate);
        out.printf("| peak heap during backfill: used (sampled every 10 ms, garbage included) / in use after a GC"
                + " | %.0f MiB / %.0f MiB (max heap %.0f MiB) |%n", peakHeap, peakAfterGc, maxHeap);
        out.printf("| cores | %d |%n", Runtime.getRuntime().availableProcessors());
        if (json) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("backfill_events_per_s", Math.round(backfillRate));
            figures.put("raw_logs_per_s", Math.round(rawRate));
            figures.put("peak_heap_mib", Math.round(peakHeap));
            figures.put("store", backend);
            figures.put("peak_heap_after_gc_mib", Math.round(peakAfterGc));
            figures.put("max_heap_mib", Math.round(maxHeap));
            figures.put("backfill_over_raw", Math.round(1000.0 * backfillRate / rawRate) / 1000.0);
            figures.put("events", events);
            figures.put("raw_logs", rawLogs);
            figures.put("blocks", head + 1);
            figures.put("rounds", rounds);
            figures.put("order", order);
            figures.put("backfill_events_per_s_by_round", backfills.stream()
                    .map(b -> Math.round(b.events() / b.seconds())).toList());
            figures.put("raw_logs_per_s_by_round", raws.stream().map(r -> Math.round(r.logs() / r.seconds())).toList());
            figures.put("cores", Runtime.getRuntime().availableProcessors());
            out.println(Json.write(figures));
        }
    }

    private record Raw(long logs, double seconds) {}

    private record Backfill(long events, double seconds, long peakHeap, long peakAfterGc, long collections) {}

    private Raw rawGetLogs(EthApi rpc, EventDecoder decoder, long head) throws Exception {
        long start = System.nanoTime();
        long logs = 0;
        for (long from = 0; from <= head; from += range) {
            var filter = JsonNodeFactory.instance.objectNode();
            filter.put("fromBlock", "0x" + Long.toHexString(from));
            filter.put("toBlock", "0x" + Long.toHexString(Math.min(head, from + range - 1)));
            var addresses = filter.putArray("address");
            decoder.addresses().forEach(addresses::add);
            JsonNode result = rpc.request("eth_getLogs", List.of(filter));
            logs += result.size();
        }
        return new Raw(logs, seconds(start));
    }

    private Backfill backfill(Vertx vertx, EthApi rpc, ChainConfig chain, long head, Path dir, int round)
            throws Exception {
        ChainTopology topology = new ChainTopology(Map.of(chain.chainId(), chain.settlesOn()));
        StoreConfig config = backend.equals("postgres")
                ? StoreConfig.postgres(jdbcUrl, dbUser, 4, "bench_" + ProcessHandle.current().pid() + "_" + round)
                : StoreConfig.sqlite(dir.resolve("store-" + round + ".db"));
        try (MessageStore store = MessageStores.open(config, topology); HeapSampler heap = new HeapSampler()) {
            return backfill(vertx, rpc, chain, head, store, heap);
        } finally {
            if (config.backend() == StoreConfig.Backend.POSTGRES) { // the round's schema, not kept
                try (var c = java.sql.DriverManager.getConnection(jdbcUrl, dbUser, null);
                        var st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + config.schema() + " CASCADE");
                }
            }
        }
    }

    private Backfill backfill(Vertx vertx, EthApi rpc, ChainConfig chain, long head, MessageStore store,
            HeapSampler heap) throws Exception {
        ChainWatcher watcher = new ChainWatcher(vertx, chain, rpc, store, new SimpleMeterRegistry(), () -> {});
        long start = System.nanoTime();
        watcher.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        while (watcher.cursorBlock() < head) {
            Thread.sleep(5);
        }
        double elapsed = seconds(start);
        watcher.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Backfill(store.eventCount(chain.chainId()), elapsed, heap.peakBytes(), heap.peakAfterGcBytes(),
                heap.collections());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
