package dev.crossbar.monitor.act;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.Windows;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.OutputRecord;
import java.util.Optional;

/**
 * Deletes bad outputs: every output the store holds as PROPOSED with verdict INVALID is deleted on L1 with the
 * challenger key ({@code OutputOracle.deleteL2Outputs(index)}, which also deletes the outputs after it) as soon as
 * it is found, while its window is open. Rules: the chain is asked first (an output already deleted or replaced is
 * left alone); a deletion in flight is not sent again (the store records it before broadcast, so this holds across
 * restarts); a deletion the oracle refuses is CHALLENGE_FAILED. The deadlines are watched by
 * {@link dev.crossbar.monitor.check.OutputWindows}.
 */
public final class Challenger {
    private static final int SCAN = 256;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Windows windows;
    private final Actors actors;
    private final FindingSink findings;

    public Challenger(MonitoredChains chains, MessageStore store, Windows windows, Actors actors, FindingSink findings) {
        this.chains = chains;
        this.store = store;
        this.windows = windows;
        this.actors = actors;
        this.findings = findings;
    }

    /** Challenges every bad output of {@code l2} still standing; returns how many deletions were sent. */
    public int challenge(long l2) {
        Optional<ActionSender> challenger = actors.of(Actors.Role.CHALLENGER, chains.l1Of(l2));
        if (challenger.isEmpty()) {
            return 0;
        }
        int sent = 0;
        for (OutputRecord o : store.outputs(l2, SCAN).reversed()) {
            if (o.status() == OutputRecord.Status.PROPOSED && "INVALID".equals(o.verdict())
                    && challenge(o, challenger.get())) {
                sent++;
            }
        }
        return sent;
    }

    private boolean challenge(OutputRecord o, ActionSender challenger) {
        long l2 = o.l2ChainId();
        Settlement s = chains.settlementOf(l2);
        String actionId = "challenge:" + l2 + ":" + o.outputIndex() + ":" + o.outputRoot();
        if (challenger.inFlight(actionId)) {
            return false;
        }
        EthApi l1 = chains.client(chains.l1Of(l2));
        Optional<ProtocolViews.Output> onChain = ContractReads.output(l1, s.outputOracle(), o.outputIndex(),
                ProtocolViews.LATEST);
        if (onChain.isEmpty() || !onChain.get().rootHex().equalsIgnoreCase(o.outputRoot())) {
            return false; // deleted already (the watcher will record it)
        }
        long closes = o.l1Timestamp() + windows.period(l2);
        if (windows.l1Now(l2) >= closes) {
            return false; // too late: OutputWindows reports CHALLENGE_FAILED
        }
        String data = ProtocolViews.oracle(s.outputOracle()).deleteL2Outputs(o.outputIndex()).encodeFunctionCall();
        return switch (challenger.send(TxPurpose.CHALLENGE, actionId, s.outputOracle(), data)) {
            case ActionSender.Result.Sent sent -> true;
            case ActionSender.Result.InFlight inFlight -> false;
            case ActionSender.Result.Refused r -> {
                findings.report(new Observation(FindingKind.CHALLENGE_FAILED, l2, "CHALLENGE_FAILED:" + l2 + ":"
                        + o.outputIndex() + ":" + o.outputRoot(), "the deletion of bad output " + o.outputIndex()
                        + " of " + chains.name(l2) + " is refused: " + r.reason(),
                        evidence("chain", chains.name(l2), "outputIndex", o.outputIndex(), "outputRoot", o.outputRoot(),
                                "challenger", challenger.address(), "reason", r.reason(),
                                "deadline", Windows.iso(closes))));
                yield false;
            }
        };
    }
}
