package dev.crossbar.app.run;

import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.Finding;
import dev.crossbar.store.MessageStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gauges read from the store every {@code interval}: messages per lifecycle state ({@code crossbar_messages}, every
 * state, 0 included) and open findings per kind and severity ({@code crossbar_findings_open}). They show the
 * store's state, the same from every replica.
 *
 * <p>The refresh is a {@link SupervisedLoop#driven driven} supervised loop named {@code store-gauges}: one that fails
 * is counted and reports the loop down, to readiness, until one succeeds; the next waits for the loop's backoff.
 */
final class StoreGauges implements Service {
    private final Vertx vertx;
    private final MessageStore store;
    private final Duration interval;
    private final MultiGauge messages;
    private final MultiGauge findings;
    private final MeterRegistry meters;
    /** The loop of the current run (a new one at each start). */
    private volatile SupervisedLoop loop;
    private volatile boolean running;
    private volatile long timer = -1;

    StoreGauges(Vertx vertx, MessageStore store, MeterRegistry meters, Duration interval) {
        this.vertx = vertx;
        this.store = store;
        this.interval = interval;
        this.messages = MultiGauge.builder("crossbar.messages").description("messages in each lifecycle state")
                .register(meters);
        this.findings = MultiGauge.builder("crossbar.findings.open").description("open findings by kind and severity")
                .register(meters);
        this.meters = meters;
    }

    @Override
    public String name() {
        return "store-gauges";
    }

    @Override
    public Future<Void> start() {
        running = true;
        loop = SupervisedLoop.driven("store-gauges", SupervisedLoop.RESTART, meters).start();
        // A store that does not answer yet is the loop's and readiness's business, not a reason to stop the start.
        return pass();
    }

    @Override
    public Future<Void> stop() {
        running = false;
        if (loop != null) {
            loop.stop(Duration.ZERO);
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        return Future.succeededFuture();
    }

    /** Refreshes, reports how it went to the loop, and sets the timer of the next pass. */
    private Future<Void> pass() {
        return refresh().transform(ar -> {
            if (running) {
                Duration next = interval;
                if (ar.succeeded()) {
                    loop.ran();
                } else {
                    next = loop.failed(ar.cause());
                }
                timer = vertx.setTimer(Math.max(1, next.toMillis()), id -> pass());
            }
            return Future.<Void>succeededFuture();
        });
    }

    private Future<Void> refresh() {
        return vertx.<Void>executeBlocking(() -> {
            Map<MessageState, Long> counts = store.countByState();
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (MessageState s : MessageState.values()) {
                rows.add(MultiGauge.Row.of(Tags.of("state", s.name()), counts.getOrDefault(s, 0L)));
            }
            messages.register(rows, true);
            Map<List<String>, Long> open = new TreeMap<>((a, b) -> String.join("/", a).compareTo(String.join("/", b)));
            for (Finding f : store.findings("OPEN", 1000)) {
                open.merge(List.of(f.kind(), f.severity()), 1L, Long::sum);
            }
            List<MultiGauge.Row<?>> findingRows = new ArrayList<>();
            open.forEach((k, n) -> findingRows.add(MultiGauge.Row.of(Tags.of("kind", k.get(0), "severity", k.get(1)),
                    n)));
            findings.register(findingRows, true);
            return null;
        }, false);
    }
}
