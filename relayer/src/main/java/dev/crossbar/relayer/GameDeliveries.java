package dev.crossbar.relayer;

import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.core.protocol.WithdrawalProof;
import dev.crossbar.relayer.Deliveries.Step;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.txmanager.TxManager;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.web3j.utils.Numeric;

/**
 * Withdrawals of L2s that settle through OP's dispute games ({@code OptimismPortal2} 3.10.0): proven against a game
 * whose root claim we recomputed from the L2 node, finalized once the proof matured, the game resolved for the
 * defender and the airgap passed, and proven again when the game they were proven against can no longer finalize
 * them (blacklisted, lost, or no longer of the respected type). Every rule is read from the portal at run time; the
 * portal's own checks are asked of the chain (views) before anything is sent, so nothing goes out that must revert.
 */
final class GameDeliveries {
    /** How many usable-looking games one round tries, newest first, before it waits for the next round. */
    private static final int CANDIDATES = 8;
    /** How many games one round reads at most, newest first (games of other types included). */
    private static final int SCAN = 64;

    private final Chains chains;
    private final Deliveries deliveries;
    private final GameVerdicts verdicts;

    GameDeliveries(Chains chains, Deliveries deliveries, GameVerdicts verdicts) {
        this.chains = chains;
        this.deliveries = deliveries;
        this.verdicts = verdicts;
    }

    /** Why a game cannot carry a proof under the portal's current rules, or null when it can. */
    private static String unusable(EthApi l1, Settlement s, FaultProofViews.PortalRules rules, String game,
            int gameType, long createdAt, int status) {
        if (gameType != rules.respectedGameType()) {
            return "its type " + gameType + " is not the respected type " + rules.respectedGameType();
        }
        if (createdAt < rules.respectedGameTypeUpdatedAt()) {
            return "it was created (" + createdAt + ") before the respected type was last set ("
                    + rules.respectedGameTypeUpdatedAt() + ")";
        }
        if (status == FaultProofViews.CHALLENGER_WINS) {
            return "it resolved CHALLENGER_WINS";
        }
        if (FaultProofViews.blacklisted(l1, s.portal(), game)) {
            return "it is blacklisted";
        }
        return null;
    }

    // ---- prove --------------------------------------------------------------------------------------------

