package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.bindings.OutputOracle;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The OutputOracle's rules: who may propose and delete, what deleting does, what may not be deleted. */
class OutputOracleRulesTest extends DevnetTestBase {

    private static String oracleAddress() {
        return l2aEntry().settlement().outputOracle();
    }

    private static String proposeCall(byte[] root, long l2Block) throws Exception {
        var head = l1().web3j().ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                .send().getBlock();
        return oracle(DevKeys.USER).proposeL2Output(root, BigInteger.valueOf(l2Block),
                org.web3j.utils.Numeric.hexStringToByteArray(head.getHash()), head.getNumber(), BigInteger.ZERO)
                .encodeFunctionCall();
    }

    @Test
    void onlyTheProposerProposes() throws Exception {
        l2a().anvil().mine(2);
        long head = l2a().blockNumber().longValueExact();
        byte[] root = new byte[32];
        root[31] = 7;
        for (DevKeys notProposer : new DevKeys[] {DevKeys.USER, DevKeys.CHALLENGER, DevKeys.GUARDIAN}) {
            assertThat(refusal(l1(), notProposer, oracleAddress(), proposeCall(root, head)))
                    .as(notProposer.roleName()).isEqualTo("OutputOracle: only the proposer can propose outputs");
        }
        BigInteger before = oracle(DevKeys.USER).nextOutputIndex().send();
        operator.proposer("l2a").propose(head);
        assertThat(oracle(DevKeys.USER).nextOutputIndex().send()).isEqualTo(before.add(BigInteger.ONE));
    }

    @Test
    void aProposalMustMoveForwardBySubmissionInterval() throws Exception {
        proposeOutput();
        long latest = oracle(DevKeys.USER).latestBlockNumber().send().longValueExact();
        byte[] root = new byte[32];
        root[0] = 1;
        assertThat(refusal(l1(), DevKeys.PROPOSER, oracleAddress(), proposeCall(root, latest)))
                .as("the same L2 block again").isNotBlank();
        assertThat(refusal(l1(), DevKeys.PROPOSER, oracleAddress(), proposeCall(new byte[32], latest + 1)))
                .as("an empty output root").isNotBlank();
    }

    @Test
    void onlyTheChallengerDeletesAndDeletingRemovesEveryLaterOutput() throws Exception {
        BigInteger first = proposeOutput();
        BigInteger second = proposeOutput();
        BigInteger third = proposeOutput();
        assertThat(second).isEqualTo(first.add(BigInteger.ONE));
        String delete = oracle(DevKeys.USER).deleteL2Outputs(second).encodeFunctionCall();
        for (DevKeys notChallenger : new DevKeys[] {DevKeys.USER, DevKeys.PROPOSER, DevKeys.GUARDIAN}) {
            assertThat(refusal(l1(), notChallenger, oracleAddress(), delete)).as(notChallenger.roleName())
                    .isEqualTo("OutputOracle: only the challenger can delete outputs");
        }
        var receipt = oracle(DevKeys.CHALLENGER).deleteL2Outputs(second).send();
        var deleted = OutputOracle.getOutputsDeletedEvents(receipt).getFirst();
        assertThat(deleted.prevNextOutputIndex).isEqualTo(third.add(BigInteger.ONE));
        assertThat(deleted.newNextOutputIndex).isEqualTo(second);
        assertThat(oracle(DevKeys.USER).nextOutputIndex().send()).isEqualTo(second);
        assertThat(oracle(DevKeys.USER).latestOutputIndex().send()).isEqualTo(first);
        assertThat(refusal(l1(), DevKeys.USER, oracleAddress(),
                oracle(DevKeys.USER).getL2Output(third).encodeFunctionCall())).as("the third is gone too").isNotBlank();
    }

    @Test
    void aFinalizedOutputCannotBeDeleted() throws Exception {
        BigInteger index = proposeOutput();
        advanceL1Time(devnet.config().finalizationPeriod().toSeconds() + 1);
        assertThat(refusal(l1(), DevKeys.CHALLENGER, oracleAddress(),
                oracle(DevKeys.USER).deleteL2Outputs(index).encodeFunctionCall()))
                .isEqualTo("OutputOracle: cannot delete outputs that have already been finalized");
        assertThat(portal(DevKeys.USER).isOutputFinalized(index).send()).isTrue();
    }
}
