package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.DepositTransaction;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.core.protocol.OpDepositTx;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.utils.Numeric;
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
    void aDepositIsAnOpDepositTransactionFoundByItsL1LogAndRecordedInItsBlock() throws Exception {
        String recipient = Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
        TransactionReceipt r = new DemoTraffic(devnet, DevKeys.USER.credentials()).depositEther(0, recipient,
                BigInteger.TWO);
        Portal.TransactionDepositedEventResponse e = Portal.getTransactionDepositedEvents(r).getFirst();
        Portal.DepositEscrowedEventResponse escrow = Portal.getDepositEscrowedEvents(r).getFirst();
        String l2Hash = OpDepositTx.at(e.log, DepositTransaction.decode(e.from, e.to, e.version, e.opaqueData)).hash();

        operator.sequencer("l2a").executeDue();

        Transaction tx = l2a().web3j().ethGetTransactionByHash(l2Hash).send().getTransaction().orElseThrow(
                () -> new AssertionError("no L2 transaction with the hash computed from the L1 log: " + l2Hash));
        assertThat(tx.getType()).isEqualTo("0x7e");
        TransactionReceipt deposited = l2a().web3j().ethGetTransactionReceipt(l2Hash).send().getTransactionReceipt()
                .orElseThrow();
        assertThat(deposited.isStatusOK()).isTrue();
        List<DepositExecutor.DepositExecutedEventResponse> records = DepositExecutor.getDepositExecutedEvents(
                blockReceipts(deposited.getBlockNumber()));
        assertThat(records).as("the record, in the deposit's block").singleElement().satisfies(x -> {
            assertThat(x.nonce).isEqualTo(escrow.depositNonce);
            assertThat(x.depositHash).isEqualTo(escrow.depositHash);
            assertThat(x.from).isEqualToIgnoringCase(e.from);
            assertThat(x.success).isTrue();
        });
    }

    @Test
    void aDepositWhoseCallFailsIsRecordedAsFailed() throws Exception {
        // A deposit whose call reverts on the L2: recording a deposit, which only the sequencer may.
        DepositExecutor executorAsUser = DepositExecutor.load(Predeploys.DEVNET_DEPOSIT_EXECUTOR, l2a().web3j(),
                l2a().txManager(DevKeys.USER.credentials()), DevChain.GAS);
        byte[] call = Numeric.hexStringToByteArray(executorAsUser.recordExecuted(BigInteger.ZERO, new byte[32],
                DevKeys.USER.address(), DevKeys.USER.address(), true).encodeFunctionCall());
        TransactionReceipt r = portal(DevKeys.USER).depositTransaction(Predeploys.DEVNET_DEPOSIT_EXECUTOR,
                BigInteger.ZERO, BigInteger.valueOf(200_000), false, call, BigInteger.ONE).send();
        Portal.TransactionDepositedEventResponse e = Portal.getTransactionDepositedEvents(r).getFirst();
        BigInteger nonce = Portal.getDepositEscrowedEvents(r).getFirst().depositNonce;
        String l2Hash = OpDepositTx.at(e.log, DepositTransaction.decode(e.from, e.to, e.version, e.opaqueData)).hash();

        operator.sequencer("l2a").executeDue();

        TransactionReceipt deposited = l2a().web3j().ethGetTransactionReceipt(l2Hash).send().getTransactionReceipt()
                .orElseThrow();
        assertThat(deposited.isStatusOK()).as("the deposit's call on the L2").isFalse();
        assertThat(DepositExecutor.getDepositExecutedEvents(blockReceipts(deposited.getBlockNumber())))
                .singleElement().satisfies(x -> {
                    assertThat(x.nonce).isEqualTo(nonce);
                    assertThat(x.success).isFalse();
                });
    }

    @Test
    void onlyTheSequencerRecordsDeposits() throws Exception {
        DepositExecutor asUser = DepositExecutor.load(Predeploys.DEVNET_DEPOSIT_EXECUTOR, l2a().web3j(),
                l2a().txManager(DevKeys.USER.credentials()), DevChain.GAS);
        BigInteger next = asUser.executedCount().send();
        String call = asUser.recordExecuted(next, new byte[32], DevKeys.USER.address(), DevKeys.USER.address(), true)
                .encodeFunctionCall();
        assertThat(refusal(l2a(), DevKeys.USER, Predeploys.DEVNET_DEPOSIT_EXECUTOR, call))
                .contains("only the sequencer can record deposits");
    }

    /** The logs of every transaction of L2 block {@code number}, as one receipt. */
    private static TransactionReceipt blockReceipts(BigInteger number) throws Exception {
        TransactionReceipt all = new TransactionReceipt();
        List<org.web3j.protocol.core.methods.response.Log> logs = new ArrayList<>();
        for (var t : l2a().web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false).send().getBlock()
                .getTransactions()) {
            l2a().web3j().ethGetTransactionReceipt((String) t.get()).send().getTransactionReceipt()
                    .ifPresent(x -> logs.addAll(x.getLogs()));
        }
        all.setLogs(logs);
        return all;
    }
}
