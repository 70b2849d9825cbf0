package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.DepositTransaction;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Deposits made on L1 execute on their L2, through the devnet's sequencer, in order. */
class DepositTest extends DevnetTestBase {

    @Test
    void messageDepositedOnL1RunsItsCallOnTheL2() throws Exception {
        BigInteger before = l2aTarget().pingCount().send();
        new DemoTraffic(devnet, DevKeys.USER.credentials()).deposit(0, "into l2a", BigInteger.ZERO);
        assertThat(operator.sequencer("l2a").executeDue()).isEqualTo(1);
        assertThat(l2aTarget().pingCount().send()).isEqualTo(before.add(BigInteger.ONE));
        assertThat(l2aTarget().lastNote().send()).isEqualTo("into l2a");
        assertThat(l2aTarget().lastOrigin().send()).as("the L1 sender, seen through the L2 messenger")
                .isEqualToIgnoringCase(DevKeys.USER.address());
    }

    @Test
    void etherDepositedOnL1IsMintedToItsRecipientOnTheL2() throws Exception {
        String recipient = Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
        BigInteger amount = BigInteger.TEN.pow(18);
        TransactionReceipt r = new DemoTraffic(devnet, DevKeys.USER.credentials()).depositEther(0, recipient, amount);
        Portal.TransactionDepositedEventResponse e = Portal.getTransactionDepositedEvents(r).getFirst();
        Portal.DepositEscrowedEventResponse escrow = Portal.getDepositEscrowedEvents(r).getFirst();
        DepositTransaction d = DepositTransaction.decode(e.from, e.to, e.version, e.opaqueData);
        assertThat(d.mint()).isEqualTo(amount);
        assertThat(d.depositHash(escrow.depositNonce)).as("off-chain deposit hash matches the Portal's")
                .isEqualTo(escrow.depositHash);

        operator.sequencer("l2a").executeDue();
        assertThat(balance(l2a(), recipient)).isEqualTo(amount);
        DepositExecutor executor = DepositExecutor.load(Predeploys.DEVNET_DEPOSIT_EXECUTOR, l2a().web3j(),
                l2a().txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(executor.executedCount().send()).isEqualTo(escrow.depositNonce.add(BigInteger.ONE));
        assertThat(Hashes.applyL1ToL2Alias(l2aEntry().settlement().l1Messenger()))
                .as("aliasing round-trips").satisfies(a -> assertThat(Hashes.undoL1ToL2Alias(a))
                        .isEqualToIgnoringCase(l2aEntry().settlement().l1Messenger()));
    }

    @Test
    void aCensoredDepositHoldsBackEveryLaterOneUntilTheSequencerBehaves() throws Exception {
        DemoTraffic demo = new DemoTraffic(devnet, DevKeys.USER.credentials());
        operator.sequencer("l2a").executeDue();
        BigInteger before = l2aTarget().pingCount().send();
        operator.sequencer("l2a").censor(null);
        demo.deposit(0, "censored", BigInteger.ZERO);
        demo.deposit(0, "behind it", BigInteger.ZERO);
        assertThat(operator.sequencer("l2a").executeDue()).isZero();
        assertThat(l2aTarget().pingCount().send()).isEqualTo(before);
        operator.behave("l2a");
        assertThat(operator.sequencer("l2a").executeDue()).isEqualTo(2);
        assertThat(l2aTarget().pingCount().send()).isEqualTo(before.add(BigInteger.TWO));
    }

    @Test
    void onlyTheSequencerExecutesDeposits() throws Exception {
        DepositExecutor asUser = DepositExecutor.load(Predeploys.DEVNET_DEPOSIT_EXECUTOR, l2a().web3j(),
                l2a().txManager(DevKeys.USER.credentials()), DevChain.GAS);
        BigInteger next = asUser.executedCount().send();
        String call = asUser.executeDeposit(next, DevKeys.USER.address(), DevKeys.USER.address(), BigInteger.ONE,
                BigInteger.ONE, BigInteger.valueOf(100_000), false, new byte[0]).encodeFunctionCall();
        assertThat(refusal(l2a(), DevKeys.USER, Predeploys.DEVNET_DEPOSIT_EXECUTOR, call)).isNotBlank();
    }
}
