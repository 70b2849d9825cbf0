package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.OutputRecord;
import java.util.List;

/**
 * The deadlines of the outputs that still need the monitor: proposed outputs inside their challenge window that are
 * unchecked or INVALID. Rules (L1 time; the window and the proposal time come from the chain and the store, so they
 * survive a restart):
 * <ul>
 *   <li>an output still unchecked at {@code proposedAt + window * (1 - challengeMargin)} is
 *       WINDOW_CLOSING_UNCHECKED;</li>
 *   <li>an INVALID output not deleted by then is WINDOW_CLOSING_UNCHALLENGED;</li>
 *   <li>an INVALID output whose window has closed undeleted is CHALLENGE_FAILED.</li>
 * </ul>
 * It also reports the seconds left of the nearest such window ({@code crossbar_monitor_challenge_window_seconds_left}).
 */
public final class OutputWindows {
    private static final int SCAN = 256;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Windows windows;
    private final FindingSink findings;
    private final double margin;

    public OutputWindows(MonitoredChains chains, MessageStore store, Windows windows, FindingSink findings,
            double challengeMargin) {
        this.chains = chains;
        this.store = store;
        this.windows = windows;
        this.findings = findings;
        this.margin = challengeMargin;
    }

    /** @return seconds left of the nearest open window needing the monitor on {@code l2}, or NaN when none */
    public double check(long l2) {
        List<OutputRecord> open = store.outputs(l2, SCAN).stream()
                .filter(o -> o.status() == OutputRecord.Status.PROPOSED && !"VALID".equals(o.verdict())).toList();
        if (open.isEmpty()) {
            return Double.NaN;
        }
        long period = windows.period(l2);
        long now = windows.l1Now(l2);
        double nearest = Double.NaN;
        for (OutputRecord o : open) {
            long closes = o.l1Timestamp() + period;
            long actBy = o.l1Timestamp() + (long) Math.floor(period * (1 - margin));
            if (now >= closes) {
                if ("INVALID".equals(o.verdict())) {
                    findings.report(observe(FindingKind.CHALLENGE_FAILED, o, closes, actBy, now,
                            "bad output " + o.outputIndex() + " of " + chains.name(l2) + " outlived its challenge window"));
                }
                continue;
            }
            nearest = Double.isNaN(nearest) ? closes - now : Math.min(nearest, closes - now);
            if (now >= actBy) {
                FindingKind kind = o.verdict() == null ? FindingKind.WINDOW_CLOSING_UNCHECKED
                        : FindingKind.WINDOW_CLOSING_UNCHALLENGED;
                findings.report(observe(kind, o, closes, actBy, now, "output " + o.outputIndex() + " of "
                        + chains.name(l2) + (o.verdict() == null ? " is still unchecked" : " is bad and not deleted")
                        + " with " + (closes - now) + "s of its challenge window left"));
            }
        }
        return nearest;
    }

    private Observation observe(FindingKind kind, OutputRecord o, long closes, long actBy, long now, String summary) {
        return new Observation(kind, o.l2ChainId(), kind + ":" + o.l2ChainId() + ":" + o.outputIndex() + ":"
                + o.outputRoot(), summary, evidence("chain", chains.name(o.l2ChainId()), "outputIndex", o.outputIndex(),
                        "outputRoot", o.outputRoot(), "l2Block", o.l2BlockNumber(), "l1Block", o.l1BlockNumber(),
                        "verdict", o.verdict() == null ? "unchecked" : o.verdict(),
                        "proposedAt", Windows.iso(o.l1Timestamp()), "actBy", Windows.iso(actBy),
                        "deadline", Windows.iso(closes), "l1Now", Windows.iso(now),
                        "expected", "checked and, if bad, deleted before " + Windows.iso(actBy),
                        "seen", o.verdict() == null ? "unchecked" : "not deleted"));
    }
}