    /**
     * A COMMITTED withdrawal: prove it against the newest game of the respected type that covers its block, is not
     * blacklisted or lost, was created after the respected type was set, and whose root claim is the L2's output root
     * at its block (recomputed from the L2 node; a game found invalid is recorded as such and never used). A proof of
     * ours that still stands, or another submitter's, moves it on without a send.
     */
    Step prove(MessageRecord m, TxManager signer) {
        Settlement s = chains.settlementOf(m.sourceChainId());
        EthApi l1 = chains.client(m.destinationChainId());
        byte[] hash = Numeric.hexStringToByteArray(m.id());
        FaultProofViews.PortalRules rules = FaultProofViews.rules(l1, s.portal());
        if (rules.paused()) {
            return new Step.Wait(Duration.ofSeconds(30), "the portal is paused (SuperchainConfig)");
        }
        Standing standing = standingProof(l1, s, rules, hash, signer.address());
        if (standing != null) {
            return new Step.Moved(MessageState.PROVEN, standing.describe(), Map.of(MessageDetails.PROVEN_GAME,
                    standing.game(), MessageDetails.PROOF_SUBMITTER, standing.submitter()));
        }
        long count = FaultProofViews.gameCount(l1, s.disputeGameFactory(), ProtocolViews.LATEST);
        if (count == 0) {
            return new Step.Wait(Duration.ofSeconds(5), "no dispute game was created yet");
        }
        long now = l1.latest().timestamp();
        List<String> passedOver = new ArrayList<>();
        for (long i = count - 1; i >= 0 && i >= count - SCAN && passedOver.size() < CANDIDATES; i--) {
            FaultProofViews.Game g = FaultProofViews.game(l1, s.disputeGameFactory(), i);
            if (g.l2BlockNumber() < m.source().blockNumber()) {
                if (g.gameType() == rules.respectedGameType()) {
                    break; // games of a type claim ever later blocks: older ones cover less
                }
                continue;
            }
            String why = unusable(l1, s, rules, g.address(), g.gameType(), g.createdAt(), g.status());
            if (why == null && verdicts.invalid(g.address())) {
                why = "its root claim was found invalid";
            }
            if (why != null) {
                passedOver.add("game " + i + ": " + why);
                continue;
            }
            Deliveries.ProofAttempt attempt = deliveries.proofAgainst(m, new ProtocolViews.Output(BigInteger.valueOf(i),
                    g.rootClaim(), g.createdAt(), g.l2BlockNumber()), hash);
            if (attempt.unusable() != null) {
                if (attempt.unusable().contains("does not match")) {
                    verdicts.record(g.address(), false, attempt.unusable());
                }
                passedOver.add("game " + i + ": " + attempt.unusable());
                continue;
            }
            verdicts.record(g.address(), true, "root claim equals the output root the L2 node gives for block "
                    + g.l2BlockNumber());
            if (now <= g.createdAt()) {
                // The portal finalizes only a proof made after the game's creation second, and a proof of ours
                // cannot be replaced while its game stands: wait until the chain's time has moved past it.
                return new Step.Wait(Duration.ofSeconds(1), "game " + i + " was created in the L1's latest second ("
                        + g.createdAt() + "); proving once the L1 has moved on");
            }
            WithdrawalProof proof = attempt.proof();
            String data = FaultProofViews.portal2(s.portal()).proveWithdrawalTransaction(withdrawalTx(m),
                    BigInteger.valueOf(i), new OptimismPortal2.OutputRootProof(new byte[32], proof.stateRoot(),
                            proof.messagePasserStorageRoot(), proof.blockHash()), proof.storageProof())
                    .encodeFunctionCall();
            Step step = deliveries.simulateAndSend(l1, signer, new TxManager.Intent(TxPurpose.PROVE, m.id(),
                    s.portal(), data, BigInteger.ZERO, null), null, Map.of(MessageDetails.PROVING_GAME, g.address(),
                            MessageDetails.PROVING_OUTPUT_INDEX, Long.toString(i)));
            if (step instanceof Step.Sent sent) {
                return new Step.Sent(sent.intent(), sent.movedTo(), sent.details(), "proving against game " + i
                        + " (" + g.address() + ", L2 block " + g.l2BlockNumber() + ")"
                        + (passedOver.isEmpty() ? "" : ", passed over " + String.join("; ", passedOver)));
            }
            return step;
        }
        return new Step.Wait(Duration.ofSeconds(10), passedOver.isEmpty()
                ? "no game covers L2 block " + m.source().blockNumber() + " yet"
                : "no usable game covers L2 block " + m.source().blockNumber() + ": " + String.join("; ", passedOver));
    }

    /** A proof on chain that can still finalize the withdrawal: whose, and against which game. */
    private record Standing(String submitter, String game, long provenAt, boolean ours) {
        String describe() {
            return (ours ? "proven" : "proven by " + submitter) + " against game " + game + " at " + provenAt;
        }
    }

    /** Our proof if it still stands, else the first other submitter's that does; null when none does. */
    private Standing standingProof(EthApi l1, Settlement s, FaultProofViews.PortalRules rules, byte[] hash,
            String ourAddress) {
        List<String> submitters = new ArrayList<>();
        submitters.add(ourAddress.toLowerCase());
        for (String other : FaultProofViews.proofSubmitters(l1, s.portal(), hash)) {
            if (!submitters.contains(other)) {
                submitters.add(other);
            }
        }
        for (String submitter : submitters) {
            FaultProofViews.Proof p = FaultProofViews.proof(l1, s.portal(), hash, submitter);
            if (!p.exists()) {
                continue;
            }
            var game = FaultProofViews.game(l1, p.game(), ProtocolViews.LATEST);
            if (unusable(l1, s, rules, p.game(), ProtocolViews.view(game.gameType()).intValueExact(),
                    FaultProofViews.createdAt(game), ProtocolViews.view(game.status()).intValueExact()) == null) {
                return new Standing(submitter, p.game(), p.timestamp(), submitter.equalsIgnoreCase(ourAddress));
            }
        }
        return null;
    }

    /** Whether a proof of ours that can still finalize the withdrawal is on chain (the question before a re-send). */
    boolean proofStands(MessageRecord m, String ourAddress) {
        Settlement s = chains.settlementOf(m.sourceChainId());
        EthApi l1 = chains.client(m.destinationChainId());
        Standing st = standingProof(l1, s, FaultProofViews.rules(l1, s.portal()),
                Numeric.hexStringToByteArray(m.id()), ourAddress);
        return st != null && st.ours();
    }

    // ---- wait ---------------------------------------------------------------------------------------------

