package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.ExecutorCountProof;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Escape mode returns every deposit that had not executed on L2 as of the last valid output to its original
 * sender, exactly once, and refuses a deposit that had executed.
 */
class EscapeModeReclaimTest extends DevnetTestBase {

    private static BigInteger nonceOf(TransactionReceipt r) {
        return Portal.getDepositEscrowedEvents(r).getFirst().depositNonce;
    }

    private static String reclaimCall(BigInteger nonce, ExecutorCountProof p) throws Exception {
        return portal(DevKeys.MONITOR).reclaimDeposit(nonce,
                outputRootProof(p.stateRoot(), p.messagePasserStorageRoot(), p.blockHash()), p.accountProof(),
                p.storageProof()).encodeFunctionCall();
    }

    private static TransactionReceipt reclaim(BigInteger nonce, ExecutorCountProof p) throws Exception {
        return portal(DevKeys.MONITOR).reclaimDeposit(nonce,
                outputRootProof(p.stateRoot(), p.messagePasserStorageRoot(), p.blockHash()), p.accountProof(),
                p.storageProof()).send();
    }

    @Test
    void unexecutedDepositsAreReclaimedOnceToTheirSendersAndExecutedOnesAreRefused() throws Exception {
        DemoTraffic user2 = new DemoTraffic(devnet, DevKeys.USER_2.credentials());
        DemoTraffic user = new DemoTraffic(devnet, DevKeys.USER.credentials());
        String somebody = Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
        BigInteger oneEther = BigInteger.TEN.pow(18);

        BigInteger executed = nonceOf(user2.depositEther(0, somebody, oneEther));
        operator.sequencer("l2a").executeDue();
        BigInteger lastValid = proposeOutput();
        advanceL1Time(devnet.config().finalizationPeriod().toSeconds() + 1);

        operator.sequencer("l2a").censor(null);
        BigInteger direct = nonceOf(user2.depositEther(0, somebody, oneEther.multiply(BigInteger.TWO)));
        BigInteger viaMessenger = nonceOf(user.deposit(0, "never arrives", oneEther.multiply(BigInteger.valueOf(3))));
        assertThat(operator.sequencer("l2a").executeDue()).isZero();
        BigInteger laterOutput = proposeOutput();

        String portal = portal(DevKeys.USER).getContractAddress();
        assertThat(refusal(l1(), DevKeys.USER, portal, portal(DevKeys.USER).activateEscapeMode().encodeFunctionCall()))
                .as("the proposer is live: only the guardian may").isEqualTo("Portal: proposer is still live");
        portal(DevKeys.GUARDIAN).activateEscapeMode().send();
        assertThat(portal(DevKeys.USER).escapeMode().send()).isTrue();
        assertThat(portal(DevKeys.USER).escapeHasOutput().send()).isTrue();
        assertThat(portal(DevKeys.USER).escapeOutputIndex().send()).as("the last output finalized before escape")
                .isEqualTo(lastValid);

        ExecutorCountProof proof = executorProofAt(lastValid);
        assertThat(proof.executedCount()).isEqualTo(executed.add(BigInteger.ONE));

        BigInteger user2Before = balance(l1(), DevKeys.USER_2.address());
        reclaim(direct, proof);
        assertThat(balance(l1(), DevKeys.USER_2.address())).isEqualTo(user2Before.add(oneEther.multiply(BigInteger.TWO)));
        assertThat(refusal(l1(), DevKeys.MONITOR, portal, reclaimCall(direct, proof)))
                .isEqualTo("Portal: deposit already reclaimed");

        BigInteger userBefore = balance(l1(), DevKeys.USER.address());
        reclaim(viaMessenger, proof);
        assertThat(balance(l1(), DevKeys.USER.address())).as("a messenger deposit goes back to who sent the message")
                .isEqualTo(userBefore.add(oneEther.multiply(BigInteger.valueOf(3))));

        assertThat(refusal(l1(), DevKeys.MONITOR, portal, reclaimCall(executed, proof)))
                .isEqualTo("Portal: deposit was executed on L2");
        assertThat(refusal(l1(), DevKeys.MONITOR, portal, reclaimCall(direct.add(BigInteger.TEN), proof)))
                .isEqualTo("Portal: deposit does not exist");

        ExecutorCountProof later = executorProofAt(laterOutput);
        assertThat(refusal(l1(), DevKeys.MONITOR, portal, reclaimCall(viaMessenger, later)))
                .as("only the last valid output counts").isNotBlank();
        String deposit = portal(DevKeys.USER).depositTransaction(somebody, BigInteger.ZERO, BigInteger.valueOf(100_000),
                false, new byte[0], BigInteger.ZERO).encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.USER, portal, deposit)).isEqualTo("Portal: deposits are closed in escape mode");
    }
}
