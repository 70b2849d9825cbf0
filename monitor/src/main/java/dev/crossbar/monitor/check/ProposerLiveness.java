package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import java.math.BigInteger;
import java.time.Duration;

/**
 * Rule: while an L2 moves on (its head is past the latest output's block), an output is proposed at least every
 * liveness timeout (L1 time, counted from the latest output's proposal, or from the Portal's deployment while there
 * is none). A longer silence is PROPOSER_DOWN; it is resolved once an output is proposed again.
 */
public final class ProposerLiveness {
    private final MonitoredChains chains;
    private final Windows windows;
    private final FindingSink findings;

    public ProposerLiveness(MonitoredChains chains, Windows windows, FindingSink findings) {
        this.chains = chains;
        this.windows = windows;
        this.findings = findings;
    }

    public void check(long l2, Duration timeout) {
        Settlement s = chains.settlementOf(l2);
        EthApi l1 = chains.client(chains.l1Of(l2));
        BigInteger next = ContractReads.nextOutputIndex(l1, s.outputOracle());
        long lastAt;
        long lastBlock = ContractReads.latestBlockNumber(l1, s.outputOracle());
        String last;
        if (next.signum() == 0) {
            lastAt = ContractReads.deploymentTimestamp(l1, s.portal());
            last = "none";
        } else {
            BigInteger index = next.subtract(BigInteger.ONE);
            lastAt = ContractReads.output(l1, s.outputOracle(), index, ProtocolViews.LATEST)
                    .orElseThrow(() -> new IllegalStateException("output " + index + " vanished while read"))
                    .timestamp();
            last = index.toString();
        }
        String key = "PROPOSER_DOWN:" + l2 + ":" + last;
        long now = windows.l1Now(l2);
        long head = chains.client(l2).blockNumber();
        long silent = now - lastAt;
        if (silent > timeout.toSeconds() && head > lastBlock) {
            findings.report(new Observation(FindingKind.PROPOSER_DOWN, l2, key, "no output proposed for "
                    + chains.name(l2) + " for " + silent + "s while it moved on to block " + head,
                    evidence("chain", chains.name(l2), "lastOutputIndex", last, "lastOutputL2Block", lastBlock,
                            "lastProposedAt", Windows.iso(lastAt), "l2Head", head, "l1Now", Windows.iso(now),
                            "silentFor", silent + "s", "expected", "an output at least every " + timeout.toSeconds()
                                    + "s", "seen", "none for " + silent + "s",
                            "deadline", Windows.iso(lastAt + timeout.toSeconds()))));
        } else {
            findings.clear(FindingKind.PROPOSER_DOWN, l2, null, "output " + last + " proposed; proposer live again");
        }
    }
}
