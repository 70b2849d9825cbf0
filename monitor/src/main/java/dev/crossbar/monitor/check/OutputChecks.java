package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.Consensus;
import dev.crossbar.monitor.chain.MissingState;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.OutputRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Rule: every output root proposed on L1 is {@code keccak256(abi.encode(0, stateRoot, messagePasserStorageRoot,
 * blockHash))} of its L2 block, as the L2 itself reports it (block header and {@code eth_getProof} of the message
 * passer). The monitor recomputes it on every L2 endpoint for each output the store holds without a verdict, and
 * records VALID or INVALID once the endpoints that have the block agree; an INVALID output is a BAD_OUTPUT.
 * Endpoints behind the block are waited for (up to the tolerance, and not past the output's act-by time); endpoints
 * that disagree with each other leave the output unchecked (ENDPOINTS_DISAGREE after the tolerance), and the window
 * deadline alerts take over.
 *
 * <p>What it knows since it started also feeds those deadline alerts ({@link OutputWindows}):
 * <ul>
 *   <li>an output it has not tried yet is not judged: after a start it checks before it judges a deadline;</li>
 *   <li>an output whose block's state no endpoint has any more (pruned, or a node restarted without its history; see
 *       {@link MissingState}) cannot be verified: that is a warning of its own (CHECK_INCONCLUSIVE, "state
 *       unavailable", with each endpoint's answer), not a missed deadline. It is tried again every round (an endpoint
 *       with the state may come back) and the warning is resolved once the output has a verdict or is deleted;</li>
 *   <li>a VALID output checked only after its act-by time ({@code proposedAt + window * (1 - margin)}), inside its
 *       window, is a warning that the monitor was late (MONITOR_LAGGING), never a critical finding: nothing is wrong
 *       on the chain.</li>
 * </ul>
 */
public final class OutputChecks {
    private static final Logger log = LoggerFactory.getLogger(OutputChecks.class);
    private static final int SCAN = 256;
    /** The dedupe key prefix of "cannot verify: state unavailable" findings (kind CHECK_INCONCLUSIVE). */
    private static final String STATE_UNAVAILABLE = "STATE_UNAVAILABLE:";

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Windows windows;
    private final FindingSink findings;
    private final Duration tolerance;
    private final double margin;
    private final Clock clock;
    /** Outputs without a verdict this monitor has tried since it started, and when it first did. */
    private final Map<String, Instant> firstTried = new ConcurrentHashMap<>();
    /** Outputs whose last try found no endpoint with their block's state: each endpoint's answer. */
    private final Map<String, Map<String, String>> unavailable = new ConcurrentHashMap<>();

    public OutputChecks(MonitoredChains chains, MessageStore store, Windows windows, FindingSink findings,
            Duration tolerance, double challengeMargin, Clock clock) {
        this.chains = chains;
        this.store = store;
        this.windows = windows;
        this.findings = findings;
        this.tolerance = tolerance;
        this.margin = challengeMargin;
        this.clock = clock;
    }

    /**
     * Whether this monitor has tried to check {@code o} since it started. The deadline of an output it has not tried
     * yet is not judged: right after a start, "unchecked" only means "not asked yet".
     */
    public boolean tried(OutputRecord o) {
        return firstTried.containsKey(key(o));
    }

    /**
     * Each endpoint's answer when the last try of {@code o} found that none has the state of its block any more
     * (then {@code o} cannot be verified, rather than being late); empty otherwise.
     */
    public Optional<Map<String, String>> stateUnavailable(OutputRecord o) {
        return Optional.ofNullable(unavailable.get(key(o)));
    }

    /** Checks every proposed, unchecked output of {@code l2}, oldest first; returns how many got a verdict. */
    public int verify(long l2) {
        List<OutputRecord> unchecked = store.outputs(l2, SCAN).stream()
                .filter(o -> o.status() == OutputRecord.Status.PROPOSED && o.verdict() == null)
                .sorted(Comparator.comparing(OutputRecord::outputIndex)).toList();
        Set<String> current = new HashSet<>();
        unchecked.forEach(o -> current.add(key(o)));
        firstTried.keySet().removeIf(k -> k.startsWith(l2 + ":") && !current.contains(k));
        unavailable.keySet().removeIf(k -> k.startsWith(l2 + ":") && !current.contains(k));
        L1Time l1 = unchecked.isEmpty() ? null : l1Time(l2);
        int done = 0;
        for (OutputRecord o : unchecked) {
            // One output that cannot be asked about must not keep the ones after it from being tried (their deadlines
            // are judged only once they have been).
            try {
                if (verify(o, l1)) {
                    done++;
                }
            } catch (RuntimeException e) {
                log.warn("output check failed chain={} outputIndex={} error=\"{}\"", chains.name(l2), o.outputIndex(),
                        e.toString());
            }
        }
        // "State unavailable" is over once its output has a verdict (an endpoint with the state came back) or is no
        // longer outstanding (deleted); an output still unchecked keeps its warning even when a later try fails for
        // another reason (no alert flapping). The other CHECK_INCONCLUSIVE findings (event checks) are not ours.
        findings.clearIf(FindingKind.CHECK_INCONCLUSIVE, l2, k -> k.startsWith(STATE_UNAVAILABLE + l2 + ":")
                && !current.contains(k.substring(STATE_UNAVAILABLE.length())), "its output has been checked, or is no"
                + " longer outstanding");
        return done;
    }

