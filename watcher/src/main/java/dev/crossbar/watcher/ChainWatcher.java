package dev.crossbar.watcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.core.rpc.RpcException;
import dev.crossbar.store.BlockRef;
import dev.crossbar.store.ChainBatch;
import dev.crossbar.store.ChainCursor;
import dev.crossbar.store.MessageStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Follows one chain: one reactive loop on a Vert.x context that, step by step, reads confirmed blocks past the
 * cursor, checks that they extend what it recorded (block-hash ancestry), decodes the protocol's logs and
 * hands the step to the store, which records events and cursor in one transaction.
 *
 * <p>A step is: find the confirmed height; check the cursor's block is still canonical, else find the common
 * ancestor among the recently recorded blocks and roll back to it; fetch the headers and logs of the next
 * range; check the logs belong to those headers (a reorg during the fetch makes the step start over); decode;
 * commit. Only one step runs at a time. A restart resumes from the durable cursor, so an event is neither
 * lost nor recorded twice.
 */
public final class ChainWatcher implements Service {
    private static final Logger log = LoggerFactory.getLogger(ChainWatcher.class);
    private static final int HEADER_BATCH = 250;
    private static final int ANCESTRY_WINDOW = 256;
    private static final int COMFORTABLE_LOGS_PER_STEP = 20_000;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final ChainConfig chain;
    private final JsonRpcClient rpc;
    private final MessageStore store;
    private final EventDecoder decoder;
    private final AdaptiveRange range;
    private final Runnable afterCommit;
    private final HeadTracker heads;
    private final Counter eventsCounter;
    private final Counter setAsideCounter;
    private final Counter reorgCounter;
    private final AtomicLong cursorGauge = new AtomicLong(-1);
    private final AtomicLong headGauge = new AtomicLong(-1);
    private Context context;
    private ChainCursor cursor;
    private boolean cursorLoaded;
    private boolean stepping;
    private boolean again;
    private volatile boolean running;
    private volatile long lastStepFinishedNanos = System.nanoTime();

    /**
     * @param afterCommit called (on the watcher's context) after each committed step, e.g. to wake the outbox
     *     publisher
     */
    public ChainWatcher(Vertx vertx, ChainConfig chain, JsonRpcClient rpc, MessageStore store, MeterRegistry meters,
            Runnable afterCommit) {
        this.vertx = vertx;
        this.chain = chain;
        this.rpc = rpc;
        this.store = store;
        this.decoder = new EventDecoder(chain);
        this.range = new AdaptiveRange(chain.maxBlockRange(), 3);
        this.afterCommit = afterCommit;
        this.heads = new HeadTracker(vertx, chain.name(), rpc, chain.ws(), chain.pollInterval(), h -> onHead());
        String c = chain.name();
        this.eventsCounter = Counter.builder("crossbar.watcher.events").tag("chain", c)
                .description("protocol events recorded").register(meters);
        this.setAsideCounter = Counter.builder("crossbar.watcher.set.aside").tag("chain", c)
                .description("logs that could not be decoded, set aside with their reason").register(meters);
        this.reorgCounter = Counter.builder("crossbar.watcher.reorgs").tag("chain", c)
                .description("reorgs detected by block-hash ancestry").register(meters);
        Gauge.builder("crossbar.watcher.cursor.block", cursorGauge, AtomicLong::get).tag("chain", c)
                .description("last block whose events are recorded").register(meters);
        Gauge.builder("crossbar.chain.head.block", headGauge, AtomicLong::get).tag("chain", c)
                .description("latest block the node reported").register(meters);
        Gauge.builder("crossbar.watcher.lag.blocks", this, w -> w.lag()).tag("chain", c)
                .description("blocks between the chain's head and the watcher's cursor").register(meters);
    }

    @Override
    public String name() {
        return "watcher-" + chain.name();
    }

    public ChainConfig chain() {
        return chain;
    }

    /** Blocks between the head and the cursor (0 when unknown). */
    public long lag() {
        long h = headGauge.get();
        long c = cursorGauge.get();
        return h < 0 || c < 0 ? 0 : Math.max(0, h - c);
    }

    public long head() {
        return headGauge.get();
    }

