package dev.crossbar.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monitor's meters. Tags are bounded: {@code kind} and {@code severity} (finding kinds), {@code chain} (a
 * configured chain's name), {@code check}, {@code purpose} (CHALLENGE, PAUSE, ESCAPE, RECLAIM), {@code component} (a
 * webhook format) and {@code result}; never a hash or an id.
 * <ul>
 *   <li>{@code crossbar_monitor_findings_total{kind,severity}}: findings opened;</li>
 *   <li>{@code crossbar_monitor_findings_open{severity}}: findings open now;</li>
 *   <li>{@code crossbar_monitor_lag_blocks{chain}}: blocks of the chain the monitor has not processed yet;</li>
 *   <li>{@code crossbar_monitor_challenge_window_seconds_left{chain}}: L1 seconds left of the nearest open challenge
 *       window of an output that is unchecked or bad and undeleted (NaN when there is none);</li>
 *   <li>{@code crossbar_monitor_checks_total{check,result}}, {@code crossbar_monitor_actions_total{purpose,result}},
 *       {@code crossbar_monitor_alerts_total{component,result}}, {@code crossbar_monitor_checks_pending}.</li>
 * </ul>
 */
public final class MonitorMetrics {
    /** The gauges' values per registry: a gauge is registered once, so every instance on a registry shares them. */
    private static final Map<MeterRegistry, Map<String, Cell>> CELLS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private final MeterRegistry registry;
    private final Map<String, Cell> cells;

    /** A gauge's current value. */
    private static final class Cell {
        volatile double value;

        Cell(double value) {
            this.value = value;
        }
    }

    public MonitorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.cells = CELLS.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
        for (FindingKind.Severity s : FindingKind.Severity.values()) {
            cell("crossbar.monitor.findings.open", "findings open now", "severity", s.label(), 0);
        }
        // every kind from the start, at 0, so that increase() and absent() see a series before the first finding
        for (FindingKind kind : FindingKind.values()) {
            findings(kind);
        }
    }

    public void found(FindingKind kind) {
        findings(kind).increment();
    }

    private Counter findings(FindingKind kind) {
        return Counter.builder("crossbar.monitor.findings").description("findings the monitor opened")
                .tag("kind", kind.name()).tag("severity", kind.severity().label()).register(registry);
    }

    public void open(FindingKind.Severity severity, long count) {
        cell("crossbar.monitor.findings.open", "findings open now", "severity", severity.label(), 0).value = count;
    }

    public void lag(String chain, long blocks) {
        cell("crossbar.monitor.lag.blocks", "blocks of the chain the monitor has not processed yet", "chain", chain,
                0).value = blocks;
    }

    public void windowLeft(String chain, double seconds) {
        cell("crossbar.monitor.challenge.window.seconds.left", "L1 seconds left of the nearest open challenge window"
                + " of an unchecked or bad output (NaN: none)", "chain", chain, Double.NaN).value = seconds;
    }

    public void checked(Check check, String result) {
        Counter.builder("crossbar.monitor.checks").description("check runs by result").tag("check", check.tag())
                .tag("result", result).register(registry).increment();
    }

    public void action(String purpose, String result) {
        Counter.builder("crossbar.monitor.actions").description("the monitor's transactions by result")
                .tag("purpose", purpose).tag("result", result).register(registry).increment();
    }

    public void alert(String format, String result) {
        Counter.builder("crossbar.monitor.alerts").description("alert deliveries to webhooks by result")
                .tag("component", format).tag("result", result).register(registry).increment();
    }

    public void pendingChecks(int n) {
        cell("crossbar.monitor.checks.pending", "event checks waiting to conclude", null, null, 0).value = n;
    }

    private Cell cell(String name, String description, String tagKey, String tagValue, double initial) {
        return cells.computeIfAbsent(name + "|" + tagValue, k -> {
            Cell c = new Cell(initial);
            Gauge.Builder<Cell> b = Gauge.builder(name, c, x -> x.value).description(description);
            if (tagKey != null) {
                b.tag(tagKey, tagValue);
            }
            b.register(registry);
            return c;
        });
    }
}