    /** The challenge window of an L2 and the L1 time now, as one pass reads them (null when L1 cannot be read). */
    private record L1Time(long period, long now) {}

    private L1Time l1Time(long l2) {
        try {
            return new L1Time(windows.period(l2), windows.l1Now(l2));
        } catch (RuntimeException e) {
            log.warn("L1 time not read chain={} error=\"{}\"", chains.name(l2), e.toString());
            return null;
        }
    }

    private boolean verify(OutputRecord o, L1Time l1) {
        String key = key(o);
        Instant first = firstTried.computeIfAbsent(key, k -> clock.instant());
        // Past its act-by time an output is not held back for endpoints behind its block: what the ones that have it
        // agree on is a verdict now rather than an alarm for an output left unchecked.
        boolean pastActBy = l1 != null && l1.now() >= OutputWindows.actBy(o, l1.period(), margin);
        boolean waited = pastActBy || Duration.between(first, clock.instant()).compareTo(tolerance) >= 0;
        long block = o.l2BlockNumber().longValueExact();
        String passer = chains.chain(o.l2ChainId()).l2Contracts().messagePasser();
        Map<String, String> missing = new ConcurrentHashMap<>();
        Consensus<String> computed = chains.witnesses(o.l2ChainId()).at(block, !waited,
                e -> rootOrMissing(e, passer, block, missing));
        if (!(computed instanceof Consensus.Agreed<String>)) {
            List<String> all = chains.witnesses(o.l2ChainId()).endpoints().stream().map(EthApi::name).toList();
            if (missing.keySet().containsAll(all)) {
                Map<String, String> answers = new LinkedHashMap<>();
                all.forEach(label -> answers.put(label, missing.get(label)));
                if (unavailable.put(key, answers) == null) { // once, not every round it is tried again
                    log.warn("output cannot be verified chain={} outputIndex={} l2Block={} reason=\"state"
                            + " unavailable\" endpoints={}", chains.name(o.l2ChainId()), o.outputIndex(), block, answers);
                }
                findings.report(stateUnavailable(o, answers));
                return false;
            }
        }
        unavailable.remove(key);
        switch (computed) {
            case Consensus.Pending<String> p -> {
                log.debug("output not checked yet chain={} outputIndex={} reason=\"{}\"", chains.name(o.l2ChainId()),
                        o.outputIndex(), p.reason());
                return false;
            }
            case Consensus.Disagreed<String> d -> {
                if (waited) {
                    findings.report(new Observation(FindingKind.ENDPOINTS_DISAGREE, o.l2ChainId(),
                            "ENDPOINTS_DISAGREE:" + key, "the endpoints of " + chains.name(o.l2ChainId())
                                    + " compute different output roots for L2 block " + block,
                            evidence("chain", chains.name(o.l2ChainId()), "l2Block", block, "outputIndex",
                                    o.outputIndex(), "posted", o.outputRoot(), "computed", d.answers())));
                }
                return false;
            }
            case Consensus.Agreed<String> a -> {
                boolean valid = a.value().equalsIgnoreCase(o.outputRoot());
                store.setOutputVerdict(o.l2ChainId(), o.outputIndex(), o.outputRoot(), valid ? "VALID" : "INVALID");
                firstTried.remove(key);
                log.info("output checked chain={} outputIndex={} l2Block={} verdict={} endpoints={}",
                        chains.name(o.l2ChainId()), o.outputIndex(), block, valid ? "VALID" : "INVALID", a.endpoints());
                if (!valid) {
                    findings.report(badOutput(o, a));
                } else if (pastActBy && l1.now() < o.l1Timestamp() + l1.period()) {
                    findings.report(late(o, a, l1));
                }
                return true;
            }
        }
    }

    /**
     * The output root of {@code block} on endpoint {@code e}, as {@link #root} computes it; an endpoint that has no
     * longer got the block or its state (it has reached the block: {@link dev.crossbar.monitor.chain.Witnesses} asks
     * only those) is noted in {@code missing} with its answer.
     */
    private static String rootOrMissing(EthApi e, String passer, long block, Map<String, String> missing) {
        try {
            String r = root(e, passer, block);
            if (r == null) {
                missing.put(e.name(), "no block " + block + " though its head is past it");
            }
            return r;
        } catch (RuntimeException ex) {
            MissingState.of(ex).ifPresent(m -> missing.put(e.name(), m));
            throw ex;
        }
    }