    public long cursorBlock() {
        return cursorGauge.get();
    }

    public boolean isSubscribed() {
        return heads.isSubscribed();
    }

    @Override
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        return vertx.executeBlocking(() -> store.cursor(chain.chainId()), false).map(c -> {
            context.runOnContext(v -> {
                cursor = c.orElse(null);
                cursorLoaded = true;
                cursorGauge.set(cursor == null ? -1 : cursor.blockNumber());
                running = true;
                heads.start();
                log.info("watcher started chain={} cursor={} startBlock={} confirmations={}", chain.name(),
                        cursor == null ? "none" : cursor.blockNumber(), chain.startBlock(), chain.confirmations());
                requestStep();
            });
            return null;
        });
    }

    @Override
    public Future<Void> stop() {
        running = false;
        if (context == null) {
            return Future.succeededFuture();
        }
        return Future.future(p -> context.runOnContext(v -> {
            heads.stop();
            p.complete();
        }));
    }

    private void onHead() {
        if (context != null) {
            context.runOnContext(v -> requestStep());
        }
    }

    /** Runs a step now, or right after the running one. Called on the watcher's context only. */
    private void requestStep() {
        if (!running || !cursorLoaded) {
            return;
        }
        if (stepping) {
            again = true;
            return;
        }
        stepping = true;
        again = false;
        step().onComplete(ar -> {
            stepping = false;
            lastStepFinishedNanos = System.nanoTime();
            if (ar.failed()) {
                log.warn("watcher step failed chain={} error={}", chain.name(), describe(ar.cause()));
                vertx.setTimer(RETRY_DELAY.toMillis(), id -> requestStep());
            } else if (ar.result() || again) {
                context.runOnContext(v -> requestStep());
            }
        });
    }

    /** One step; true when there is more to read right away. */
    private Future<Boolean> step() {
        return confirmedHeight().compose(target -> {
            if (cursor == null) {
                return readRange(chain.startBlock(), target, null);
            }
            return blockHash(cursor.blockNumber()).compose(hash -> {
                if (hash == null || !hash.equalsIgnoreCase(cursor.blockHash())) {
                    return handleReorg().map(true);
                }
                return readRange(cursor.blockNumber() + 1, target, cursor.blockHash());
            });
        });
    }

    private Future<Long> confirmedHeight() {
        if (chain.confirmations().usesTag()) {
            return rpc.call("eth_getBlockByNumber", List.of(chain.confirmations().tag(), false)).map(b -> {
                long n = b.isNull() ? -1 : hexLong(b.path("number"));
                return n;
            }).compose(n -> rpc.call("eth_blockNumber", List.of()).map(h -> {
                headGauge.set(hexLong(h));
                return n;
            }));
        }
        return rpc.call("eth_blockNumber", List.of()).map(h -> {
            long head = hexLong(h);
            headGauge.set(head);
            return head - chain.confirmations().blocks();
        });
    }

    private Future<Boolean> readRange(long from, long target, String expectedParent) {
        if (from > target) {
            return Future.succeededFuture(false);
        }
        long to = Math.min(target, from + range.current() - 1);
        Future<List<BlockRef>> headers = headers(from, to);
        Future<JsonNode> logs = logs(from, to);
        return Future.join(headers, logs).transform(ar -> {
            if (logs.failed()) {
                if (range.shrinkOn(logs.cause())) {
                    log.info("eth_getLogs refused a range chain={} blocks={}..{} newRange={} reason={}", chain.name(),
                            from, to, range.current(), logs.cause().getMessage());
                    return Future.succeededFuture(true);
                }
                return Future.failedFuture(logs.cause());
            }
            if (headers.failed()) {
                return Future.failedFuture(headers.cause());
            }
            List<BlockRef> blocks = headers.result();
            JsonNode found = logs.result();
            Optional<String> inconsistent = checkConsistency(blocks, found, expectedParent);
            if (inconsistent.isPresent()) {
                // The chain moved under us (a reorg between the calls): start the step over.
                log.info("chain changed during a step chain={} blocks={}..{} detail={}", chain.name(), from, to,
                        inconsistent.get());
                return Future.succeededFuture(true);
            }
            range.succeeded();
            if (found.size() > COMFORTABLE_LOGS_PER_STEP) {
                range.shrink();
            }
            return commit(blocks, found).map(v -> to < target);
        });
    }

    private Optional<String> checkConsistency(List<BlockRef> blocks, JsonNode logs, String expectedParent) {
        if (expectedParent != null && !blocks.getFirst().parentHash().equalsIgnoreCase(expectedParent)) {
            return Optional.of("block " + blocks.getFirst().number() + " does not extend the cursor");
        }
        Map<Long, String> hashes = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            BlockRef b = blocks.get(i);
            if (i > 0 && !b.parentHash().equalsIgnoreCase(blocks.get(i - 1).hash())) {
                return Optional.of("block " + b.number() + " is not the child of block " + (b.number() - 1));
            }
            hashes.put(b.number(), b.hash());
        }
        for (JsonNode l : logs) {
            JsonNode number = l.path("blockNumber");
            JsonNode hash = l.path("blockHash");
            if (!number.isTextual() || !hash.isTextual()) {
                continue; // the decoder sets it aside with its reason
            }
            String h = hashes.get(Numeric.toBigInt(number.asText()).longValueExact());
            if (h != null && !h.equalsIgnoreCase(hash.asText())) {
                return Optional.of("log in block " + number.asText() + " has hash " + hash.asText()
                        + ", the header says " + h);
            }
        }
        return Optional.empty();
    }

    /** Decodes and commits on a worker thread: both take time in proportion to the logs, off the event loop. */
    private Future<Void> commit(List<BlockRef> blocks, JsonNode rawLogs) {
        Map<Long, Long> timestamps = new HashMap<>();
        blocks.forEach(b -> timestamps.put(b.number(), b.timestamp()));
        return vertx.executeBlocking(() -> {
            long t0 = System.nanoTime();
            List<Log> logs = toLogs(rawLogs);
            EventDecoder.Result decoded = decoder.decode(logs, timestamps);
            long t1 = System.nanoTime();
            for (var s : decoded.setAside()) {
                log.warn("log set aside chain={} block={} tx={} logIndex={} reason={}", chain.name(), s.blockNumber(),
                        s.txHash(), s.logIndex(), s.reason());
            }
            MessageStore.BatchResult r = store.commitBatch(new ChainBatch(chain.chainId(), blocks, decoded.events(),
                    decoded.setAside()));
            long t2 = System.nanoTime();
            log.debug("step committed chain={} blocks={}..{} logs={} decodeMs={} commitMs={}", chain.name(),
                    blocks.getFirst().number(), blocks.getLast().number(), logs.size(), (t1 - t0) / 1_000_000,
                    (t2 - t1) / 1_000_000);
            eventsCounter.increment(r.eventsRecorded());
            setAsideCounter.increment(decoded.setAside().size());
            return store.cursor(chain.chainId()).orElseThrow();
        }, true).map(c -> {
            cursor = c;
            cursorGauge.set(c.blockNumber());
            afterCommit.run();
            return null;
        });
    }

    /** Finds the newest recorded block that is still canonical and rolls back to it. */
    private Future<Void> handleReorg() {
        reorgCounter.increment();
        return vertx.executeBlocking(() -> store.recentBlocks(chain.chainId(), ANCESTRY_WINDOW), true)
                .compose(recent -> findAncestor(recent, 0))
                .compose(ancestor -> vertx.executeBlocking(() -> {
                    MessageStore.RollbackResult r = store.rollbackTo(chain.chainId(), ancestor,
                            "reorg on " + chain.name() + ": blocks after " + ancestor.number() + " were replaced");
                    log.warn("reorg rolled back chain={} ancestor={} eventsRemoved={} messagesOrphaned={} reverted={}",
                            chain.name(), ancestor.number(), r.eventsRemoved(), r.messagesOrphaned(),
                            r.messagesReverted());
                    return store.cursor(chain.chainId()).orElse(null);
                }, true))
                .map(c -> {
                    cursor = c;
                    cursorGauge.set(c == null ? -1 : c.blockNumber());
                    afterCommit.run();
                    return null;
                });
    }

    private Future<BlockRef> findAncestor(List<BlockRef> recent, int i) {
        if (i >= recent.size()) {
            BlockRef oldest = recent.isEmpty() ? null : recent.getLast();
            String why = "no recorded block within the last " + recent.size() + " is canonical any more: the reorg is "
                    + "deeper than the ancestry window";
            log.error("deep reorg chain={} detail={}", chain.name(), why);
            if (oldest == null) {
                return Future.failedFuture(new IllegalStateException(why));
            }
            // Roll back past everything we can vouch for: re-read from the block before the oldest we know.
            return header(oldest.number() - 1);
        }
        BlockRef b = recent.get(i);
        return blockHash(b.number()).compose(h -> h != null && h.equalsIgnoreCase(b.hash())
                ? Future.succeededFuture(b) : findAncestor(recent, i + 1));
    }

    private Future<String> blockHash(long number) {
        return rpc.call("eth_getBlockByNumber", List.of(hexOf(number), false))
                .map(b -> b.isNull() ? null : b.path("hash").asText());
    }

    private Future<BlockRef> header(long number) {
        return rpc.call("eth_getBlockByNumber", List.of(hexOf(number), false)).map(b -> {
            if (b.isNull()) {
                throw new RpcException.Malformed(chain.name() + ": node has no block " + number);
            }
            return blockRef(b);
        });
    }

    private Future<List<BlockRef>> headers(long from, long to) {
        List<Future<List<JsonNode>>> parts = new ArrayList<>();
        for (long start = from; start <= to; start += HEADER_BATCH) {
            List<JsonRpcClient.Call> calls = new ArrayList<>();
            for (long n = start; n <= Math.min(to, start + HEADER_BATCH - 1); n++) {
                calls.add(new JsonRpcClient.Call("eth_getBlockByNumber", List.of(hexOf(n), false)));
            }
            parts.add(rpc.batch(calls));
        }
        return Future.all(parts).map(all -> {
            List<BlockRef> out = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                for (JsonNode b : all.<List<JsonNode>>resultAt(i)) {
                    if (b.isNull()) {
                        throw new RpcException.Malformed(chain.name() + ": node has no block in " + from + ".." + to
                                + " although it reported a later head");
                    }
                    out.add(blockRef(b));
                }
            }
            return out;
        });
    }

    private Future<JsonNode> logs(long from, long to) {
        var filter = JsonNodeFactory.instance.objectNode();
        filter.put("fromBlock", hexOf(from));
        filter.put("toBlock", hexOf(to));
        var addresses = filter.putArray("address");
        decoder.addresses().forEach(addresses::add);
        return rpc.call("eth_getLogs", List.of(filter)).map(result -> {
            if (!result.isArray()) {
                throw new RpcException.Malformed(chain.name() + ": eth_getLogs returned " + result.getNodeType()
                        + ", not an array");
            }
            return result;
        });
    }

    /** The node's logs as web3j logs, in (block, log index) order. */
    private static List<Log> toLogs(JsonNode result) {
        List<Log> out = new ArrayList<>(result.size());
        for (JsonNode n : result) {
            out.add(JsonRpcClient.convert("eth_getLogs", Log.class).apply(n));
        }
        out.sort((a, b) -> {
            int c = compare(a.getBlockNumber(), b.getBlockNumber());
            return c != 0 ? c : compare(a.getLogIndex(), b.getLogIndex());
        });
        return out;
    }

    private static int compare(java.math.BigInteger a, java.math.BigInteger b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }

    private BlockRef blockRef(JsonNode b) {
        return new BlockRef(hexLong(b.path("number")), b.path("hash").asText(), b.path("parentHash").asText(),
                hexLong(b.path("timestamp")));
    }

    private long hexLong(JsonNode n) {
        if (!n.isTextual()) {
            throw new RpcException.Malformed(chain.name() + ": expected a hex quantity, got " + n);
        }
        return Numeric.toBigInt(n.asText()).longValueExact();
    }

    private static String hexOf(long n) {
        return "0x" + Long.toHexString(n);
    }

    /** Seconds since the last step finished (a stalled loop shows here). */
    public double secondsSinceLastStep() {
        return (System.nanoTime() - lastStepFinishedNanos) / 1e9;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
