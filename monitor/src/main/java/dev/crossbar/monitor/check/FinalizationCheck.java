package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.event.ProtocolEvent.WithdrawalFinalized;
import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.utils.Numeric;

/**
 * Rule: a withdrawal may be finalized only after both its own window and its output's window have passed:
 * {@code finalizedAt > provenAt + window} and {@code finalizedAt > outputProposedAt + window}, with the output still
 * holding the root it was proven against (OptimismPortal's rules, L1 block timestamps). The proof and the output are
 * read on L1 as of the finalization's block; any rule broken is an EARLY_FINALIZATION.
 */
public final class FinalizationCheck implements EventCheck {
    private final WithdrawalFinalized event;
    private final MonitoredChains chains;
    private final Windows windows;

    public FinalizationCheck(WithdrawalFinalized event, MonitoredChains chains, Windows windows) {
        this.event = event;
        this.chains = chains;
        this.windows = windows;
    }

    @Override
    public Check check() {
        return Check.FINALIZATIONS;
    }

    @Override
    public long chainId() {
        return event.l2ChainId();
    }

    @Override
    public String describe() {
        return "finalization of " + event.withdrawalHash() + " on " + chains.name(event.ref().chainId()) + " block "
                + event.ref().blockNumber();
    }

    @Override
    public Outcome run(boolean waitForBehind) {
        long l2 = event.l2ChainId();
        Settlement s = chains.settlementOf(l2);
        EthApi l1 = chains.client(chains.l1Of(l2));
        String tag = EthApi.hex(event.ref().blockNumber());
        long at = event.ref().blockTimestamp();
        long period = windows.period(l2);
        ProtocolViews.Proven proven = ProtocolViews.provenWithdrawal(l1, s.portal(),
                Numeric.hexStringToByteArray(event.withdrawalHash()), tag);
        List<String> broken = new ArrayList<>();
        Optional<ProtocolViews.Output> output = Optional.empty();
        if (!proven.exists()) {
            broken.add("it was never proven");
        } else {
            if (at <= proven.timestamp() + period) {
                broken.add("proven at " + Windows.iso(proven.timestamp()) + ", its window ends "
                        + Windows.iso(proven.timestamp() + period));
            }
            output = ContractReads.output(l1, s.outputOracle(), proven.outputIndex(), tag);
            if (output.isEmpty()) {
                broken.add("output " + proven.outputIndex() + " it was proven against does not exist");
            } else {
                if (!output.get().rootHex().equalsIgnoreCase(proven.outputRootHex())) {
                    broken.add("output " + proven.outputIndex() + " has root " + output.get().rootHex()
                            + ", not the proven " + proven.outputRootHex());
                }
                if (at <= output.get().timestamp() + period) {
                    broken.add("output " + proven.outputIndex() + " proposed at "
                            + Windows.iso(output.get().timestamp()) + ", its window ends "
                            + Windows.iso(output.get().timestamp() + period));
                }
            }
        }
        if (broken.isEmpty()) {
            return new Outcome.Passed("finalized after its windows");
        }
        return Outcome.Found.of(new Observation(FindingKind.EARLY_FINALIZATION, l2, "EARLY_FINALIZATION:" + l2 + ":"
                + event.withdrawalHash(), "withdrawal " + event.withdrawalHash() + " of " + chains.name(l2)
                + " was finalized on L1 before its challenge window passed",
                evidence("chain", chains.name(l2), "withdrawalHash", event.withdrawalHash(),
                        "l1Block", event.ref().blockNumber(), "l1Tx", event.ref().txHash(),
                        "finalizedAt", Windows.iso(at), "window", period + "s",
                        "provenAt", proven.exists() ? Windows.iso(proven.timestamp()) : "never",
                        "provenOutputIndex", proven.exists() ? proven.outputIndex() : "-",
                        "outputProposedAt", output.map(o -> Windows.iso(o.timestamp())).orElse("-"),
                        "expected", "finalizedAt > provenAt + window and > outputProposedAt + window",
                        "seen", String.join("; ", broken))));
    }
}
