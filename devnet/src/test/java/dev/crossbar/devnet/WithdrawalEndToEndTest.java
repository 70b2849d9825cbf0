package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.WithdrawalProof;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The withdrawal flow on the devnet, end to end: initiated on an L2, proven on L1 with a real storage proof
 * against an output root the devnet proposer posted, refused before the challenge window ends, finalized
 * after it, running its call on L1.
 */
class WithdrawalEndToEndTest extends DevnetTestBase {

    @Test
    void withdrawalIsProvenWithARealStorageProofAndFinalizedOnlyAfterTheWindow() throws Exception {
        Withdrawal w = withdrawPing(DevKeys.USER.credentials(), "out of l2a");
        BigInteger index = proposeOutput();
        OutputOracle.OutputProposal output = oracle(DevKeys.USER).getL2Output(index).send();
        assertThat(output.l2BlockNumber.longValueExact()).isGreaterThanOrEqualTo(w.l2Block());

        WithdrawalProof proof = proofAt(w, index);
        assertThat(proof.outputRoot()).as("the proof's parts hash to the posted output root").isEqualTo(output.outputRoot);
        TransactionReceipt proven = prove(w, index, proof);
        assertThat(Portal.getWithdrawalProvenEvents(proven)).singleElement()
                .satisfies(e -> assertThat(e.withdrawalHash).isEqualTo(w.hash()));
        assertThat(portal(DevKeys.USER).provenWithdrawals(w.hash()).send().component1()).isEqualTo(output.outputRoot);

        String finalize = portal(DevKeys.RELAYER).finalizeWithdrawalTransaction(w.tx()).encodeFunctionCall();
        String portalAddress = portal(DevKeys.USER).getContractAddress();
        assertThat(refusal(l1(), DevKeys.RELAYER, portalAddress, finalize))
                .isEqualTo("Portal: proven withdrawal finalization period has not elapsed");
        advanceL1Time(devnet.config().finalizationPeriod().toSeconds() - 60);
        assertThat(refusal(l1(), DevKeys.RELAYER, portalAddress, finalize))
                .as("a minute before the window ends").contains("finalization period has not elapsed");

        BigInteger pingsBefore = l1Target().pingCount().send();
        advanceL1Time(61);
        TransactionReceipt finalized = portal(DevKeys.RELAYER).finalizeWithdrawalTransaction(w.tx()).send();
        assertThat(Portal.getWithdrawalFinalizedEvents(finalized)).singleElement()
                .satisfies(e -> assertThat(e.success).isTrue());
        assertThat(portal(DevKeys.USER).finalizedWithdrawals(w.hash()).send()).isTrue();
        assertThat(l1Target().pingCount().send()).isEqualTo(pingsBefore.add(BigInteger.ONE));
        assertThat(l1Target().lastNote().send()).isEqualTo("out of l2a");
        assertThat(l1Target().lastOrigin().send()).as("the L2 sender, seen through the L1 messenger")
                .isEqualToIgnoringCase(DevKeys.USER.address());

        assertThat(refusal(l1(), DevKeys.RELAYER, portalAddress, finalize))
                .isEqualTo("Portal: withdrawal has already been finalized");
    }

    @Test
    void proofAgainstAWrongOutputRootIsRefused() throws Exception {
        Withdrawal w = withdrawPing(DevKeys.USER.credentials(), "never");
        l2a().anvil().mine(1);
        operator.proposer("l2a").proposeWrongOutputNext();
        operator.proposer("l2a").propose(l2a().blockNumber().longValueExact());
        BigInteger wrongIndex = oracle(DevKeys.USER).latestOutputIndex().send();
        byte[] posted = oracle(DevKeys.USER).getL2Output(wrongIndex).send().outputRoot;

        WithdrawalProof honest = proofAt(w, wrongIndex);
        assertThat(Arrays.equals(honest.outputRoot(), posted)).as("the posted root is wrong").isFalse();
        String proveCall = portal(DevKeys.RELAYER).proveWithdrawalTransaction(w.tx(), wrongIndex,
                outputRootProof(honest.stateRoot(), honest.messagePasserStorageRoot(), honest.blockHash()),
                honest.storageProof()).encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.RELAYER, portal(DevKeys.USER).getContractAddress(), proveCall))
                .isEqualTo("Portal: invalid output root proof");
        assertThat(portal(DevKeys.USER).provenWithdrawals(w.hash()).send().component2()).isZero();
    }

    @Test
    void proofWithATamperedStorageProofIsRefused() throws Exception {
        Withdrawal w = withdrawPing(DevKeys.USER.credentials(), "tampered");
        BigInteger index = proposeOutput();
        WithdrawalProof p = proofAt(w, index);
        // A different withdrawal (another nonce) was never sent: its inclusion cannot be shown with this proof.
        Portal.WithdrawalTransaction forged = new Portal.WithdrawalTransaction(w.tx().nonce.add(BigInteger.valueOf(1000)),
                w.tx().sender, w.tx().target, w.tx().value, w.tx().gasLimit, w.tx().data);
        String proveCall = portal(DevKeys.RELAYER).proveWithdrawalTransaction(forged, index,
                outputRootProof(p.stateRoot(), p.messagePasserStorageRoot(), p.blockHash()), p.storageProof())
                .encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.RELAYER, portal(DevKeys.USER).getContractAddress(), proveCall))
                .isNotBlank();
    }

    @Test
    void withdrawalProvenAgainstADeletedOutputCannotBeFinalizedUntilProvenAgainstItsReplacement()
            throws Exception {
        Withdrawal w = withdrawPing(DevKeys.USER.credentials(), "reproven");
        BigInteger index = proposeOutput();
        prove(w, index, proofAt(w, index));

        oracle(DevKeys.CHALLENGER).deleteL2Outputs(index).send();
        assertThat(oracle(DevKeys.USER).nextOutputIndex().send()).isEqualTo(index);
        String proveAgainstDeleted = portal(DevKeys.RELAYER).proveWithdrawalTransaction(w.tx(), index,
                outputRootProof(new byte[32], new byte[32], new byte[32]), java.util.List.of()).encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.RELAYER, portal(DevKeys.USER).getContractAddress(), proveAgainstDeleted))
                .as("no output at a deleted index to prove against").isNotBlank();

        advanceL1Time(devnet.config().finalizationPeriod().toSeconds() + 1);
        String finalize = portal(DevKeys.RELAYER).finalizeWithdrawalTransaction(w.tx()).encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.RELAYER, portal(DevKeys.USER).getContractAddress(), finalize))
                .as("its output is gone").isNotBlank();

        BigInteger replacement = proposeOutput();
        assertThat(replacement).isEqualTo(index);
        prove(w, replacement, proofAt(w, replacement));
        advanceL1Time(devnet.config().finalizationPeriod().toSeconds() + 1);
        TransactionReceipt finalized = portal(DevKeys.RELAYER).finalizeWithdrawalTransaction(w.tx()).send();
        assertThat(Portal.getWithdrawalFinalizedEvents(finalized).getFirst().success).isTrue();
    }
}
