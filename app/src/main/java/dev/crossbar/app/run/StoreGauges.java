package dev.crossbar.app.run;

import dev.crossbar.core.lifecycle.Service;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges read from the store every {@code interval}: messages per lifecycle state ({@code crossbar_messages}, every
 * state, 0 included) and open findings per kind and severity ({@code crossbar_findings_open}). They show the
 * store's state, the same from every replica.
 */
final class StoreGauges implements Service {
    private static final Logger log = LoggerFactory.getLogger(StoreGauges.class);

    private final Vertx vertx;
    private final MessageStore store;
    private final Duration interval;
    private final MultiGauge messages;
    private final MultiGauge findings;
    private long timer = -1;

    StoreGauges(Vertx vertx, MessageStore store, MeterRegistry meters, Duration interval) {
        this.vertx = vertx;
        this.store = store;
        this.interval = interval;
        this.messages = MultiGauge.builder("crossbar.messages").description("messages in each lifecycle state")
                .register(meters);
        this.findings = MultiGauge.builder("crossbar.findings.open").description("open findings by kind and severity")
                .register(meters);
    }

    @Override
    public String name() {
        return "store-gauges";
    }

    @Override
    public Future<Void> start() {
        // A store that does not answer yet is readiness's business, not a reason to stop the start.
        return refresh().otherwiseEmpty().onComplete(v -> timer = vertx.setPeriodic(interval.toMillis(),
                id -> refresh())).mapEmpty();
    }

    @Override
    public Future<Void> stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        return Future.succeededFuture();
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
        }, false).onFailure(e -> log.warn("store gauges not refreshed: error=\"{}\"", e.toString()));
    }
}
