package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
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
import java.util.Map;
import java.util.Optional;
import org.web3j.utils.Numeric;

/**
 * Rule: a withdrawal proven on L1 must be in the L2's {@code L2ToL1MessagePasser.sentMessages} at the L2 block of
 * what it was proven against: the output of the OutputOracle (output-oracle chains) or the dispute game (chains that
 * settle through OP's {@code OptimismPortal2}, whose proof is the submitter's, named by the
 * {@code WithdrawalProvenExtension1} log of the same transaction). When no endpoint serves that block's state it is
 * read at the latest block: entries are never removed, so one missing there was missing then. The proof and what it
 * was made against are read on L1 as of the proof's block; the slot is read on every L2 endpoint at the L2 block. A
 * slot that every endpoint that has the block reports empty is a FORGED_WITHDRAWAL (the message passer storage root
 * committed to by the output or the game's root claim is forged); an endpoint that has not reached the block holds
 * the answer back.
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

    /** What the proof was made against, or why there is nothing to check. */
    private sealed interface Proven permits Against, Gone {}

    /**
     * An output or a dispute game the proof was made against.
     *
     * @param key what names it in the dedupe key (an output index, a game address)
     * @param name how a summary names it
     * @param l2Block the L2 block whose message passer it commits to
     * @param evidence what identifies it in a finding
     * @param deadline when the withdrawal could be finalized at the earliest, and what must happen before
     */
    private record Against(String key, String name, long l2Block, Map<String, String> evidence, String deadline)
            implements Proven {}

    /** No proof to check (reorged out, or what it was made against is gone). */
    private record Gone(String why) implements Proven {}

    @Override
    public Outcome run(boolean waitForBehind) {
        long l2 = event.l2ChainId();
        Settlement s = chains.settlementOf(l2);
        EthApi l1 = chains.client(chains.l1Of(l2));
        byte[] hash = Numeric.hexStringToByteArray(event.withdrawalHash());
        Proven proven = s.disputeGames() ? game(l1, s, hash) : output(l1, s, hash);
        if (!(proven instanceof Against against)) {
            return new Outcome.Passed(((Gone) proven).why());
        }
        long l2Block = against.l2Block();
        String passer = chains.chain(l2).l2Contracts().messagePasser();
        String slot = Numeric.toHexString(Hashes.sentMessageSlot(hash));
        Consensus<BigInteger> seen = chains.witnesses(l2).at(l2Block, waitForBehind,
                e -> e.findHeader(l2Block).isEmpty() ? null : e.storageAt(passer, slot, l2Block));
        return switch (seen) {
            case Consensus.Agreed<BigInteger> a when a.value().signum() != 0 ->
                    new Outcome.Passed("in sentMessages at L2 block " + l2Block);
            case Consensus.Agreed<BigInteger> a -> Outcome.Found.of(forged(against, a));
            case Consensus.Pending<BigInteger> p when !waitForBehind -> atLatest(against, passer, slot, p.reason());
            case Consensus.Pending<BigInteger> p -> new Outcome.Wait(Duration.ofSeconds(3), p.reason());
            case Consensus.Disagreed<BigInteger> d -> new Outcome.Wait(Duration.ofSeconds(10),
                    "L2 endpoints disagree on sentMessages at block " + l2Block + ": " + d.answers());
        };
    }

    /** The output of the OutputOracle the proof was made against ({@code provenWithdrawals(hash)}). */
    private Proven output(EthApi l1, Settlement s, byte[] hash) {
        String tag = EthApi.hex(event.ref().blockNumber());
        ProtocolViews.Proven proven = ProtocolViews.provenWithdrawal(l1, s.portal(), hash, tag);
        if (!proven.exists()) {
            return new Gone("no proof on L1 at block " + event.ref().blockNumber() + " (reorged out)");
        }
        Optional<ProtocolViews.Output> output = ContractReads.output(l1, s.outputOracle(), proven.outputIndex(), tag);
        if (output.isEmpty()) {
            return new Gone("its output " + proven.outputIndex() + " is gone");
        }
        long deadline = output.get().timestamp() + windows.period(event.l2ChainId());
        return new Against(proven.outputIndex().toString(), "output " + proven.outputIndex(),
                output.get().l2BlockNumber(), evidence("outputIndex", proven.outputIndex(), "outputRoot",
                        proven.outputRootHex()),
                Windows.iso(deadline) + " (the output's window ends; finalizable after it)");
    }

    /**
     * The dispute game the proof was made against: {@code provenWithdrawals(hash, submitter)} of the submitter the
     * proof's transaction names.
     */
    private Proven game(EthApi l1, Settlement s, byte[] hash) {
        String tag = EthApi.hex(event.ref().blockNumber());
        Optional<String> submitter = l1.receipt(event.ref().txHash())
                .flatMap(r -> FaultProofViews.proofSubmitter(r, s.portal(), hash));
        if (submitter.isEmpty()) {
            return new Gone("no proof of it in transaction " + event.ref().txHash() + " (reorged out)");
        }
        FaultProofViews.Proof proof = FaultProofViews.proof(l1, s.portal(), hash, submitter.get(), tag);
        if (!proof.exists()) {
            return new Gone("no proof by " + submitter.get() + " on L1 at block " + event.ref().blockNumber()
                    + " (reorged out)");
        }
        FaultDisputeGame game = FaultProofViews.game(l1, proof.game(), tag);
        long l2Block = FaultProofViews.l2BlockNumber(game);
        long clockOut = FaultProofViews.createdAt(game) + ProtocolViews.view(game.maxClockDuration()).longValueExact();
        FaultProofViews.PortalRules rules = FaultProofViews.rules(l1, s.portal());
        long earliest = Math.max(clockOut + rules.disputeGameFinalityDelay(),
                proof.timestamp() + rules.proofMaturityDelay());
        return new Against(proof.game(), "dispute game " + proof.game(), l2Block, evidence("game", proof.game(),
                "rootClaim", Numeric.toHexString(ProtocolViews.view(game.rootClaim())), "proofSubmitter",
                submitter.get()), Windows.iso(earliest) + " (the game's clock and airgap, and the proof's maturity,"
                        + " end; the game must lose or be blacklisted before)");
    }

    /**
     * When no endpoint serves the state at the L2 block (pruned, or still behind after the tolerance), the slot is
     * read at the endpoints' latest state: {@code sentMessages} only ever gains entries, so an entry missing there
     * was missing at the L2 block too (forged); one present there is taken as checked, with that caveat.
     */
    private Outcome atLatest(Against against, String passer, String slot, String why) {
        Consensus<BigInteger> latest = chains.witnesses(event.l2ChainId()).atHead(e -> e.storageAt(passer, slot,
                e.blockNumber()));
        return switch (latest) {
            case Consensus.Agreed<BigInteger> a when a.value().signum() != 0 -> new Outcome.Passed(
                    "in sentMessages at the latest block (state at L2 block " + against.l2Block()
                            + " unavailable: " + why + ")");
            case Consensus.Agreed<BigInteger> a -> Outcome.Found.of(forged(against, a));
            case Consensus.Pending<BigInteger> p -> new Outcome.Wait(Duration.ofSeconds(5), why + "; " + p.reason());
            case Consensus.Disagreed<BigInteger> d -> new Outcome.Wait(Duration.ofSeconds(10),
                    "L2 endpoints disagree on sentMessages at their latest block: " + d.answers());
        };
    }

    private Observation forged(Against against, Consensus.Agreed<BigInteger> seen) {
        long l2 = event.l2ChainId();
        Map<String, String> evidence = evidence("chain", chains.name(l2), "withdrawalHash", event.withdrawalHash(),
                "from", event.from(), "to", event.to(), "l1Block", event.ref().blockNumber(), "l1Tx",
                event.ref().txHash());
        evidence.putAll(against.evidence());
        evidence.putAll(evidence("l2Block", against.l2Block(),
                "expected", "sentMessages[" + event.withdrawalHash() + "] = 1 at L2 block " + against.l2Block(),
                "seen", seen.value(), "endpoints", seen.endpoints(), "deadline", against.deadline()));
        return new Observation(FindingKind.FORGED_WITHDRAWAL, l2, "FORGED_WITHDRAWAL:" + l2 + ":"
                + event.withdrawalHash() + ":" + against.key(), "withdrawal " + event.withdrawalHash()
                        + " proven on L1 against " + against.name() + " of " + chains.name(l2)
                        + " was never initiated on the L2", evidence);
    }
}
