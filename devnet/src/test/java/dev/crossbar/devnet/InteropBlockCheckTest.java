package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.core.protocol.ExecutingMessages;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.devnet.operator.InteropBlockCheck;
import dev.crossbar.devnet.operator.Proposer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.AccessListObject;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The devnet's block builder check of interop executing messages ({@link InteropBlockCheck}): a block with a relay of
 * a message its source chain does not have, or of an expired one, or with a malformed inbox access list, is taken off
 * the L2 with no effect left; valid relays stay (or are mined again when their block goes); the proposer proposes
 * only checked blocks.
 */
class InteropBlockCheckTest extends DevnetTestBase {

    @Test
    void aRunningOperatorTakesAForgedRelayOffTheChainWithinSecondsAndKeepsAValidOne() throws Exception {
        try (DevnetOperator running = DevnetOperator.running(devnet, Duration.ofMillis(200), Duration.ofHours(1))) {
            BigInteger pings = l2bTarget().pingCount().send();
            TransactionReceipt valid = relay(new DemoTraffic(devnet, DevKeys.USER.credentials())
                    .crossRollup(0, 1, "valid relay"), DevKeys.USER);
            assertThat(valid.isStatusOK()).isTrue();

            TransactionReceipt forged = running.forgeRelay("l2b");
            assertThat(forged.isStatusOK()).as("the CrossL2Inbox lets the forged relay through").isTrue();
            byte[] forgedHash = L2ToL2CrossDomainMessenger.getRelayedMessageEvents(forged).getFirst().messageHash;

            await().atMost(Duration.ofSeconds(10)).until(() -> receipt(l2b(), forged.getTransactionHash()) == null);
            assertThat(l2b().web3j().ethGetTransactionByHash(forged.getTransactionHash()).send().getTransaction())
                    .as("the forged relay is nowhere on l2b").isEmpty();
            assertThat(blockHash(l2b(), forged.getBlockNumber())).isNotEqualTo(forged.getBlockHash());
            assertThat(messenger().successfulMessages(forgedHash).send()).as("forged message relayed").isFalse();
            assertThat(l2bTarget().pingCount().send()).isEqualTo(pings.add(BigInteger.ONE));
            assertThat(l2bTarget().lastNote().send()).isEqualTo("valid relay");

            TransactionReceipt stillThere = receipt(l2b(), valid.getTransactionHash());
            assertThat(stillThere).as("the valid relay stays").isNotNull();
            assertThat(stillThere.getBlockHash()).isEqualTo(valid.getBlockHash());
            assertThat(messenger().successfulMessages(L2ToL2CrossDomainMessenger.getRelayedMessageEvents(valid)
                    .getFirst().messageHash).send()).isTrue();
            Map<String, Object> status = status(running, "l2b");
            assertThat(status).containsEntry("invalidExecutingMessages", 1L).containsEntry("blocksReorgedAway", 1L);
            assertThat((long) status.get("interopBlocksChecked")).isGreaterThanOrEqualTo(2);
            assertThat(status(running, "l2a")).containsEntry("invalidExecutingMessages", 0L)
                    .containsEntry("blocksReorgedAway", 0L);
        }
    }

