package dev.crossbar.monitor;

import static dev.crossbar.monitor.Observation.evidence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The monitor watching itself. Rule: the monitor's position on a chain is the block up to which it has the chain's
 * events (the store's cursor of the chain once the event feed has read everything published; the newest block whose
 * events it took while it has not); its lag is the chain's head minus that position
 * ({@code crossbar_monitor_lag_blocks}). A lag above {@code maxLagBlocks} for longer than {@code lagGrace} is
 * MONITOR_LAGGING, resolved once it catches up.
 */
final class SelfLag {
    private final FindingSink findings;
    private final MonitorMetrics metrics;
    private final long maxLag;
    private final Duration grace;
    private final Clock clock;
    private final Map<Long, Instant> behindSince = new ConcurrentHashMap<>();

    SelfLag(FindingSink findings, MonitorMetrics metrics, long maxLag, Duration grace, Clock clock) {
        this.findings = findings;
        this.metrics = metrics;
        this.maxLag = maxLag;
        this.grace = grace;
        this.clock = clock;
    }

    void check(long chainId, String chain, long head, long position) {
        long lag = Math.max(0, head - position);
        metrics.lag(chain, lag);
        if (lag <= maxLag) {
            if (behindSince.remove(chainId) != null) {
                findings.clear(FindingKind.MONITOR_LAGGING, chainId, null, "caught up with " + chain + " (lag " + lag
                        + " blocks)");
            }
            return;
        }
        Instant since = behindSince.computeIfAbsent(chainId, id -> clock.instant());
        Duration behind = Duration.between(since, clock.instant());
        if (behind.compareTo(grace) >= 0) {
            findings.report(new Observation(FindingKind.MONITOR_LAGGING, chainId, "MONITOR_LAGGING:" + chainId,
                    "the monitor is " + lag + " blocks behind " + chain, evidence("chain", chain, "head", head,
                            "position", position, "lagBlocks", lag, "behindSince", since,
                            "expected", "at most " + maxLag + " blocks behind", "seen", lag + " blocks behind")));
        }
    }
}
