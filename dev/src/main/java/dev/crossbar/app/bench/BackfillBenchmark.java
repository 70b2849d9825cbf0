package dev.crossbar.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.crossbar.app.DevData;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Backfill throughput: fills one devnet L2 with protocol events, then measures, in the same run and over the same
 * block range, the node's raw {@code eth_getLogs} rate and the watcher's backfill rate into a fresh store.
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

    @Override
    public Integer call() throws Exception {
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
                Raw raw = rawGetLogs(rpc, new EventDecoder(chain), head);
                Backfill b = backfill(vertx, rpc, chain, head, dir);
                out.println();
                out.println("| measure | value |");
                out.println("| --- | --- |");
                out.printf("| blocks | %d |%n", head + 1);
                out.printf("| raw eth_getLogs (same node, same range, %d-block chunks) | %d logs in %.2f s = %.0f logs/s |%n",
                        range, raw.logs(), raw.seconds(), raw.logs() / raw.seconds());
                out.printf("| watcher backfill into %s (headers, logs, decode, store commit) | %d events in %.2f s = %.0f events/s |%n",
                        backend, b.events(), b.seconds(), b.events() / b.seconds());
                out.printf("| backfill / raw | %.0f%% |%n", 100.0 * (b.events() / b.seconds()) / (raw.logs() / raw.seconds()));
                out.printf("| peak heap during backfill | %.0f MiB (max heap %.0f MiB) |%n", b.peakHeap() / 1048576.0,
                        Runtime.getRuntime().maxMemory() / 1048576.0);
                out.printf("| cores | %d |%n", Runtime.getRuntime().availableProcessors());
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        return 0;
    }

    private record Raw(long logs, double seconds) {}

    private record Backfill(long events, double seconds, long peakHeap) {}

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

    private Backfill backfill(Vertx vertx, EthApi rpc, ChainConfig chain, long head, Path dir) throws Exception {
        ChainTopology topology = new ChainTopology(Map.of(chain.chainId(), chain.settlesOn()));
        StoreConfig config = backend.equals("postgres")
                ? StoreConfig.postgres(jdbcUrl, dbUser, 4, "bench_" + ProcessHandle.current().pid())
                : StoreConfig.sqlite(dir.resolve("store.db"));
        try (MessageStore store = MessageStores.open(config, topology); HeapSampler heap = new HeapSampler()) {
            ChainWatcher watcher = new ChainWatcher(vertx, chain, rpc, store, new SimpleMeterRegistry(), () -> {});
            long start = System.nanoTime();
            watcher.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            while (watcher.cursorBlock() < head) {
                Thread.sleep(5);
            }
            double elapsed = seconds(start);
            watcher.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return new Backfill(store.eventCount(chain.chainId()), elapsed, heap.peakBytes());
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
