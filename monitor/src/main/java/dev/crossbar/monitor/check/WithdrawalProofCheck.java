package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.event.ProtocolEvent.WithdrawalProven;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.Consensus;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import org.web3j.utils.Numeric;

/**
 * Rule: a withdrawal proven on L1 must be in the L2's {@code L2ToL1MessagePasser.sentMessages} at the L2 block of
 * the output it was proven against (or, when no endpoint serves that block's state, at the latest block: entries are
 * never removed, so one missing there was missing then). The proof and its output are read on L1 as of the proof's block; the slot is
 * read on every L2 endpoint at the output's block. A slot that every endpoint that has the block reports empty is
 * a FORGED_WITHDRAWAL (the output's message passer storage root is forged); an endpoint that has not reached the
 * block holds the answer back.
 */
public final class WithdrawalProofCheck implements EventCheck {
    private final WithdrawalProven event;
    private final MonitoredChains chains;
    private final Windows windows;

    public WithdrawalProofCheck(WithdrawalProven event, MonitoredChains chains, Windows windows) {
        this.event = event;
        this.chains = chains;
        this.windows = windows;
    }

    @Override
    public Check check() {
        return Check.WITHDRAWAL_PROOFS;
    }

    @Override
    public long chainId() {
        return event.l2ChainId();
    }

    @Override
    public String describe() {
        return "withdrawal proof " + event.withdrawalHash() + " on " + chains.name(event.ref().chainId()) + " block "
                + event.ref().blockNumber();
    }

    @Override
    public Outcome run(boolean waitForBehind) {
        long l2 = event.l2ChainId();
        Settlement s = chains.settlementOf(l2);
        EthApi l1 = chains.client(chains.l1Of(l2));
        String tag = EthApi.hex(event.ref().blockNumber());
        ProtocolViews.Proven proven = ProtocolViews.provenWithdrawal(l1, s.portal(),
                Numeric.hexStringToByteArray(event.withdrawalHash()), tag);
        if (!proven.exists()) {
            return new Outcome.Passed("no proof on L1 at block " + event.ref().blockNumber() + " (reorged out)");
        }
        Optional<ProtocolViews.Output> output = ContractReads.output(l1, s.outputOracle(), proven.outputIndex(), tag);
        if (output.isEmpty()) {
            return new Outcome.Passed("its output " + proven.outputIndex() + " is gone");
        }
        long l2Block = output.get().l2BlockNumber();
        String passer = chains.chain(l2).l2Contracts().messagePasser();
        String slot = Numeric.toHexString(Hashes.sentMessageSlot(Numeric.hexStringToByteArray(event.withdrawalHash())));
        Consensus<BigInteger> seen = chains.witnesses(l2).at(l2Block, waitForBehind,
                e -> e.findHeader(l2Block).isEmpty() ? null : e.storageAt(passer, slot, l2Block));
        return switch (seen) {
            case Consensus.Agreed<BigInteger> a when a.value().signum() != 0 ->
                    new Outcome.Passed("in sentMessages at L2 block " + l2Block);
            case Consensus.Agreed<BigInteger> a -> Outcome.Found.of(forged(proven, output.get(), a));
            case Consensus.Pending<BigInteger> p when !waitForBehind -> atLatest(proven, output.get(), passer, slot,
                    p.reason());
            case Consensus.Pending<BigInteger> p -> new Outcome.Wait(Duration.ofSeconds(3), p.reason());
            case Consensus.Disagreed<BigInteger> d -> new Outcome.Wait(Duration.ofSeconds(10),
                    "L2 endpoints disagree on sentMessages at block " + l2Block + ": " + d.answers());
        };
    }

    /**
     * When no endpoint serves the state at the output's block (pruned, or still behind after the tolerance), the slot
     * is read at the endpoints' latest state: {@code sentMessages} only ever gains entries, so an entry missing there
     * was missing at the output's block too (forged); one present there is taken as checked, with that caveat.
     */
    private Outcome atLatest(ProtocolViews.Proven proven, ProtocolViews.Output output, String passer, String slot,
            String why) {
        Consensus<BigInteger> latest = chains.witnesses(event.l2ChainId()).atHead(e -> e.storageAt(passer, slot,
                e.blockNumber()));
        return switch (latest) {
            case Consensus.Agreed<BigInteger> a when a.value().signum() != 0 -> new Outcome.Passed(
                    "in sentMessages at the latest block (state at L2 block " + output.l2BlockNumber()
                            + " unavailable: " + why + ")");
            case Consensus.Agreed<BigInteger> a -> Outcome.Found.of(forged(proven, output, a));
            case Consensus.Pending<BigInteger> p -> new Outcome.Wait(Duration.ofSeconds(5), why + "; " + p.reason());
            case Consensus.Disagreed<BigInteger> d -> new Outcome.Wait(Duration.ofSeconds(10),
                    "L2 endpoints disagree on sentMessages at their latest block: " + d.answers());
        };
    }

    private Observation forged(ProtocolViews.Proven proven, ProtocolViews.Output output,
            Consensus.Agreed<BigInteger> seen) {
        long l2 = event.l2ChainId();
        long deadline = output.timestamp() + windows.period(l2);
        return new Observation(FindingKind.FORGED_WITHDRAWAL, l2, "FORGED_WITHDRAWAL:" + l2 + ":"
                + event.withdrawalHash() + ":" + proven.outputIndex(),
                "withdrawal " + event.withdrawalHash() + " proven on L1 against output " + proven.outputIndex() + " of "
                        + chains.name(l2) + " was never initiated on the L2",
                evidence("chain", chains.name(l2), "withdrawalHash", event.withdrawalHash(), "from", event.from(),
                        "to", event.to(), "l1Block", event.ref().blockNumber(), "l1Tx", event.ref().txHash(),
                        "outputIndex", proven.outputIndex(), "outputRoot", proven.outputRootHex(),
                        "l2Block", output.l2BlockNumber(),
                        "expected", "sentMessages[" + event.withdrawalHash() + "] = 1 at L2 block "
                                + output.l2BlockNumber(),
                        "seen", seen.value(), "endpoints", seen.endpoints(),
                        "deadline", Windows.iso(deadline) + " (the output's window ends; finalizable after it)"));
    }
}
