package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.bindings.CrossL2Inbox;
import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.Encodings;
import dev.crossbar.core.protocol.ExecutingMessages;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.Predeploys;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A message is delivered once: neither messenger lets it be relayed twice; an L2-to-L2 relay goes through the
 * CrossL2Inbox only when its transaction declares the message in its access list.
 */
class MessengerRulesTest extends DevnetTestBase {

    @Test
    void failedMessageCanBeReplayedOnceAndNeverAgain() throws Exception {
        DemoTarget target = DemoTarget.load(l1Target().getContractAddress(), l1().web3j(),
                l1().txManager(DevKeys.DEPLOYER.credentials()), DevChain.GAS);
        target.setReverting(true).send();
        Withdrawal w = withdrawPing(DevKeys.USER.credentials(), "first it fails");
        BigInteger index = proposeOutput();
        prove(w, index, proofAt(w, index));
        advanceL1Time(devnet.config().finalizationPeriod().toSeconds() + 1);
        TransactionReceipt finalized = portal(DevKeys.RELAYER).finalizeWithdrawalTransaction(w.tx()).send();
        assertThat(Portal.getWithdrawalFinalizedEvents(finalized).getFirst().success)
                .as("the withdrawal itself succeeds; the messenger records the failed call").isTrue();

        // The messenger message inside the withdrawal: relayMessage(nonce, sender, target, value, gas, data).
        var relay = org.web3j.abi.FunctionReturnDecoder.decode(Numeric.toHexString(w.tx().data).substring(10),
                org.web3j.abi.Utils.convert(java.util.List.of(
                        new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.generated.Uint256>() {},
                        new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.Address>() {},
                        new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.Address>() {},
                        new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.generated.Uint256>() {},
                        new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.generated.Uint256>() {},
                        new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.DynamicBytes>() {})));
        BigInteger nonce = (BigInteger) relay.get(0).getValue();
        String sender = (String) relay.get(1).getValue();
        String to = (String) relay.get(2).getValue();
        BigInteger value = (BigInteger) relay.get(3).getValue();
        BigInteger gas = (BigInteger) relay.get(4).getValue();
        byte[] message = (byte[]) relay.get(5).getValue();
        assertThat(Encodings.nonceVersion(nonce)).isEqualTo(1);
        byte[] hash = Hashes.crossDomainMessageV1(nonce, sender, to, value, gas, message);
        L1Messenger messenger = L1Messenger.load(l2aEntry().settlement().l1Messenger(), l1().web3j(),
                l1().txManager(DevKeys.USER_2.credentials()), DevChain.GAS);
        assertThat(messenger.failedMessages(hash).send()).isTrue();
        assertThat(messenger.successfulMessages(hash).send()).isFalse();

        target.setReverting(false).send();
        BigInteger pings = l1Target().pingCount().send();
        messenger.relayMessage(nonce, sender, to, value, gas, message, BigInteger.ZERO).send();
        assertThat(l1Target().pingCount().send()).isEqualTo(pings.add(BigInteger.ONE));
        assertThat(messenger.successfulMessages(hash).send()).isTrue();

        String again = messenger.relayMessage(nonce, sender, to, value, gas, message, BigInteger.ZERO)
                .encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.USER_2, messenger.getContractAddress(), again))
                .isEqualTo("CrossDomainMessenger: message has already been relayed");
    }

    @Test
    void crossRollupMessageIsRelayedByAnyoneWhoDeclaresItAndOnlyOnce() throws Exception {
        DevChain l2b = devnet.l2(1);
        DevnetManifest.Chain l2bEntry = devnet.manifest().l2s().get(1);
        TransactionReceipt sent = new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollup(0, 1, "to l2b");
        Log log = sent.getLogs().stream()
                .filter(l -> l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)).findFirst()
                .orElseThrow();
        L2ToL2Payload payload = L2ToL2Payload.fromLog(log.getTopics(), log.getData());
        var block = l2a().web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(log.getBlockNumber()), false)
                .send().getBlock();
        L2ToL2CrossDomainMessenger.Identifier id = new L2ToL2CrossDomainMessenger.Identifier(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, log.getBlockNumber(), log.getLogIndex(),
                block.getTimestamp(), BigInteger.valueOf(l2a().chainId()));
        byte[] msgHash = ExecutingMessages.msgHash(log.getTopics(), Numeric.hexStringToByteArray(log.getData()));
        assertThat(msgHash).as("keccak256(topics ++ data) is keccak256 of the relay's payload")
                .isEqualTo(Hash.sha3(payload.encode()));
        var declared = new ExecutingMessages.Message(new ExecutingMessages.Identifier(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, log.getBlockNumber().longValueExact(),
                log.getLogIndex().longValueExact(), block.getTimestamp().longValueExact(),
                BigInteger.valueOf(l2a().chainId())), msgHash);

        CrossL2Inbox inbox = CrossL2Inbox.load(Predeploys.CROSS_L2_INBOX, l2b.web3j(),
                l2b.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(inbox.calculateChecksum(new CrossL2Inbox.Identifier(id.origin, id.blockNumber, id.logIndex,
                id.timestamp, id.chainId), msgHash).send())
                .as("the inbox's checksum is the one the relayer declares")
                .isEqualTo(ExecutingMessages.checksum(declared.id(), msgHash));

        L2ToL2CrossDomainMessenger asUser = L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                l2b.web3j(), l2b.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        String relayCall = asUser.relayMessage(id, payload.encode(), BigInteger.ZERO).encodeFunctionCall();
        assertThat(refusal(l2b, DevKeys.USER, Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, relayCall))
                .as("without an access list").isEqualTo("NonDeclaredExecutingMessage");
        var wrongIndex = new ExecutingMessages.Message(new ExecutingMessages.Identifier(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, log.getBlockNumber().longValueExact(),
                log.getLogIndex().longValueExact() + 1, block.getTimestamp().longValueExact(),
                BigInteger.valueOf(l2a().chainId())), msgHash);
        assertThat(Refusals.refusal(l2b, DevKeys.USER.address(), Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, relayCall,
                ExecutingMessages.accessList(List.of(wrongIndex))))
                .as("declaring another log's checksum").isEqualTo("NonDeclaredExecutingMessage");
        var wrongHash = new ExecutingMessages.Message(declared.id(), Hash.sha3(msgHash));
        assertThat(Refusals.refusal(l2b, DevKeys.USER.address(), Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, relayCall,
                ExecutingMessages.accessList(List.of(wrongHash))))
                .as("declaring the right place with another message").isEqualTo("NonDeclaredExecutingMessage");

        // Anyone may relay: a user with no role, declaring the message.
        TransactionReceipt relayed = l2b.sendWithAccessList(DevKeys.USER.credentials(),
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, relayCall, BigInteger.ZERO,
                ExecutingMessages.accessList(List.of(declared)));
        assertThat(relayed.isStatusOK()).isTrue();
        var executing = CrossL2Inbox.getExecutingMessageEvents(relayed).getFirst();
        assertThat(executing.msgHash).isEqualTo(msgHash);
        assertThat(executing.id.logIndex).isEqualTo(log.getLogIndex());
        var event = L2ToL2CrossDomainMessenger.getRelayedMessageEvents(relayed).getFirst();
        byte[] expectedHash = payload.messageHash(BigInteger.valueOf(l2a().chainId()));
        assertThat(event.messageHash).as("off-chain message hash matches the messenger's").isEqualTo(expectedHash);
        assertThat(asUser.successfulMessages(expectedHash).send()).isTrue();
        DemoTarget l2bTarget = DemoTarget.load(l2bEntry.contract("demoTarget"), l2b.web3j(),
                l2b.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(l2bTarget.lastNote().send()).isEqualTo("to l2b");
        assertThat(l2bTarget.lastOrigin().send()).isEqualToIgnoringCase(DevKeys.USER.address());

        assertThat(Refusals.refusal(l2b, DevKeys.RELAYER.address(), Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                relayCall, ExecutingMessages.accessList(List.of(declared)))).isEqualTo("MessageAlreadyRelayed");
    }

    @Test
    void aSentMessageCanBeEmittedAgainButNoOtherOne() throws Exception {
        TransactionReceipt sent = new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollup(0, 1, "resend me");
        Log log = sent.getLogs().stream()
                .filter(l -> l.getTopics().getFirst().equalsIgnoreCase(L2ToL2Payload.SENT_MESSAGE_TOPIC)).findFirst()
                .orElseThrow();
        L2ToL2Payload p = L2ToL2Payload.fromLog(log.getTopics(), log.getData());
        L2ToL2CrossDomainMessenger anyone = L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                l2a().web3j(), l2a().txManager(DevKeys.USER_2.credentials()), DevChain.GAS);
        TransactionReceipt again = anyone.resendMessage(p.destination(), p.nonce(), p.sender(), p.target(), p.message())
                .send();
        Log reemitted = again.getLogs().getFirst();
        assertThat(reemitted.getTopics()).isEqualTo(log.getTopics());
        assertThat(reemitted.getData()).isEqualTo(log.getData());
        String forged = anyone.resendMessage(p.destination(), p.nonce(), DevKeys.USER_2.address(), p.target(),
                p.message()).encodeFunctionCall();
        assertThat(refusal(l2a(), DevKeys.USER_2, Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, forged))
                .isEqualTo("InvalidMessage");
    }
}
