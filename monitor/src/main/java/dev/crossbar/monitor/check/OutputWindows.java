package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.OutputRecord;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of the outputs that still need the monitor: proposed outputs inside their challenge window that are
 * unchecked or INVALID. Rules (L1 time; the window and the proposal time come from the chain and the store, so they
 * survive a restart):
 * <ul>
 *   <li>an output still unchecked at {@code proposedAt + window * (1 - challengeMargin)} (its act-by time) is
 *       WINDOW_CLOSING_UNCHECKED, once this monitor has tried to check it: after a start, outputs are checked before
 *       any deadline is judged ({@link OutputChecks} runs first in a round), so an output that was valid all along
 *       is at most a warning that the monitor was late, never this alarm;</li>
 *   <li>an unchecked output that no endpoint has the state for any more is not late but unverifiable: it is a warning
 *       of its own ({@link OutputChecks}: CHECK_INCONCLUSIVE, "state unavailable"), not WINDOW_CLOSING_UNCHECKED;</li>
 *   <li>an INVALID output not deleted by then is WINDOW_CLOSING_UNCHALLENGED;</li>
 *   <li>an INVALID output whose window has closed undeleted is CHALLENGE_FAILED.</li>
 * </ul>
 * It also reports the seconds left of the nearest such window ({@code crossbar_monitor_challenge_window_seconds_left}).
 */
public final class OutputWindows {
    private static final Logger log = LoggerFactory.getLogger(OutputWindows.class);
    private static final int SCAN = 256;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Windows windows;
    private final OutputChecks checks;
    private final FindingSink findings;
    private final double margin;

    public OutputWindows(MonitoredChains chains, MessageStore store, Windows windows, OutputChecks checks,
            FindingSink findings, double challengeMargin) {
        this.chains = chains;
        this.store = store;
        this.windows = windows;
        this.checks = checks;
        this.findings = findings;
        this.margin = challengeMargin;
    }

    /** The act-by time of {@code o} (L1 seconds): a bad output must be deleted by then. */
    static long actBy(OutputRecord o, long period, double margin) {
        return o.l1Timestamp() + (long) Math.floor(period * (1 - margin));
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
            long actBy = actBy(o, period, margin);
            if (now >= closes) {
                if ("INVALID".equals(o.verdict())) {
                    findings.report(observe(FindingKind.CHALLENGE_FAILED, o, closes, actBy, now,
                            "bad output " + o.outputIndex() + " of " + chains.name(l2) + " outlived its challenge window"));
                }
                continue;
            }
            nearest = Double.isNaN(nearest) ? closes - now : Math.min(nearest, closes - now);
            if (now >= actBy && o.verdict() == null && !checks.tried(o)) {
                // Not asked yet since the start (or proposed since this round's checks): not late, not judged yet.
                log.debug("deadline not judged yet chain={} outputIndex={} reason=\"not tried since the start\"",
                        chains.name(l2), o.outputIndex());
                continue;
            }
            if (now >= actBy && o.verdict() == null && checks.stateUnavailable(o).isPresent()) {
                continue; // cannot verify: OutputChecks reports it as such
            }
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
