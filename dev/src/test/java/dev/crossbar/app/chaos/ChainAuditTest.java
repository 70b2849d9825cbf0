package dev.crossbar.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.chaos.AuditResult.ExtraTx;
import dev.crossbar.app.chaos.AuditResult.FlowRow;
import dev.crossbar.app.chaos.ChainAudit.Flow;
import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.core.protocol.WithdrawalProof;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.testkit.stack.RealStack;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * The chain audit against a real output-oracle devnet (automine, one-hour window moved with the L1's clock) with the
 * watchers filling a real store (the test stack, {@link RealStack}): messages in every flow, some delivered by a
 * relayer key, one fast message relayed a second time (the messenger refuses it: an extra, reverted transaction), one
 * relayed twice after the messenger was made to forget the first (double), a cancel, a forged relay and a relay whose
 * source block was reorged away (orphan effects), a fast message and an L1-to-L2 message never delivered (lost), a
 * withdrawal no output covers yet (not yet due), a message whose call fails on L1 (failed) and a replay of it that
 * fails again (an extra transaction without effect).
 */
class ChainAuditTest {
    private static final DevKeys RELAYER = DevKeys.RELAYER;

    private RealStack stack;

    @AfterEach
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void countsEveryFlowAndEveryExtraTransactionFromTheChains() throws Exception {
        stack = RealStack.start("chain-audit", 1, null);
        Devnet devnet = stack.devnet;
        DevnetOperator operator = stack.operator;
        DevnetManifest m = devnet.manifest();
        DevChain l1 = devnet.l1();
        DevChain l2a = devnet.l2(0);
        DevChain l2b = devnet.l2(1);
        ChainAudit audit = ChainAudit.of(m).signers(List.of(RELAYER.address()));
        for (DevChain c : List.of(l1, l2a, l2b)) {
            audit.from(c.chainId(), c.blockNumber().longValueExact() + 1); // after the deployment
        }
        DemoTraffic user = new DemoTraffic(devnet, DevKeys.USER.credentials());

        // Fast: one relayed by the relayer key, then relayed again (the messenger refuses: reverted); one never
        // relayed; one relay of a message nobody sent (the operator's forgery).
        TransactionReceipt fast = user.crossRollup(0, 1, "fast, relayed");
        Relay relay = relayCall(l2a, fast);
        assertThat(send(l2b, relay).isStatusOK()).isTrue();
        assertThat(send(l2b, relay).isStatusOK())
                .as("a second relay of the same message").isFalse();
        user.crossRollup(1, 0, "fast, never relayed");
        operator.forgeRelay("l2b");
        // A double: the destination forgets it relayed a message (its successfulMessages entry is cleared, as a
        // messenger without that guard would be), and the relayer key relays it again.
        TransactionReceipt doubled = user.crossRollup(0, 1, "fast, relayed twice");
        Relay relayTwice = relayCall(l2a, doubled);
        assertThat(send(l2b, relayTwice).isStatusOK()).isTrue();
        forgetRelay(l2b, doubled, l2a.chainId());
        assertThat(send(l2b, relayTwice).isStatusOK()).isTrue();
        // An orphan effect: a message relayed, then its source block reorged away (another user: USER's nonces stay).
        TransactionReceipt reorged = new DemoTraffic(devnet, DevKeys.USER_2.credentials())
                .crossRollup(0, 1, "source reorged away");
        Relay relayOrphan = relayCall(l2a, reorged);
        assertThat(send(l2b, relayOrphan).isStatusOK()).isTrue();
        assertThat(l2a.blockNumber()).isEqualTo(reorged.getBlockNumber());
        l2a.anvil().reorg(1);

        // Deposits into l2a: a plain one and a messenger message, both executed by the sequencer.
        user.depositEther(0, DevKeys.USER.address(), BigInteger.TEN);
        user.deposit(0, "to l2a", BigInteger.ZERO);
        assertThat(operator.sequencer("l2a").executeDue()).isEqualTo(2);

        // Withdrawals from l2a: a messenger message, a plain one, and a settled message to l2b; proven and finalized by
        // the relayer key; the settled one's second leg executed on l2b.
        // A fourth message to L1 finds its target reverting: the messenger records the failure (failed), and the
        // relayer key's replay while it still reverts fails again (an extra transaction without effect).
        List<TransactionReceipt> withdrawals = List.of(user.withdrawal(0, "to L1", BigInteger.ZERO),
                plainWithdrawal(l2a), user.settled(0, 1, "to l2b, through L1"),
                user.withdrawal(0, "its call fails", BigInteger.ZERO));
        l2a.anvil().mine(1);
        operator.proposer("l2a").propose(l2a.blockNumber().longValueExact());
        Portal portal = Portal.load(m.l2s().getFirst().settlement().portal(), l1.web3j(),
                l1.txManager(RELAYER.credentials()), DevChain.GAS);
        BigInteger index = operator.proposer("l2a").oracle().latestOutputIndex().send();
        List<Portal.WithdrawalTransaction> txs = new ArrayList<>();
        for (TransactionReceipt w : withdrawals) {
            txs.add(prove(l2a, portal, index, w));
        }
        l1.anvil().increaseTime(m.l2s().getFirst().settlement().finalizationPeriodSeconds() + 1);
        l1.anvil().mine(1);
        DemoTarget l1Target = DemoTarget.load(m.l1().contract("demoTarget"), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        for (Portal.WithdrawalTransaction tx : txs) {
            if (tx == txs.getLast()) {
                l1Target.setReverting(true).send();
            }
            assertThat(portal.finalizeWithdrawalTransaction(tx).send().isStatusOK()).isTrue();
        }
        String l1Messenger = m.l2s().getFirst().settlement().l1Messenger();
        assertThat(send(l1, l1Messenger, Numeric.toHexString(txs.getLast().data)).isStatusOK())
                .as("a replay that fails again is mined").isTrue();
        l1Target.setReverting(false).send();
        assertThat(operator.sequencer("l2b").executeDue()).as("the settled message's second leg").isEqualTo(1);

        // Not delivered: a withdrawal no output covers yet (not due), a message to l2b its sequencer never runs (lost).
        user.withdrawal(0, "not yet due", BigInteger.ZERO);
        user.deposit(1, "never executed", BigInteger.ZERO);
        // A cancel: the relayer key sends nothing to itself.
        assertThat(send(l1, RELAYER.address(), "0x").isStatusOK()).isTrue();

        stack.awaitWatchers();
        long started = System.nanoTime();
        AuditResult r = audit.store(stack.store).run();
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.println(r.table());
        System.out.println(r.json());
        System.out.println("audit took " + ms + " ms");

        assertThat(r.flow(Flow.DEPOSIT)).isEqualTo(new FlowRow(Flow.DEPOSIT, 1, 1, 0, 0, 0, 0, 0));
        assertThat(r.flow(Flow.WITHDRAWAL)).isEqualTo(new FlowRow(Flow.WITHDRAWAL, 1, 1, 0, 0, 0, 0, 0));
        assertThat(r.flow(Flow.MESSAGE_L1_TO_L2)).isEqualTo(new FlowRow(Flow.MESSAGE_L1_TO_L2, 2, 1, 0, 1, 0, 0, 0));
        assertThat(r.flow(Flow.MESSAGE_L2_TO_L1)).isEqualTo(new FlowRow(Flow.MESSAGE_L2_TO_L1, 3, 1, 1, 0, 0, 0, 1));
        assertThat(r.flow(Flow.FAST_L2_TO_L2)).as("the forged relay and the reorged one are orphans")
                .isEqualTo(new FlowRow(Flow.FAST_L2_TO_L2, 3, 1, 0, 1, 1, 2, 0));
        assertThat(r.flow(Flow.SETTLED_L2_TO_L2)).isEqualTo(new FlowRow(Flow.SETTLED_L2_TO_L2, 1, 1, 0, 0, 0, 0, 0));

        assertThat(List.of(r.lost(), r.doubled(), r.orphans())).containsExactly(2, 1, 2);

        assertThat(r.signer(RELAYER.address(), l2b.chainId())).satisfies(s -> {
            assertThat(s.transactions()).as("5 relays, one of them refused").isEqualTo(5);
            assertThat(s.useful()).isEqualTo(4);
            assertThat(s.reverted()).isEqualTo(1);
        });
        assertThat(r.signer(RELAYER.address(), l1.chainId())).satisfies(s -> {
            assertThat(s.transactions()).as("4 proofs, 4 finalizations, a failed replay, a cancel").isEqualTo(10);
            assertThat(s.useful()).isEqualTo(8);
            assertThat(s.noEffect()).isEqualTo(2);
        });
        assertThat(r.signer(RELAYER.address(), l2a.chainId()).transactions()).isZero();
        assertThat(r.extraTransactions()).extracting(ExtraTx::chainId, ExtraTx::outcome, ExtraTx::nonce)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(l2b.chainId(), ExtraTx.REVERTED, 1L),
                        org.assertj.core.groups.Tuple.tuple(l1.chainId(), ExtraTx.NO_EFFECT, 8L),
                        org.assertj.core.groups.Tuple.tuple(l1.chainId(), ExtraTx.NO_EFFECT, 9L));

        // The relayer key's transactions were sent by the test, not through the store: the store recorded none.
        assertThat(r.nonces()).filteredOn(n -> n.problem() != null).extracting(AuditResult.NonceRow::chainId)
                .containsExactlyInAnyOrder(l1.chainId(), l2b.chainId());
        // The watchers recorded every message; the lost ones are still waiting there.
        assertThat(r.store()).extracting(AuditResult.StoreRow::state).containsExactlyInAnyOrder("READY", "SENT");
        assertThat(r.clean()).isFalse();

        JsonNode json = Json.MAPPER.readTree(r.json());
        assertThat(json.path("flows")).hasSize(Flow.values().length);
        assertThat(r.table()).contains("fast L2->L2").contains("extra tx:");
    }

    /** A relay: its call data and the access list that declares its message. */
    private record Relay(String data, List<org.web3j.crypto.AccessListObject> accessList) {}

    /**
     * The relay of the fast message sent in {@code sent}: the call with the identifier of its source log, and the
     * access list that declares it to the CrossL2Inbox.
     */
    private static Relay relayCall(DevChain source, TransactionReceipt sent) throws Exception {
        Log log = sent.getLogs().stream()
                .filter(l -> l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)).findFirst()
                .orElseThrow();
        EthBlock.Block block = source.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(log.getBlockNumber()),
                false).send().getBlock();
        var id = new L2ToL2CrossDomainMessenger.Identifier(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, log.getBlockNumber(),
                log.getLogIndex(), block.getTimestamp(), BigInteger.valueOf(source.chainId()));
        byte[] payload = L2ToL2Payload.fromLog(log.getTopics(), log.getData()).encode();
        String data = L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, source.web3j(),
                source.txManager(RELAYER.credentials()), DevChain.GAS).relayMessage(id, payload, BigInteger.ZERO)
                .encodeFunctionCall();
        var declared = new dev.crossbar.core.protocol.ExecutingMessages.Message(
                new dev.crossbar.core.protocol.ExecutingMessages.Identifier(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                        log.getBlockNumber().longValueExact(), log.getLogIndex().longValueExact(),
                        block.getTimestamp().longValueExact(), BigInteger.valueOf(source.chainId())),
                org.web3j.crypto.Hash.sha3(payload));
        return new Relay(data, dev.crossbar.core.protocol.ExecutingMessages.accessList(List.of(declared)));
    }

    /** Sends {@code relay} to the destination's messenger from the relayer key, declaring its message. */
    private static TransactionReceipt send(DevChain chain, Relay relay) throws Exception {
        String hash = chain.broadcastWithAccessList(RELAYER.credentials(), Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                relay.data(), BigInteger.ZERO, relay.accessList(), BigInteger.valueOf(1_000_000_000L));
        return new PollingTransactionReceiptProcessor(chain.web3j(), 100, 100).waitForTransactionReceipt(hash);
    }

    /**
     * Clears the destination messenger's record that the fast message sent in {@code sent} was relayed:
     * {@code successfulMessages} is the messenger's first storage slot, so the entry is at
     * {@code keccak256(abi.encode(messageHash, 0))}.
     */
    private static void forgetRelay(DevChain destination, TransactionReceipt sent, long source) throws Exception {
        Log log = sent.getLogs().stream()
                .filter(l -> l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)).findFirst()
                .orElseThrow();
        byte[] hash = L2ToL2Payload.fromLog(log.getTopics(), log.getData()).messageHash(BigInteger.valueOf(source));
        destination.anvil().setStorageAt(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, Numeric.toHexString(
                Hashes.keccakAbi(new Bytes32(hash), new Uint256(BigInteger.ZERO))), Numeric.toHexString(new byte[32]));
        L2ToL2CrossDomainMessenger messenger = L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                destination.web3j(), destination.txManager(RELAYER.credentials()), DevChain.GAS);
        assertThat(messenger.successfulMessages(hash).send()).as("the messenger forgot the relay").isFalse();
    }

    /** Sends {@code data} to {@code to} from the relayer key with a fixed gas limit (no estimate: it may revert). */
    private static TransactionReceipt send(DevChain chain, String to, String data) throws Exception {
        var sent = chain.txManager(RELAYER.credentials()).sendTransaction(DevChain.GAS.getGasPrice(),
                BigInteger.valueOf(1_000_000), to, data, BigInteger.ZERO);
        assertThat(sent.hasError()).as("%s", sent.getError() == null ? "" : sent.getError().getMessage()).isFalse();
        return new PollingTransactionReceiptProcessor(chain.web3j(), 100, 100)
                .waitForTransactionReceipt(sent.getTransactionHash());
    }

    /** A withdrawal straight through the message passer (no messenger), to an account on L1. */
    private static TransactionReceipt plainWithdrawal(DevChain l2) throws Exception {
        return L2ToL1MessagePasser.load(Predeploys.L2_TO_L1_MESSAGE_PASSER, l2.web3j(),
                l2.txManager(DevKeys.USER.credentials()), DevChain.GAS)
                .initiateWithdrawal(DevKeys.USER_2.address(), BigInteger.valueOf(100_000), new byte[0],
                        BigInteger.ZERO).send();
    }

    /** Proves the withdrawal initiated in {@code sent} against output {@code index}, from the relayer key. */
    private static Portal.WithdrawalTransaction prove(DevChain l2, Portal portal, BigInteger index,
            TransactionReceipt sent) throws Exception {
        var e = L2ToL1MessagePasser.getMessagePassedEvents(sent).getFirst();
        var tx = new Portal.WithdrawalTransaction(e.nonce, e.sender, e.target, e.value, e.gasLimit, e.data);
        BigInteger l2Block = l2.blockNumber();
        EthBlock.Block block = l2.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(l2Block), false).send()
                .getBlock();
        EthGetProof proof = l2.web3j().ethGetProof(Predeploys.L2_TO_L1_MESSAGE_PASSER,
                List.of(Numeric.toHexString(Hashes.sentMessageSlot(e.withdrawalHash))),
                Numeric.toHexStringWithPrefix(l2Block)).send();
        WithdrawalProof p = WithdrawalProof.from(e.withdrawalHash, block.getHash(), block.getStateRoot(),
                proof.getProof());
        assertThat(portal.proveWithdrawalTransaction(tx, index, new Portal.OutputRootProof(new byte[32], p.stateRoot(),
                p.messagePasserStorageRoot(), p.blockHash()), p.storageProof()).send().isStatusOK()).isTrue();
        return tx;
    }
}