    @Test
    void theForgeRelaySwitchLetsItsForgeryPastTheCheckWhichCountsIt() throws Exception {
        try (DevnetOperator running = DevnetOperator.running(devnet, Duration.ofMillis(200), Duration.ofHours(1))) {
            String done = running.misbehave(dev.crossbar.devnet.operator.Misbehaviour.FORGE_RELAY, "l2b", null);
            String tx = done.substring(done.lastIndexOf(' ') + 1);
            TransactionReceipt forged = receipt(l2b(), tx);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    running.interopCheck("l2b").checkedUpTo() >= forged.getBlockNumber().longValueExact());
            assertThat(receipt(l2b(), tx)).as("the forgery stays").isNotNull();
            assertThat(blockHash(l2b(), forged.getBlockNumber())).isEqualTo(forged.getBlockHash());
            assertThat(status(running, "l2b")).containsEntry("invalidExecutingMessages", 1L)
                    .containsEntry("blocksReorgedAway", 0L);
        } finally {
            // The class's manual operator does not let it through: l2b is clean again for the other tests.
            operator.interopCheck("l2b").checkNew();
        }
    }

    @Test
    void theValidTransactionsOfTakenAwayBlocksAreMinedAgainAndTheProposerProposesOnlyCheckedBlocks()
            throws Exception {
        InteropBlockCheck check = operator.interopCheck("l2b");
        check.checkNew();
        long reorgedBefore = check.blocksReorgedAway();
        long reincludedBefore = check.transactionsReincluded();
        BigInteger pings = l2bTarget().pingCount().send();
        TransactionReceipt sent = new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollup(0, 1, "after it");
        // The manual operator's check has not run: the forged relay is on l2b, and a valid relay after it.
        TransactionReceipt forged = operator.forgeRelay("l2b");
        TransactionReceipt valid = relay(sent, DevKeys.USER);
        assertThat(valid.getBlockNumber()).isGreaterThan(forged.getBlockNumber());
        assertThat(l2bTarget().pingCount().send()).isEqualTo(pings.add(BigInteger.TWO));

        Proposer proposer = operator.proposer("l2b");
        long proposed = proposer.proposeIfDue();

        assertThat(receipt(l2b(), forged.getTransactionHash())).as("the forged relay").isNull();
        assertThat(check.blocksReorgedAway()).isEqualTo(reorgedBefore + 1);
        TransactionReceipt again = receipt(l2b(), valid.getTransactionHash());
        assertThat(again).as("the valid relay, mined again").isNotNull();
        assertThat(again.isStatusOK()).isTrue();
        assertThat(again.getBlockHash()).isNotEqualTo(valid.getBlockHash());
        assertThat(check.transactionsReincluded()).isEqualTo(reincludedBefore + 1);
        assertThat(l2bTarget().pingCount().send()).isEqualTo(pings.add(BigInteger.ONE));
        assertThat(l2bTarget().lastNote().send()).isEqualTo("after it");

        assertThat(proposed).as("a proposal was due").isPositive();
        assertThat(proposed).isLessThanOrEqualTo(check.checkedUpTo());
        var output = proposer.oracle().getL2OutputAfter(BigInteger.valueOf(proposed)).send();
        assertThat(output.l2BlockNumber.longValueExact()).isEqualTo(proposed);
        assertThat(output.outputRoot).as("the output commits to the chain as it is after the take-away")
                .isEqualTo(Proposer.computeOutput(l2b(), proposed).outputRoot());
    }

    @Test
    void aDepositAndItsRecordAfterAForgedRelayOfTheSequencerKeyAreMinedAgainInOneBlock() throws Exception {
        InteropBlockCheck check = operator.interopCheck("l2a");
        check.checkNew();
        DepositExecutor executor = DepositExecutor.load(Predeploys.DEVNET_DEPOSIT_EXECUTOR, l2a().web3j(),
                l2a().txManager(DevKeys.USER.credentials()), DevChain.GAS);
        BigInteger executed = executor.executedCount().send();
        BigInteger pings = l2aTarget().pingCount().send();
        TransactionReceipt forged = operator.forgeRelay("l2a");
        new DemoTraffic(devnet, DevKeys.USER.credentials()).deposit(0, "deposited after the forgery", BigInteger.ZERO);
        assertThat(operator.sequencer("l2a").executeDue()).isEqualTo(1);
        long depositBlock = l2a().blockNumber().longValueExact();
        var txs = l2a().web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(depositBlock)),
                true).send().getBlock().getTransactions();
        assertThat(txs).as("the deposit and its record, by the sequencer key like the forgery").hasSize(2);
        String deposit = txs.stream().map(t -> (org.web3j.protocol.core.methods.response.Transaction) t.get())
                .filter(t -> "0x7e".equalsIgnoreCase(t.getType())).findFirst().orElseThrow().getHash();

        check.checkNew();

        assertThat(receipt(l2a(), forged.getTransactionHash())).isNull();
        TransactionReceipt depositAgain = receipt(l2a(), deposit);
        assertThat(depositAgain).as("the deposit, under the same hash").isNotNull();
        assertThat(depositAgain.isStatusOK()).isTrue();
        var block = l2a().web3j().ethGetBlockByHash(depositAgain.getBlockHash(), true).send().getBlock();
        assertThat(block.getTransactions()).as("with its record, signed again at the sequencer's next nonce")
                .hasSize(2);
        var record = block.getTransactions().stream()
                .map(t -> (org.web3j.protocol.core.methods.response.Transaction) t.get())
                .filter(t -> !"0x7e".equalsIgnoreCase(t.getType())).findFirst().orElseThrow();
        assertThat(record.getFrom()).isEqualToIgnoringCase(DevKeys.SEQUENCER.address());
        assertThat(record.getTo()).isEqualToIgnoringCase(Predeploys.DEVNET_DEPOSIT_EXECUTOR);
        assertThat(receipt(l2a(), record.getHash()).isStatusOK()).isTrue();
        assertThat(executor.executedCount().send()).isEqualTo(executed.add(BigInteger.ONE));
        assertThat(l2aTarget().pingCount().send()).isEqualTo(pings.add(BigInteger.ONE));
        assertThat(l2aTarget().lastNote().send()).isEqualTo("deposited after the forgery");
        assertThat(check.checkedUpTo()).isEqualTo(l2a().blockNumber().longValueExact());
    }

    @Test
    void aRelayExecutedLaterThanTheExpiryWindowAfterItsSourceIsTakenAway() throws Exception {
        long window = 30;
        try (DevnetOperator running = DevnetOperator.running(devnet, Duration.ofMillis(200), Duration.ofHours(1),
                Duration.ofSeconds(window))) {
            BigInteger pings = l2bTarget().pingCount().send();
            TransactionReceipt sent = new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollup(0, 1, "late");
            try {
                l2b().anvil().increaseTime(window + 30);
                TransactionReceipt late = relay(sent, DevKeys.USER_2);
                assertThat(late.isStatusOK()).as("the CrossL2Inbox does not know about expiry").isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> receipt(l2b(), late.getTransactionHash()) == null);
                assertThat(l2bTarget().pingCount().send()).isEqualTo(pings);
                assertThat(status(running, "l2b")).containsEntry("invalidExecutingMessages", 1L)
                        .containsEntry("blocksReorgedAway", 1L);
            } finally {
                // The two L2s' clocks agree again, for the other tests.
                l2a().anvil().increaseTime(window + 30);
                l2a().anvil().mine(1);
            }
        }
    }

    @Test
    void aTransactionWithAMalformedInboxAccessListIsTakenAway() throws Exception {
        InteropBlockCheck check = operator.interopCheck("l2b");
        check.checkNew();
        long invalidBefore = check.invalidMessages();
        BigInteger pings = l2bTarget().pingCount().send();
        var message = new ExecutingMessages.Message(new ExecutingMessages.Identifier(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, 1, 0, 1, BigInteger.valueOf(l2a().chainId())),
                new byte[32]);
        List<String> lookupOnly = List.of(ExecutingMessages.storageKeys(message.id(), message.msgHash()).getFirst());
        String ping = l2bTarget().ping("malformed", BigInteger.ZERO).encodeFunctionCall();
        TransactionReceipt r = l2b().sendWithAccessList(DevKeys.USER.credentials(),
                l2bTarget().getContractAddress(), ping, BigInteger.ZERO,
                List.of(new AccessListObject(Predeploys.CROSS_L2_INBOX, lookupOnly)));
        assertThat(r.isStatusOK()).as("the EVM does not read the access list").isTrue();

        check.checkNew();

        assertThat(receipt(l2b(), r.getTransactionHash())).isNull();
        assertThat(check.invalidMessages()).isEqualTo(invalidBefore + 1);
        assertThat(l2bTarget().pingCount().send()).isEqualTo(pings);
    }

    @Test
    void aRollbackOrReorgKeepsTheChainsClockWhereItWas() throws Exception {
        long ahead = 1000;
        try {
            l2b().anvil().increaseTime(ahead);
            l2b().anvil().mine(1); // the only block after the jump: removing it would set the clock back
            long headTime = l2b().web3j().ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST,
                    false).send().getBlock().getTimestamp().longValueExact();
            l2b().anvil().rollback(1);
            assertThat(l2b().anvil().clock()).as("after a rollback (anvil would set it back %d s)", ahead)
                    .isGreaterThanOrEqualTo(headTime);
            l2b().anvil().mine(1);
            l2b().anvil().reorg(1);
            assertThat(l2b().anvil().clock()).as("after a reorg").isGreaterThanOrEqualTo(headTime);
        } finally {
            // The two L2s' clocks agree again, for the other tests.
            l2a().anvil().increaseTime(ahead);
            l2a().anvil().mine(1);
        }
    }

    /** Relays the L2-to-L2 message of {@code sent} (on l2a) to l2b as {@code key}, declaring it. */
    private static TransactionReceipt relay(TransactionReceipt sent, DevKeys key) throws Exception {
        Log log = sent.getLogs().stream()
                .filter(l -> l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)).findFirst()
                .orElseThrow();
        L2ToL2Payload payload = L2ToL2Payload.fromLog(log.getTopics(), log.getData());
        BigInteger timestamp = l2a().web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(log.getBlockNumber()),
                false).send().getBlock().getTimestamp();
        var id = new L2ToL2CrossDomainMessenger.Identifier(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                log.getBlockNumber(), log.getLogIndex(), timestamp, BigInteger.valueOf(l2a().chainId()));
        var declared = new ExecutingMessages.Message(new ExecutingMessages.Identifier(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, log.getBlockNumber().longValueExact(),
                log.getLogIndex().longValueExact(), timestamp.longValueExact(), BigInteger.valueOf(l2a().chainId())),
                ExecutingMessages.msgHash(log.getTopics(), Numeric.hexStringToByteArray(log.getData())));
        String call = messenger().relayMessage(id, payload.encode(), BigInteger.ZERO).encodeFunctionCall();
        return l2b().sendWithAccessList(key.credentials(), Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, call,
                BigInteger.ZERO, ExecutingMessages.accessList(List.of(declared)));
    }

    private static DevChain l2b() {
        return devnet.l2(1);
    }

    private static DemoTarget l2bTarget() {
        return DemoTarget.load(devnet.manifest().l2s().get(1).contract("demoTarget"), l2b().web3j(),
                l2b().txManager(DevKeys.USER.credentials()), DevChain.GAS);
    }

    private static L2ToL2CrossDomainMessenger messenger() {
        return L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, l2b().web3j(),
                l2b().txManager(DevKeys.USER.credentials()), DevChain.GAS);
    }

    private static TransactionReceipt receipt(DevChain chain, String tx) throws Exception {
        return chain.web3j().ethGetTransactionReceipt(tx).send().getTransactionReceipt().orElse(null);
    }

    private static String blockHash(DevChain chain, BigInteger number) throws Exception {
        return chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(number), false).send().getBlock()
                .getHash();
    }

    private static Map<String, Object> status(DevnetOperator op, String l2) {
        return op.status().stream().filter(m -> m.get("l2").equals(l2)).findFirst().orElseThrow();
    }
}