    /**
     * A PROVEN or IN_WINDOW withdrawal: READY once its proof matured, its game resolved DEFENDER_WINS and the airgap
     * passed; back to COMMITTED (to be proven again) when the game can no longer finalize it, with the reason.
     */
    Step check(MessageRecord m, String ourAddress) {
        Settlement s = chains.settlementOf(m.sourceChainId());
        EthApi l1 = chains.client(m.destinationChainId());
        byte[] hash = Numeric.hexStringToByteArray(m.id());
        FaultProofViews.PortalRules rules = FaultProofViews.rules(l1, s.portal());
        String submitter = m.details().getOrDefault(MessageDetails.PROOF_SUBMITTER, ourAddress).toLowerCase();
        FaultProofViews.Proof p = FaultProofViews.proof(l1, s.portal(), hash, submitter);
        if (!p.exists()) {
            return new Step.Moved(MessageState.COMMITTED, "no proof by " + submitter + " on chain; looking for one"
                    + " that stands, or proving it");
        }
        var game = FaultProofViews.game(l1, p.game(), ProtocolViews.LATEST);
        int status = ProtocolViews.view(game.status()).intValueExact();
        String why = unusable(l1, s, rules, p.game(), ProtocolViews.view(game.gameType()).intValueExact(),
                FaultProofViews.createdAt(game), status);
        if (why != null) {
            return new Step.Moved(MessageState.COMMITTED, "re-prove: game " + p.game() + " it was proven against "
                    + "cannot finalize it any more: " + why);
        }
        long now = l1.latest().timestamp();
        long maturesAt = p.timestamp() + rules.proofMaturityDelay() + 1;
        if (status == FaultProofViews.IN_PROGRESS) {
            return new Step.Wait(Duration.ofSeconds(Math.clamp(maturesAt - now, 5, 15)), "proven against game "
                    + p.game() + "; waiting for the game to resolve" + (now < maturesAt ? " and the proof to mature ("
                    + (maturesAt - now) + "s more)" : ""));
        }
        long resolvedAt = ProtocolViews.view(game.resolvedAt()).longValueExact();
        long airgapEnds = resolvedAt + rules.disputeGameFinalityDelay() + 1;
        long readyAt = Math.max(maturesAt, airgapEnds);
        if (now < readyAt) {
            return new Step.Wait(Duration.ofSeconds(Math.clamp(readyAt - now, 1, 15)), "game " + p.game()
                    + " resolved DEFENDER_WINS; waiting " + (readyAt - now) + "s more for "
                    + (now < maturesAt ? "the proof to mature" : "the airgap"));
        }
        return new Step.Moved(MessageState.READY, "proof against game " + p.game() + " matured ("
                + rules.proofMaturityDelay() + "s), the game resolved DEFENDER_WINS and the airgap ("
                + rules.disputeGameFinalityDelay() + "s) passed");
    }

    // ---- finalize -----------------------------------------------------------------------------------------

    /** A READY withdrawal: finalize it with our proof, or another submitter's through the external-proof path. */
    Step finalize(MessageRecord m, TxManager signer) {
        Settlement s = chains.settlementOf(m.sourceChainId());
        EthApi l1 = chains.client(m.destinationChainId());
        if (ProtocolViews.finalizedWithdrawal(l1, s.portal(), Numeric.hexStringToByteArray(m.id()))) {
            return new Step.Moved(MessageState.RELAYED, "already finalized on chain");
        }
        Step ready = check(m, signer.address());
        if (!(ready instanceof Step.Moved moved && moved.to() == MessageState.READY)) {
            return ready; // the portal would refuse it: do what the check says instead of sending
        }
        String submitter = m.details().get(MessageDetails.PROOF_SUBMITTER);
        OptimismPortal2 portal = FaultProofViews.portal2(s.portal());
        String data = submitter == null || submitter.equalsIgnoreCase(signer.address())
                ? portal.finalizeWithdrawalTransaction(withdrawalTx(m)).encodeFunctionCall()
                : portal.finalizeWithdrawalTransactionExternalProof(withdrawalTx(m), submitter).encodeFunctionCall();
        BigInteger floor = m.gasLimit().add(BigInteger.valueOf(150_000));
        return deliveries.simulateAndSend(l1, signer, new TxManager.Intent(TxPurpose.FINALIZE, m.id(), s.portal(),
                data, BigInteger.ZERO, null), floor, Map.of());
    }

    private static OptimismPortal2.WithdrawalTransaction withdrawalTx(MessageRecord m) {
        return new OptimismPortal2.WithdrawalTransaction(m.nonce(), m.sender(), m.target(), m.value(), m.gasLimit(),
                Numeric.hexStringToByteArray(m.data()));
    }
}
