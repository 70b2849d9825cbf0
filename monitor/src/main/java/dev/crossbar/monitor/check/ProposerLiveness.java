package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
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
 * Rule: while an L2 moves on (its head is past the latest proposal's block), an output is proposed at least every
 * liveness timeout (L1 time). A longer silence is PROPOSER_DOWN; it is resolved once an output is proposed again.
 * On an output-oracle chain a proposal is an output (counted from the Portal's deployment while there is none); on a
 * dispute-game chain it is a game of the portal's respected type on the factory (counted from the moment the type
 * became respected while there is none: games of other types do not withdraw anything).
 */
public final class ProposerLiveness {
    private static final int GAME_SCAN = 32;
    private final MonitoredChains chains;
    private final Windows windows;
    private final FindingSink findings;

    public ProposerLiveness(MonitoredChains chains, Windows windows, FindingSink findings) {
        this.chains = chains;
        this.windows = windows;
        this.findings = findings;
    }

    /** The newest proposal: when (L1 time), for which L2 block, and its name in the evidence. */
    private record Latest(long at, long l2Block, String name) {}

    public void check(long l2, Duration timeout) {
        Settlement s = chains.settlementOf(l2);
        EthApi l1 = chains.client(chains.l1Of(l2));
        Latest latest = s.disputeGames() ? latestGame(l1, s) : latestOutput(l1, s);
        String key = "PROPOSER_DOWN:" + l2 + ":" + latest.name();
        long now = windows.l1Now(l2);
        long head = chains.client(l2).blockNumber();
        long silent = now - latest.at();
        String what = s.disputeGames() ? "game" : "output";
        if (silent > timeout.toSeconds() && head > latest.l2Block()) {
            findings.report(new Observation(FindingKind.PROPOSER_DOWN, l2, key, "no " + what + " proposed for "
                    + chains.name(l2) + " for " + silent + "s while it moved on to block " + head,
                    evidence("chain", chains.name(l2), s.disputeGames() ? "lastGame" : "lastOutputIndex",
                            latest.name(), "lastProposalL2Block", latest.l2Block(),
                            "lastProposedAt", Windows.iso(latest.at()), "l2Head", head, "l1Now", Windows.iso(now),
                            "silentFor", silent + "s", "expected", "an " + what + " at least every "
                                    + timeout.toSeconds() + "s", "seen", "none for " + silent + "s",
                            "deadline", Windows.iso(latest.at() + timeout.toSeconds()))));
        } else {
            findings.clear(FindingKind.PROPOSER_DOWN, l2, null, what + " " + latest.name()
                    + " proposed; proposer live again");
        }
    }

    private static Latest latestOutput(EthApi l1, Settlement s) {
        BigInteger next = ContractReads.nextOutputIndex(l1, s.outputOracle());
        long lastBlock = ContractReads.latestBlockNumber(l1, s.outputOracle());
        if (next.signum() == 0) {
            return new Latest(ContractReads.deploymentTimestamp(l1, s.portal()), lastBlock, "none");
        }
        BigInteger index = next.subtract(BigInteger.ONE);
        long at = ContractReads.output(l1, s.outputOracle(), index, ProtocolViews.LATEST)
                .orElseThrow(() -> new IllegalStateException("output " + index + " vanished while read"))
                .timestamp();
        return new Latest(at, lastBlock, index.toString());
    }

    /**
     * The newest game of the respected type, looked for among the newest {@value #GAME_SCAN} games. When none of them
     * is of that type, the proposer has been silent at least since the oldest of them was created.
     */
    private static Latest latestGame(EthApi l1, Settlement s) {
        FaultProofViews.PortalRules rules = FaultProofViews.rules(l1, s.portal());
        long count = FaultProofViews.gameCount(l1, s.disputeGameFactory(), ProtocolViews.LATEST);
        long none = rules.respectedGameTypeUpdatedAt();
        long oldest = Math.max(0, count - GAME_SCAN);
        for (long i = count - 1; i >= oldest; i--) {
            FaultProofViews.Game g = FaultProofViews.game(l1, s.disputeGameFactory(), i);
            if (g.createdAt() < rules.respectedGameTypeUpdatedAt()) {
                break; // this one and older ones predate the respected type
            }
            if (g.gameType() == rules.respectedGameType()) {
                return new Latest(g.createdAt(), g.l2BlockNumber(), String.valueOf(i));
            }
            if (i == oldest && i > 0) {
                none = g.createdAt(); // older games were not read: silent at least since this one
            }
        }
        return new Latest(none, 0, "none");
    }
}
