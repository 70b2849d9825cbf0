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
 * <p>A step brings about {@link #LOGS_PER_STEP} logs (its range follows their density), and while it commits the
 * next range is already read and decoded, one range ahead at most: a backfill keeps the node, the decoder and the
 * store busy at once with the logs of two steps in memory. The next step takes that read if it still continues from
 * the cursor; its first block's parent, checked against the cursor's hash, stands for the cursor's canonicity check.
 *
 * <p>The loop is a {@link SupervisedLoop#driven driven} supervised loop named {@code watcher-<chain>}: a step that
 * fails (an endpoint that refuses, a store that fails) is counted and reports the watcher down, to readiness, until a
 * step succeeds; the next step waits for the backoff ({@link SupervisedLoop#RESTART}), new heads included.
 */
public final class ChainWatcher implements Service {
    private static final Logger log = LoggerFactory.getLogger(ChainWatcher.class);
    private static final int ANCESTRY_WINDOW = 256;
    /**
     * The logs a step brings, about (the range shrinks or grows to it): a step's logs, their events and the store's
     * rows stay a few MiB, and a backfill's heap stays flat.
     */
    static final int LOGS_PER_STEP = 2_000;
    /** The first range asked (then sized to {@link #LOGS_PER_STEP}): a busy chain's first answer stays small. */
    private static final int INITIAL_RANGE = 16;

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
    /** The next range, read while the last step committed; set and read on the watcher's context. */
    private Ahead ahead;
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
        this.range = new AdaptiveRange(chain.maxBlockRange(), 3, LOGS_PER_STEP, INITIAL_RANGE);
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
                ahead = null; // a read a previous run started belongs to it
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
            ahead = null;
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
                vertx.setTimer(Math.max(1, loop.failed(ar.cause()).toMillis()),
                        id -> context.runOnContext(v -> reloadCursorThenStep()));
                return;
            }
            loop.ran();
            if (ar.result() || again) {
                context.runOnContext(v -> requestStep());
            }
        });
    }

    /**
     * After a failed step, reads the cursor from the store again before the next step: a commit can land while its
     * answer is lost (the connection cut right after), and the cursor this watcher holds is then behind the store's,
     * so every later batch would start at a block the store already has. While the store cannot answer, waits and
     * asks again under the loop's backoff.
     */
    private void reloadCursorThenStep() {
        if (!running) {
            backingOff = false;
            return;
        }
        vertx.executeBlocking(() -> store.cursor(chain.chainId()), false).onComplete(ar -> context.runOnContext(v -> {
            if (ar.failed()) {
                vertx.setTimer(Math.max(1, loop.failed(ar.cause()).toMillis()),
                        id -> context.runOnContext(w -> reloadCursorThenStep()));
                return;
            }
            ChainCursor held = cursor;
            cursor = ar.result().orElse(null);
            if (held != null && (cursor == null || cursor.blockNumber() != held.blockNumber())) {
                log.warn("cursor read again after a failed step chain={} held={} store={}", chain.name(),
                        held.blockNumber(), cursor == null ? "none" : cursor.blockNumber());
            }
            cursorGauge.set(cursor == null ? -1 : cursor.blockNumber());
            backingOff = false;
            requestStep();
        }));
    }

    /** One step; true when there is more to read right away. */
    private Future<Boolean> step() {
        return confirmedHeight().compose(target -> {
            Future<Read> early = takeAhead(target);
            if (early != null) {
                // Read while the last step committed; its first block's parent is the cursor's block, checked
                // against the headers, so the cursor is still canonical (else the read says start over).
                return early.compose(r -> r == null ? Future.succeededFuture(true) : commit(r, target));
            }
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
        return read(from, Math.min(target, from + range.current() - 1), expectedParent)
                .compose(r -> r == null ? Future.succeededFuture(true) : commit(r, target));
    }

    /**
     * A range read, checked against its headers and decoded: what a commit needs.
     *
     * @param expectedParent the hash the range's first block must have as parent (the cursor's), or null
     */
    private record Read(long from, long to, String expectedParent, List<BlockRef> blocks, int logs,
            EventDecoder.Result decoded) {
        String lastHash() {
            return blocks.getLast().hash();
        }
    }

    /** A read of the range after the one being committed, started before that commit ended. */
    private record Ahead(long from, String expectedParent, Future<Read> read) {}

    /**
     * Reads blocks {@code from..to}: headers and logs, checked, then decoded on a worker thread. Null when the step
     * should start over at once (the node refused the range, which shrank; or the chain changed during the reads).
     */
    private Future<Read> read(long from, long to, String expectedParent) {
        Future<List<BlockRef>> headers = reads.headers(from, to);
        Future<ChainReads.Logs> logs = reads.logs(from, to, decoder.addresses());
        return Future.join(headers, logs).transform(ar -> {
            if (logs.failed()) {
                if (range.shrinkOn(logs.cause())) {
                    log.info("eth_getLogs refused a range chain={} blocks={}..{} newRange={} reason={}", chain.name(),
                            from, to, range.current(), logs.cause().getMessage());
                    return Future.succeededFuture(null);
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
                return Future.succeededFuture(null);
            }
            range.succeeded(blocks.size(), found.size());
            return decode(blocks, found, expectedParent, Set.of());
        });
    }

    /**
     * Decodes on a worker thread (it takes time in proportion to the logs, off the event loop). When the logs create
     * dispute games, the games' own logs in the same blocks are fetched and the whole range decoded again, so that a
     * game's first moves are not missed.
     *
     * @param fetchedGames the games whose logs {@code rawLogs} already holds
     */
    private Future<Read> decode(List<BlockRef> blocks, JsonNode rawLogs, String expectedParent,
            Set<String> fetchedGames) {
        Map<Long, Long> timestamps = new HashMap<>();
        blocks.forEach(b -> timestamps.put(b.number(), b.timestamp()));
        long from = blocks.getFirst().number();
        long to = blocks.getLast().number();
        return vertx.executeBlocking(() -> decoder.decode(ChainReads.toLogs(rawLogs), timestamps), false)
                .compose(decoded -> {
                    Set<String> unfetched = new HashSet<>(decoded.createdGames().keySet());
                    unfetched.removeAll(fetchedGames);
                    if (unfetched.isEmpty()) {
                        return Future.succeededFuture(new Read(from, to, expectedParent, blocks, rawLogs.size(),
                                decoded));
                    }
                    return reads.logs(from, to, unfetched).compose(read -> {
                        JsonNode more = read.array();
                        Optional<String> inconsistent = unanchored(blocks, read)
                                .or(() -> Ancestry.inconsistency(blocks, more, expectedParent));
                        if (inconsistent.isPresent()) {
                            return Future.failedFuture(new IllegalStateException("chain changed while the logs of new"
                                    + " games were read: " + inconsistent.get()));
                        }
                        var merged = rawLogs.deepCopy();
                        more.forEach(((ArrayNode) merged)::add);
                        Set<String> fetched = new HashSet<>(fetchedGames);
                        fetched.addAll(unfetched);
                        return decode(blocks, merged, expectedParent, fetched);
                    });
                });
    }

    /**
     * Commits a read on a worker thread; true when there is more to read up to {@code target}. While it commits, the
     * next range is read and decoded ({@link #ahead}: one range ahead at most, so that a backfill holds two ranges'
     * logs at a time), unless this one creates or resolves games (that changes the addresses to read).
     */
    private Future<Boolean> commit(Read r, long target) {
        if (r.to() < target && r.decoded().createdGames().isEmpty() && r.decoded().resolvedGames().isEmpty()) {
            long next = r.to() + 1;
            ahead = new Ahead(next, r.lastHash(), read(next, Math.min(target, next + range.current() - 1),
                    r.lastHash()));
        }
        List<BlockRef> blocks = r.blocks();
        EventDecoder.Result decoded = r.decoded();
        return vertx.executeBlocking(() -> {
            long t0 = System.nanoTime();
            for (var s : decoded.setAside()) {
                log.warn("log set aside chain={} block={} tx={} logIndex={} reason={}", chain.name(), s.blockNumber(),
                        s.txHash(), s.logIndex(), s.reason());
            }
            MessageStore.BatchResult result = store.commitBatch(new ChainBatch(chain.chainId(), blocks,
                    decoded.events(), decoded.setAside()));
            log.debug("step committed chain={} blocks={}..{} logs={} commitMs={}", chain.name(), r.from(), r.to(),
                    r.logs(), (System.nanoTime() - t0) / 1_000_000);
            eventsCounter.increment(result.eventsRecorded());
            setAsideCounter.increment(decoded.setAside().size());
            decoded.createdGames().forEach(decoder::follow);
            decoded.resolvedGames().forEach(decoder::unfollow);
            return store.cursor(chain.chainId()).orElseThrow();
        }, true).map(c -> {
            cursor = c;
            cursorGauge.set(cursor.blockNumber());
            afterCommit.run();
            return r.to() < target;
        });
    }

    /**
     * The read of the range after the cursor, when one was started ahead and still continues from it (a failed commit,
     * or a reorg's rollback, leaves it behind), and ends by {@code target}; else null. Taken once.
     */
    private Future<Read> takeAhead(long target) {
        Ahead a = ahead;
        ahead = null;
        if (a == null || cursor == null || a.from() != cursor.blockNumber() + 1
                || !a.expectedParent().equalsIgnoreCase(cursor.blockHash())) {
            return null;
        }
        return a.read().compose(r -> r == null || r.to() <= target ? Future.succeededFuture(r)
                : Future.succeededFuture(null)); // the confirmed height went back: read again
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
