package dev.crossbar.monitor.act;

import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.alert.Alert;
import dev.crossbar.monitor.alert.AlertDispatcher;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.Finding;
import dev.crossbar.store.MessageStore;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns observations into findings. Rules:
 * <ul>
 *   <li>one finding per dedupe key while it is open: the store keeps at most one OPEN finding per key, and an
 *       observation whose key is already open is not recorded again (so a condition seen every round is one
 *       finding, one alert);</li>
 *   <li>a new finding is a metric ({@code crossbar_monitor_findings_total}), a store record and an alert with its
 *       evidence to every webhook; a misbehaviour finding is also handed to the {@link Responder};</li>
 *   <li>a condition that is over (a chain producing blocks again) resolves its finding and sends the alert as
 *       resolved.</li>
 * </ul>
 * Thread-safe.
 */
public final class FindingReporter implements FindingSink {
    private static final Logger log = LoggerFactory.getLogger(FindingReporter.class);
    private static final int LOAD = 1000;

    private final MessageStore store;
    private final MonitoredChains chains;
    private final MonitorMetrics metrics;
    private final AlertDispatcher alerts;
    private final Responder responder;
    private final Clock clock;
    private final Map<String, Finding> open = new ConcurrentHashMap<>();

    public FindingReporter(MessageStore store, MonitoredChains chains, MonitorMetrics metrics, AlertDispatcher alerts,
            Responder responder, Clock clock) {
        this.store = store;
        this.chains = chains;
        this.metrics = metrics;
        this.alerts = alerts;
        this.responder = responder;
        this.clock = clock;
    }

    /**
     * Reads the open findings from the store (after a restart, or another replica's); with {@code respond}, the
     * misbehaviour ones get their response again (idempotent: a tripped breaker or a paused Portal stays so).
     */
    public synchronized void sync(boolean respond) {
        List<Finding> stored = store.findings("OPEN", LOAD);
        Map<String, Finding> now = new ConcurrentHashMap<>();
        stored.forEach(f -> now.put(f.dedupeKey(), f));
        open.keySet().retainAll(now.keySet());
        open.putAll(now);
        if (respond) {
            for (Finding f : stored) {
                kind(f).filter(FindingKind::misbehaviour).ifPresent(k -> responder.respond(new Observation(k,
                        f.chainId(), f.dedupeKey(), f.summary(), f.evidence())));
            }
        }
        gauges();
    }

    @Override
    public synchronized void report(Observation observed) {
        if (open.containsKey(observed.dedupeKey())) {
            return;
        }
        Observation o = observed.kind().misbehaviour() ? responder.withGuardianAction(observed) : observed;
        MessageStore.FindingResult r = store.recordFinding(new Finding(0, o.kind().name(), o.kind().severity().label(),
                o.chainId(), o.dedupeKey(), o.summary(), o.evidence(), null, 0, null, null));
        open.put(o.dedupeKey(), r.finding());
        if (r.created()) {
            metrics.found(o.kind());
            alerts.send(alert(r.finding(), o.kind()));
            log.warn("finding kind={} severity={} chain={} dedupeKey={} findingId={} summary=\"{}\" evidence={}",
                    o.kind(), o.kind().severity().label(), chains.name(o.chainId()), o.dedupeKey(), r.finding().id(),
                    o.summary(), o.evidence());
        }
        if (o.kind().misbehaviour()) {
            responder.respond(o);
        }
        gauges();
    }

    @Override
    public boolean isOpen(String dedupeKey) {
        return open.containsKey(dedupeKey);
    }

    @Override
    public void clear(FindingKind kind, long chainId, String keepKey, String reason) {
        clearIf(kind, chainId, key -> !key.equals(keepKey), reason);
    }

    @Override
    public synchronized void clearIf(FindingKind kind, long chainId, java.util.function.Predicate<String> which,
            String reason) {
        for (Finding f : List.copyOf(open.values())) {
            if (f.kind().equals(kind.name()) && f.chainId() == chainId && which.test(f.dedupeKey())) {
                store.resolveFinding(f.id(), reason);
                open.remove(f.dedupeKey());
                alerts.send(alert(f, kind).resolvedAt(clock.instant(), reason));
                log.info("finding resolved kind={} chain={} findingId={} reason=\"{}\"", kind, chains.name(chainId),
                        f.id(), reason);
            }
        }
        gauges();
    }

    /** Sends every open finding's alert again to the sinks of {@code format} (Alertmanager expires silent alerts). */
    public void resend(String format) {
        for (Finding f : List.copyOf(open.values())) {
            kind(f).ifPresent(k -> alerts.sendTo(format, alert(f, k)));
        }
    }

    /** The open findings (as this monitor knows them). */
    public List<Finding> openFindings() {
        return List.copyOf(open.values());
    }

    private Alert alert(Finding f, FindingKind kind) {
        return new Alert(f.id(), kind, chains.name(f.chainId()), f.chainId(), f.summary(), f.evidence(),
                f.firstSeen() == null ? clock.instant() : f.firstSeen(), null, f.dedupeKey());
    }

    private void gauges() {
        Map<FindingKind.Severity, Long> counts = new EnumMap<>(FindingKind.Severity.class);
        for (FindingKind.Severity s : FindingKind.Severity.values()) {
            counts.put(s, 0L);
        }
        for (Finding f : open.values()) {
            kind(f).ifPresent(k -> counts.merge(k.severity(), 1L, Long::sum));
        }
        counts.forEach(metrics::open);
    }

    private static java.util.Optional<FindingKind> kind(Finding f) {
        try {
            return java.util.Optional.of(FindingKind.valueOf(f.kind()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
