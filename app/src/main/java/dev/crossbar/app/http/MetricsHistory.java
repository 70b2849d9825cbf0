package dev.crossbar.app.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The last hour of this process's own meters, for the console's charts ({@code GET /api/history}): every
 * {@link #INTERVAL} a sample of the messages the relayer relayed in the interval (its
 * {@code crossbar.relayer.messages{result="relayed"}} counters), the mean relay latency of the deliveries confirmed
 * in it (its {@code crossbar.relay.latency} timers; null when none was) and each chain's lag as {@code /api/chains}
 * shows it. A process without a relayer has no relay meters: its samples say 0 relayed and no latency. The samples
 * live in memory only, at most an hour of them; a restart starts the history again.
 */
final class MetricsHistory {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final Duration WINDOW = Duration.ofHours(1);
    static final String RELAYED = "crossbar.relayer.messages";
    static final String LATENCY = "crossbar.relay.latency";

    /** One interval: when it ended, what was relayed in it, the mean latency of those confirmed, each chain's lag. */
    record Sample(Instant at, Long relayed, Double latencyMs, Map<String, Long> lag) {}

    private final Vertx vertx;
    private final MeterRegistry meters;
    private final Supplier<Future<List<Map<String, Object>>>> chains;
    private final int capacity;
    /** Guarded by {@code this}: samples, oldest first, and the totals the last one was taken at. */
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();
    private double lastRelayed = -1;
    private long lastLatencyCount;
    private double lastLatencyMs;
    private long timer = -1;

    MetricsHistory(Vertx vertx, MeterRegistry meters, Supplier<Future<List<Map<String, Object>>>> chains) {
        this.vertx = vertx;
        this.meters = meters;
        this.chains = chains;
        this.capacity = (int) (WINDOW.toMillis() / INTERVAL.toMillis());
    }

    /** Takes a sample now and every {@link #INTERVAL} after. */
    synchronized void start() {
        if (timer < 0) {
            timer = vertx.setPeriodic(1, INTERVAL.toMillis(), id -> sample());
        }
    }

    synchronized void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /**
     * Takes one sample: the meters' totals since the previous sample (the first sample has none: null), the chains'
     * lag as they are now (null for a chain whose head or cursor is unknown).
     */
    Future<Sample> sample() {
        return chains.get().map(rows -> {
            Map<String, Long> lag = new LinkedHashMap<>();
            for (Map<String, Object> row : rows) {
                lag.put(String.valueOf(row.get("name")), row.get("lag") instanceof Number n ? n.longValue() : null);
            }
            return record(lag);
        });
    }

    private synchronized Sample record(Map<String, Long> lag) {
        double relayed = 0;
        for (Counter c : meters.find(RELAYED).tag("result", "relayed").counters()) {
            relayed += c.count();
        }
        long count = 0;
        double totalMs = 0;
        for (Timer t : meters.find(LATENCY).timers()) {
            count += t.count();
            totalMs += t.totalTime(TimeUnit.MILLISECONDS);
        }
        Sample s;
        if (lastRelayed < 0) {
            s = new Sample(Instant.now(), null, null, lag);
        } else {
            long n = count - lastLatencyCount;
            s = new Sample(Instant.now(), Math.max(0, Math.round(relayed - lastRelayed)),
                    n > 0 ? Math.max(0, (totalMs - lastLatencyMs) / n) : null, lag);
        }
        lastRelayed = relayed;
        lastLatencyCount = count;
        lastLatencyMs = totalMs;
        samples.addLast(s);
        while (samples.size() > capacity) {
            samples.removeFirst();
        }
        return s;
    }

    /** The history as {@code /api/history} answers it. */
    synchronized Map<String, Object> view() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("intervalSeconds", INTERVAL.toSeconds());
        out.put("windowSeconds", WINDOW.toSeconds());
        out.put("samples", new ArrayList<>(samples));
        return out;
    }
}