    /**
     * A VALID output checked after its act-by time, its window still open: nothing wrong on the chain, but the monitor
     * was late. (Once the window has closed the output is final: like {@link OutputWindows}, nothing to say.)
     */
    private Observation late(OutputRecord o, Consensus.Agreed<String> computed, L1Time l1) {
        long period = l1.period();
        long actBy = OutputWindows.actBy(o, period, margin);
        long now = l1.now();
        return new Observation(FindingKind.MONITOR_LAGGING, o.l2ChainId(), "MONITOR_LAGGING:"
                + o.l2ChainId() + ":output:" + o.outputIndex() + ":" + o.outputRoot(), "output " + o.outputIndex()
                + " of " + chains.name(o.l2ChainId()) + " is valid but was checked only after its act-by time: the"
                + " monitor was late", evidence("chain", chains.name(o.l2ChainId()), "outputIndex", o.outputIndex(),
                        "outputRoot", o.outputRoot(), "l2Block", o.l2BlockNumber(), "verdict", "VALID",
                        "endpoints", computed.endpoints(), "proposedAt", Windows.iso(o.l1Timestamp()),
                        "actBy", Windows.iso(actBy), "deadline", Windows.iso(o.l1Timestamp() + period),
                        "expected", "checked before " + Windows.iso(actBy), "seen", "checked at " + Windows.iso(now)));
    }

    private Observation stateUnavailable(OutputRecord o, Map<String, String> answers) {
        long period = windows.period(o.l2ChainId());
        return new Observation(FindingKind.CHECK_INCONCLUSIVE, o.l2ChainId(), STATE_UNAVAILABLE + key(o),
                "cannot verify output " + o.outputIndex() + " of " + chains.name(o.l2ChainId()) + ": state unavailable"
                        + " (no endpoint has the state of L2 block " + o.l2BlockNumber() + " any more)",
                evidence("chain", chains.name(o.l2ChainId()), "outputIndex", o.outputIndex(), "outputRoot",
                        o.outputRoot(), "l2Block", o.l2BlockNumber(), "l1Block", o.l1BlockNumber(),
                        "verdict", "cannot verify", "reason", "state unavailable", "endpoints", answers,
                        "proposedAt", Windows.iso(o.l1Timestamp()),
                        "actBy", Windows.iso(OutputWindows.actBy(o, period, margin)),
                        "deadline", Windows.iso(o.l1Timestamp() + period) + " (end of its challenge window)",
                        "expected", "the state of L2 block " + o.l2BlockNumber() + " from at least one endpoint (an"
                                + " archive node in monitor.extraRpc), or the output checked by hand",
                        "seen", "every endpoint answers that it no longer has it"));
    }

    private static String key(OutputRecord o) {
        return o.l2ChainId() + ":" + o.outputIndex() + ":" + o.outputRoot();
    }

    /** The output root of {@code block} as endpoint {@code e} has it; null when it does not have the block. */
    public static String root(EthApi e, String passer, long block) {
        Optional<EthApi.Header> h = e.findHeader(block);
        if (h.isEmpty()) {
            return null;
        }
        String storageRoot = e.storageRoot(passer, block);
        return Numeric.toHexString(Hashes.outputRoot(Numeric.hexStringToByteArray(h.get().stateRoot()),
                Numeric.hexStringToByteArray(storageRoot), Numeric.hexStringToByteArray(h.get().hash())));
    }

    private Observation badOutput(OutputRecord o, Consensus.Agreed<String> computed) {
        long period = windows.period(o.l2ChainId());
        return new Observation(FindingKind.BAD_OUTPUT, o.l2ChainId(), "BAD_OUTPUT:" + o.l2ChainId() + ":"
                + o.outputIndex() + ":" + o.outputRoot(), "output " + o.outputIndex() + " of "
                + chains.name(o.l2ChainId()) + " (L2 block " + o.l2BlockNumber() + ") does not match the L2",
                evidence("chain", chains.name(o.l2ChainId()), "outputIndex", o.outputIndex(),
                        "l2Block", o.l2BlockNumber(), "l1Block", o.l1BlockNumber(), "l1Tx", o.l1TxHash(),
                        "expected", computed.value(), "seen", o.outputRoot(), "endpoints", computed.endpoints(),
                        "proposedAt", Windows.iso(o.l1Timestamp()),
                        "deadline", Windows.iso(o.l1Timestamp() + period) + " (end of its challenge window)"));
    }
}
