package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.ChainClient;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.Consensus;
import dev.crossbar.monitor.chain.Endpoint;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.OutputRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Rule: every output root proposed on L1 is {@code keccak256(abi.encode(0, stateRoot, messagePasserStorageRoot,
 * blockHash))} of its L2 block, as the L2 itself reports it (block header and {@code eth_getProof} of the message
 * passer). The monitor recomputes it on every L2 endpoint for each output the store holds without a verdict, and
 * records VALID or INVALID once the endpoints that have the block agree; an INVALID output is a BAD_OUTPUT.
 * Endpoints behind the block are waited for (up to the tolerance); endpoints that disagree with each other leave the
 * output unchecked (ENDPOINTS_DISAGREE after the tolerance), and the window deadline alerts take over.
 */
public final class OutputChecks {
    private static final Logger log = LoggerFactory.getLogger(OutputChecks.class);
    private static final int SCAN = 256;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Windows windows;
    private final FindingSink findings;
    private final Duration tolerance;
    private final Clock clock;
    private final Map<String, Instant> firstTried = new ConcurrentHashMap<>();

    public OutputChecks(MonitoredChains chains, MessageStore store, Windows windows, FindingSink findings,
            Duration tolerance, Clock clock) {
        this.chains = chains;
        this.store = store;
        this.windows = windows;
        this.findings = findings;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** Checks every proposed, unchecked output of {@code l2}, oldest first; returns how many got a verdict. */
    public int verify(long l2) {
        List<OutputRecord> unchecked = store.outputs(l2, SCAN).stream()
                .filter(o -> o.status() == OutputRecord.Status.PROPOSED && o.verdict() == null)
                .sorted(Comparator.comparing(OutputRecord::outputIndex)).toList();
        java.util.Set<String> current = new java.util.HashSet<>();
        unchecked.forEach(o -> current.add(key(o)));
        firstTried.keySet().removeIf(k -> k.startsWith(l2 + ":") && !current.contains(k));
        int done = 0;
        for (OutputRecord o : unchecked) {
            if (verify(o)) {
                done++;
            }
        }
        return done;
    }

    private boolean verify(OutputRecord o) {
        String key = key(o);
        Instant first = firstTried.computeIfAbsent(key, k -> clock.instant());
        boolean waited = Duration.between(first, clock.instant()).compareTo(tolerance) >= 0;
        long block = o.l2BlockNumber().longValueExact();
        String passer = chains.chain(o.l2ChainId()).l2Contracts().messagePasser();
        Consensus<String> computed = chains.witnesses(o.l2ChainId()).at(block, !waited, e -> root(e, passer, block));
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
                }
                return true;
            }
        }
    }

    private static String key(OutputRecord o) {
        return o.l2ChainId() + ":" + o.outputIndex() + ":" + o.outputRoot();
    }

    /** The output root of {@code block} as endpoint {@code e} has it; null when it does not have the block. */
    static String root(Endpoint e, String passer, long block) {
        Optional<ChainClient.Header> h = e.header(block);
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
