package dev.crossbar.watcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.lifecycle.SupervisedLoop;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.Log;

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
 *
 * <p>The loop is a {@link SupervisedLoop#driven driven} supervised loop named {@code watcher-<chain>}: a step that
 * fails (an endpoint that refuses, a store that fails) is counted and reports the watcher down, to readiness, until a
 * step succeeds; the next step waits for the backoff ({@link SupervisedLoop#RESTART}), new heads included.
 */
public final class ChainWatcher implements Service {
    private static final Logger log = LoggerFactory.getLogger(ChainWatcher.class);
    private static final int ANCESTRY_WINDOW = 256;
    private static final int COMFORTABLE_LOGS_PER_STEP = 20_000;

    private final Vertx vertx;
    private final ChainConfig chain;
    private final ChainReads reads;
    private final Ancestry ancestry;
    private final MessageStore store;
    private final EventDecoder decoder;
    private final AdaptiveRange range;
    private final Runnable afterCommit;
    private final HeadTracker heads;
    private final MeterRegistry meters;
    /** The loop of the current run (a new one at each start); set and read on the watcher's context. */
    private SupervisedLoop loop;
    private final Counter eventsCounter;
    private final Counter setAsideCounter;
    private final Counter reorgCounter;
    private final Counter disagreementCounter;
    private final AtomicLong cursorGauge = new AtomicLong(-1);
    private final AtomicLong headGauge = new AtomicLong(-1);
    private Context context;
    private ChainCursor cursor;
    private boolean cursorLoaded;
    private boolean stepping;
    private boolean again;
    /** A failed step's backoff runs: the step waits for its timer. */
    private boolean backingOff;
    /** Completed when the step in flight at {@link #stop} ends. */
    private io.vertx.core.Promise<Void> stopped;
    private volatile boolean running;
    private volatile long lastStepFinishedNanos = System.nanoTime();

    /**
     * @param api the chain, as {@link EthApi#connect} builds it (its endpoints' failover and retries); its blocking
     *     calls run on worker threads
     * @param afterCommit called (on the watcher's context) after each committed step, e.g. to wake the outbox
     *     publisher
     */
    public ChainWatcher(Vertx vertx, ChainConfig chain, EthApi api, MessageStore store, MeterRegistry meters,
            Runnable afterCommit) {
        this.vertx = vertx;
        this.chain = chain;
        this.reads = new ChainReads(vertx, chain.name(), api, chain.quorum());
        this.ancestry = new Ancestry(chain.name(), reads);
        this.store = store;
        this.decoder = new EventDecoder(chain, chain.settlements().stream().anyMatch(
                dev.crossbar.core.config.Settlement::disputeGames) ? GameFacts.of(api) : GameFacts.NONE);
        this.range = new AdaptiveRange(chain.maxBlockRange(), 3);
        this.afterCommit = afterCommit;
        String c = chain.name();
        this.heads = new HeadTracker(vertx, c, api, chain.ws(), chain.pollInterval(), h -> onHead(), meters);
        this.meters = meters;
        this.eventsCounter = Counter.builder("crossbar.watcher.events").tag("chain", c)
                .description("protocol events recorded").register(meters);
        this.setAsideCounter = Counter.builder("crossbar.watcher.set.aside").tag("chain", c)
                .description("logs that could not be decoded, set aside with their reason").register(meters);
        this.reorgCounter = Counter.builder("crossbar.watcher.reorgs").tag("chain", c)
                .description("reorgs detected by block-hash ancestry").register(meters);
        this.disagreementCounter = Counter.builder("crossbar.watcher.disagreements").tag("chain", c)
                .description("block ranges on whose logs the endpoints of the quorum disagreed (nothing recorded)")
                .register(meters);
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
        return vertx.executeBlocking(() -> {
            decoder.followOnly(store.unresolvedGames(chain.chainId()));
            return store.cursor(chain.chainId());
        }, false).map(c -> {
            context.runOnContext(v -> {
                cursor = c.orElse(null);
                cursorLoaded = true;
                cursorGauge.set(cursor == null ? -1 : cursor.blockNumber());
                running = true;
                loop = SupervisedLoop.driven("watcher-" + chain.name(), SupervisedLoop.RESTART, meters).start();
                heads.start();
                log.info("watcher started chain={} cursor={} startBlock={} confirmations={}", chain.name(),
                        cursor == null ? "none" : cursor.blockNumber(), chain.startBlock(), chain.confirmations());
                requestStep();
            });
            return null;
        });
    }

    /** Stops following the chain; the future completes once the step in flight, if any, has ended. */
    @Override
    public Future<Void> stop() {
        running = false;
        if (context == null) {
            return Future.succeededFuture();
        }
        return Future.future(p -> context.runOnContext(v -> {
            if (loop != null) {
                loop.stop(Duration.ZERO);
            }
            heads.stop();
            if (stepping) { // a step still reads the chain or writes to the store: stopped when it ends
                if (stopped == null) {
                    stopped = io.vertx.core.Promise.promise();
                }
                stopped.future().onComplete(p);
            } else {
                p.complete();
            }
        }));
    }

    private void onHead() {
        if (context != null) {
            context.runOnContext(v -> requestStep());
        }
    }

    /** Runs a step now, or right after the running one. Called on the watcher's context only. */
    private void requestStep() {
        if (!running || !cursorLoaded || backingOff) {
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
            if (stopped != null) {
                stopped.complete();
                stopped = null;
            }
            if (!running) {
                return;
            }
            if (ar.failed()) {
                if (ar.cause() instanceof ChainReads.EndpointsDisagree d) {
                    disagreementCounter.increment();
                    log.error("rpc endpoints disagree chain={} endpoints={},{} difference=\"{}\": nothing recorded"
                            + " from them, trying again", chain.name(), d.first(), d.second(), d.difference());
                }
                backingOff = true;
                vertx.setTimer(Math.max(1, loop.failed(ar.cause()).toMillis()), id -> context.runOnContext(v -> {
                    backingOff = false;
                    requestStep();
                }));
                return;
            }
            loop.ran();
            if (ar.result() || again) {
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
            return reads.blockHash(cursor.blockNumber()).compose(hash -> {
                if (hash == null || !hash.equalsIgnoreCase(cursor.blockHash())) {
                    return handleReorg().map(true);
                }
                return readRange(cursor.blockNumber() + 1, target, cursor.blockHash());
            });
        });
    }

    private Future<Long> confirmedHeight() {
        if (chain.confirmations().usesTag()) {
            return reads.numberAt(chain.confirmations().tag()).compose(n -> reads.blockNumber().map(head -> {
                headGauge.set(head);
                return n;
            }));
        }
        return reads.blockNumber().map(head -> {
            headGauge.set(head);
            return head - chain.confirmations().blocks();
        });
    }

    private Future<Boolean> readRange(long from, long target, String expectedParent) {
        if (from > target) {
            return Future.succeededFuture(false);
        }
        long to = Math.min(target, from + range.current() - 1);
        Future<List<BlockRef>> headers = reads.headers(from, to);
        Future<ChainReads.Logs> logs = reads.logs(from, to, decoder.addresses());
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
            JsonNode found = logs.result().array();
            Optional<String> unanchored = unanchored(blocks, logs.result());
            if (unanchored.isPresent()) {
                return Future.failedFuture(new IllegalStateException(unanchored.get()));
            }
            Optional<String> inconsistent = Ancestry.inconsistency(blocks, found, expectedParent);
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
            return commit(blocks, found, expectedParent, Set.of()).map(v -> to < target);
        });
    }

    /**
     * Decodes and commits on a worker thread: both take time in proportion to the logs, off the event loop. When the
     * logs create dispute games, the games' own logs in the same blocks are fetched and the whole range decoded again
     * before anything is committed, so that a game's first moves are not missed.
     *
     * @param fetchedGames the games whose logs {@code rawLogs} already holds
     */
    private Future<Void> commit(List<BlockRef> blocks, JsonNode rawLogs, String expectedParent,
            Set<String> fetchedGames) {
        Map<Long, Long> timestamps = new HashMap<>();
        blocks.forEach(b -> timestamps.put(b.number(), b.timestamp()));
        long from = blocks.getFirst().number();
        long to = blocks.getLast().number();
        return vertx.<Committed>executeBlocking(() -> {
            long t0 = System.nanoTime();
            List<Log> logs = ChainReads.toLogs(rawLogs);
            EventDecoder.Result decoded = decoder.decode(logs, timestamps);
            Set<String> unfetched = new HashSet<>(decoded.createdGames().keySet());
            unfetched.removeAll(fetchedGames);
            if (!unfetched.isEmpty()) {
                return new Committed(null, unfetched);
            }
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
            decoded.createdGames().forEach(decoder::follow);
            decoded.resolvedGames().forEach(decoder::unfollow);
            return new Committed(store.cursor(chain.chainId()).orElseThrow(), Set.of());
        }, true).compose(result -> {
            if (result.cursor() != null) {
                cursor = result.cursor();
                cursorGauge.set(cursor.blockNumber());
                afterCommit.run();
                return Future.succeededFuture();
            }
            Set<String> games = result.unfetchedGames();
            return reads.logs(from, to, games).compose(read -> {
                JsonNode more = read.array();
                Optional<String> inconsistent = unanchored(blocks, read)
                        .or(() -> Ancestry.inconsistency(blocks, more, expectedParent));
                if (inconsistent.isPresent()) {
                    return Future.failedFuture(new IllegalStateException("chain changed while the logs of new games"
                            + " were read: " + inconsistent.get()));
                }
                var merged = rawLogs.deepCopy();
                more.forEach(((ArrayNode) merged)::add);
                Set<String> fetched = new HashSet<>(fetchedGames);
                fetched.addAll(games);
                return commit(blocks, merged, expectedParent, fetched);
            });
        });
    }

    /**
     * With a quorum: why the headers read do not end with the block the endpoints agreed on (the headers came from one
     * endpoint, which may lie or have moved on to another branch since), or empty when they do.
     */
    private Optional<String> unanchored(List<BlockRef> blocks, ChainReads.Logs logs) {
        BlockRef last = blocks.getLast();
        if (logs.lastBlockHash() == null || logs.lastBlockHash().equalsIgnoreCase(last.hash())) {
            return Optional.empty();
        }
        return Optional.of(chain.name() + ": the headers read end with block " + last.number() + " " + last.hash()
                + ", the endpoints of the quorum agree on " + logs.lastBlockHash() + "; nothing recorded");
    }

    /**
     * What a decode-and-commit pass came to: committed, with the cursor now; or not committed, because the logs create
     * games whose own logs in the range have not been read yet.
     */
    private record Committed(ChainCursor cursor, Set<String> unfetchedGames) {}

    /** Finds the newest recorded block that is still canonical and rolls back to it. */
    private Future<Void> handleReorg() {
        reorgCounter.increment();
        return vertx.executeBlocking(() -> store.recentBlocks(chain.chainId(), ANCESTRY_WINDOW), true)
                .compose(recent -> ancestry.ancestor(recent))
                .compose(ancestor -> vertx.executeBlocking(() -> {
                    MessageStore.RollbackResult r = store.rollbackTo(chain.chainId(), ancestor,
                            "reorg on " + chain.name() + ": blocks after " + ancestor.number() + " were replaced");
                    log.warn("reorg rolled back chain={} ancestor={} eventsRemoved={} messagesOrphaned={} reverted={}",
                            chain.name(), ancestor.number(), r.eventsRemoved(), r.messagesOrphaned(),
                            r.messagesReverted());
                    decoder.followOnly(store.unresolvedGames(chain.chainId()));
                    return store.cursor(chain.chainId()).orElse(null);
                }, true))
                .map(c -> {
                    cursor = c;
                    cursorGauge.set(c == null ? -1 : c.blockNumber());
                    afterCommit.run();
                    return null;
                });
    }

    /** Seconds since the last step finished (a stalled loop shows here). */
    public double secondsSinceLastStep() {
        return (System.nanoTime() - lastStepFinishedNanos) / 1e9;
    }
}
