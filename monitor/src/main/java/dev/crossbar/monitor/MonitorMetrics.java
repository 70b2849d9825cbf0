package dev.crossbar.monitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monitor's meters. Tags are bounded: {@code kind} and {@code severity} (finding kinds), {@code chain} (a
 * configured chain's name), {@code check}, {@code purpose} (the monitor's values of TxPurpose), {@code component} (a
 * webhook format), {@code result}, and for dispute games {@code status} (a game's), {@code agreement} (agree,
 * disagree, unknown), {@code honesty} (honest, dishonest, unknown) and {@code state} (at_stake, claimable); never a
 * hash or an id.
 * <ul>
 *   <li>{@code crossbar_monitor_findings_total{kind,severity}}: findings opened;</li>
 *   <li>{@code crossbar_monitor_findings_open{severity}}: findings open now;</li>
 *   <li>{@code crossbar_monitor_lag_blocks{chain}}: blocks of the chain the monitor has not processed yet;</li>
 *   <li>{@code crossbar_monitor_challenge_window_seconds_left{chain}}: L1 seconds left of the nearest open challenge
 *       window of an output that is unchecked or bad and undeleted (NaN when there is none);</li>
 *   <li>{@code crossbar_monitor_games{chain,status,agreement}}, {@code crossbar_monitor_game_claims{chain,honesty}},
 *       {@code crossbar_monitor_game_clock_left_seconds{chain}} (NaN when no game is at risk) and
 *       {@code crossbar_monitor_game_bonds_wei{chain,state}}: the dispute games of an L2 that settles through them
 *       (see {@code check.GameGauges});</li>
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

    /** Where its meters go (the supervised loops' meters go there too). */
    public MeterRegistry registry() {
        return registry;
    }

    public MonitorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.cells = CELLS.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
        for (FindingKind.Severity s : FindingKind.Severity.values()) {
            cell("crossbar.monitor.findings.open", "findings open now", 0, "severity", s.label());
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
        cell("crossbar.monitor.findings.open", "findings open now", 0, "severity", severity.label()).value = count;
    }

    public void lag(String chain, long blocks) {
        cell("crossbar.monitor.lag.blocks", "blocks of the chain the monitor has not processed yet", 0, "chain",
                chain).value = blocks;
    }

    public void windowLeft(String chain, double seconds) {
        cell("crossbar.monitor.challenge.window.seconds.left", "L1 seconds left of the nearest open challenge window"
                + " of an unchecked or bad output (NaN: none)", Double.NaN, "chain", chain).value = seconds;
    }

    /** The number of {@code chain}'s dispute games (of those the store holds) with this status and agreement. */
    public void games(String chain, String status, String agreement, long count) {
        cell("crossbar.monitor.games", "dispute games by status and agreement with the monitor's verdict", 0,
                "chain", chain, "status", status, "agreement", agreement).value = count;
    }

    /** The number of claims in {@code chain}'s dispute games in progress of this honesty. */
    public void gameClaims(String chain, String honesty, long count) {
        cell("crossbar.monitor.game.claims", "claims in dispute games in progress by honesty", 0, "chain", chain,
                "honesty", honesty).value = count;
    }

    /** The least time left (seconds) before a clock decides a game with a false root against us; NaN: none. */
    public void gameClockLeft(String chain, double seconds) {
        cell("crossbar.monitor.game.clock.left.seconds", "L1 seconds left before a dispute game with a false root"
                + " is lost on time (NaN: none at risk)", Double.NaN, "chain", chain).value = seconds;
    }

    /** The challenger key's bonds in {@code chain}'s dispute games, in wei: {@code at_stake} or {@code claimable}. */
    public void gameBonds(String chain, String state, double wei) {
        cell("crossbar.monitor.game.bonds.wei", "the challenger key's bonds in dispute games (wei): at stake in games"
                + " in progress, claimable from resolved ones", 0, "chain", chain, "state", state).value = wei;
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
        cell("crossbar.monitor.checks.pending", "event checks waiting to conclude", 0).value = n;
    }

    /** The gauge {@code name} with the tags {@code tags} (key, value, key, value, ...), registered on first use. */
    private Cell cell(String name, String description, double initial, String... tags) {
        return cells.computeIfAbsent(name + "|" + String.join("|", tags), k -> {
            Cell c = new Cell(initial);
            Gauge.builder(name, c, x -> x.value).description(description).tags(tags).register(registry);
            return c;
        });
    }
}
