package dev.crossbar.devnet.faultproof;

import dev.crossbar.core.protocol.OpDepositTx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.op.AnchorStateRegistry;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.L1CrossDomainMessenger;
import dev.crossbar.contracts.op.L2CrossDomainMessenger;
import dev.crossbar.contracts.op.L2ToL1MessagePasser;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.core.protocol.WithdrawalProof;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.operator.Proposer;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.utils.Numeric;

/**
 * The whole protocol on OP's unmodified fault-proof contracts: a deposit through the L1 messenger carried to the
 * L2 as a deposit transaction, and a withdrawal proven against a FaultDisputeGame the proposer created, finalized
 * once the game has resolved and the delays have passed.
 */
class FaultProofRoundTripTest extends FaultProofTestBase {
    private static final Logger log = LoggerFactory.getLogger(FaultProofRoundTripTest.class);
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final BigInteger GAME_IN_PROGRESS = BigInteger.ZERO;
    private static final BigInteger GAME_DEFENDER_WINS = BigInteger.TWO;
    private final Map<String, Long> stageMillis = new LinkedHashMap<>();
    private long stageStart = System.nanoTime();

    @Test
    void aMessageSentThroughTheL1MessengerIsRelayedOnTheL2ByItsDepositTransactionOnce() throws Exception {
        String target = freshAddress();
        BigInteger value = ETHER.divide(BigInteger.TWO);
        L1CrossDomainMessenger messenger = L1CrossDomainMessenger.load(contracts().l1CrossDomainMessenger().proxy(),
                l1.web3j(), l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        TransactionReceipt sent = messenger.sendMessage(target, new byte[0], BigInteger.valueOf(200_000), value).send();
        L1CrossDomainMessenger.SentMessageEventResponse message =
                L1CrossDomainMessenger.getSentMessageEvents(sent).getFirst();
        OptimismPortal2.TransactionDepositedEventResponse event = OptimismPortal2.getTransactionDepositedEvents(sent)
                .stream().filter(e -> e.log.getAddress().equalsIgnoreCase(contracts().portal().proxy()))
                .findFirst().orElseThrow();
        stage("deposit sent on L1");

        OpDepositTx deposit = OpDepositTx.from(event);
        assertThat(deposit.deposit().from()).as("the L1 messenger, aliased")
                .isEqualToIgnoringCase(Hashes.applyL1ToL2Alias(contracts().l1CrossDomainMessenger().proxy()));
        assertThat(deposit.deposit().to()).isEqualToIgnoringCase(Predeploys.L2_CROSS_DOMAIN_MESSENGER);
        assertThat(deposit.deposit().mint()).isEqualTo(value);
        assertThat(deposit.deposit().value()).isEqualTo(value);

        OpDepositSender sender = new OpDepositSender(l2);
        OpDepositSender.Included first = sender.include(deposit);
        assertThat(first.sent()).isTrue();
        TransactionReceipt relayed = first.receipt();
        stage("deposit executed on L2");
        assertThat(relayed.isStatusOK()).isTrue();
        assertThat(relayed.getTransactionHash()).isEqualTo(deposit.hash());
        assertThat(relayed.getType()).isEqualToIgnoringCase("0x7e");
        assertThat(L2CrossDomainMessenger.getRelayedMessageEvents(relayed)).singleElement()
                .satisfies(e -> assertThat(e.msgHash).isEqualTo(Hashes.crossDomainMessageV1(message.messageNonce,
                        message.sender, message.target, value, message.gasLimit, message.message)));
        assertThat(balance(l2, target)).isEqualTo(value);

        long head = l2.blockNumber().longValueExact();
        OpDepositSender.Included second = sender.include(deposit);
        assertThat(second.sent()).as("the deposit the L2 has is not sent again").isFalse();
        TransactionReceipt again = second.receipt();
        assertThat(again.getBlockNumber()).as("the deposit the L2 has is not sent again")
                .isEqualTo(relayed.getBlockNumber());
        assertThat(l2.blockNumber().longValueExact()).isEqualTo(head);
        assertThat(balance(l2, target)).isEqualTo(value);
        log.info("deposit round trip stages (ms): {}", stageMillis);
    }

    @Test
    void aWithdrawalIsProvenAgainstTheProposersGameAndFinalizedOnlyAfterItResolvesAndTheDelaysPass() throws Exception {
        String target = freshAddress();
        BigInteger value = ETHER.divide(BigInteger.TEN);
        L2ToL1MessagePasser passer = L2ToL1MessagePasser.load(Predeploys.L2_TO_L1_MESSAGE_PASSER, l2.web3j(),
                l2.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        TransactionReceipt initiated = passer.initiateWithdrawal(target, BigInteger.valueOf(100_000), new byte[0],
                value).send();
        L2ToL1MessagePasser.MessagePassedEventResponse passed =
                L2ToL1MessagePasser.getMessagePassedEvents(initiated).getFirst();
        OptimismPortal2.WithdrawalTransaction tx = new OptimismPortal2.WithdrawalTransaction(passed.nonce,
                passed.sender, passed.target, passed.value, passed.gasLimit, passed.data);
        long l2Block = initiated.getBlockNumber().longValueExact();
        assertThat(l2Block).as("within the games' output window").isLessThanOrEqualTo(PARAMS.outputWindow());
        stage("withdrawal initiated on L2");

        WithdrawalProof proof = proofAt(passed.withdrawalHash, l2Block);
        byte[] root = proof.outputRoot();
        assertThat(root).as("the proposer's output root").isEqualTo(Proposer.computeOutput(l2, l2Block).outputRoot());
        byte[] extraData = Numeric.toBytesPadded(BigInteger.valueOf(l2Block), 32);
        DisputeGameFactory factory = DisputeGameFactory.load(contracts().disputeGameFactory().proxy(), l1.web3j(),
                l1.txManager(DevKeys.PROPOSER.credentials()), DevChain.GAS);
        BigInteger alphabet = BigInteger.valueOf(FaultProofParams.ALPHABET);

        // A game for the same block with a wrong root: the portal takes no proof against it.
        byte[] wrongRoot = Hashes.outputRoot(random32(), proof.messagePasserStorageRoot(), proof.blockHash());
        factory.create(alphabet, wrongRoot, extraData, PARAMS.initBond()).send();
        BigInteger wrongIndex = factory.gameCount().send().subtract(BigInteger.ONE);

        TransactionReceipt created = factory.create(alphabet, root, extraData, PARAMS.initBond()).send();
        String gameAddress = DisputeGameFactory.getDisputeGameCreatedEvents(created).getFirst().disputeProxy;
        BigInteger index = factory.gameCount().send().subtract(BigInteger.ONE);
        assertThat(factory.gameAtIndex(index).send().component3()).isEqualToIgnoringCase(gameAddress);
        assertThat(balance(l1, contracts().delayedWeth().proxy())).as("both init bonds, held in DelayedWETH")
                .isEqualTo(PARAMS.initBond().multiply(BigInteger.TWO));
        FaultDisputeGame game = FaultDisputeGame.load(gameAddress, l1.web3j(), l1.txManager(DevKeys.USER.credentials()),
                DevChain.GAS);
        assertThat(game.rootClaim().send()).isEqualTo(root);
        assertThat(game.l2BlockNumber().send()).isEqualTo(BigInteger.valueOf(l2Block));
        assertThat(game.status().send()).isEqualTo(GAME_IN_PROGRESS);
        stage("games created on L1");

        OptimismPortal2 portal = OptimismPortal2.load(contracts().portal().proxy(), l1.web3j(),
                l1.txManager(DevKeys.RELAYER.credentials()), DevChain.GAS);
        OptimismPortal2.OutputRootProof outputRootProof = new OptimismPortal2.OutputRootProof(new byte[32],
                proof.stateRoot(), proof.messagePasserStorageRoot(), proof.blockHash());
        String portalAddress = portal.getContractAddress();
        assertThat(refusal(l1, DevKeys.RELAYER, portalAddress, portal.proveWithdrawalTransaction(tx, wrongIndex,
                outputRootProof, proof.storageProof()).encodeFunctionCall()))
                .isEqualTo("OptimismPortal: invalid output root proof");

        // A proof in a block with the game's own timestamp would never finalize: prove once the L1 clock is past it.
        BigInteger createdAt = game.createdAt().send();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            l1.anvil().mine(1);
            return latestL1Timestamp().compareTo(createdAt) > 0;
        });
        TransactionReceipt proven = portal.proveWithdrawalTransaction(tx, index, outputRootProof,
                proof.storageProof()).send();
        stage("withdrawal proven on L1");
        assertThat(OptimismPortal2.getWithdrawalProvenEvents(proven)).singleElement()
                .satisfies(e -> assertThat(e.withdrawalHash).isEqualTo(passed.withdrawalHash));
        Tuple2<String, BigInteger> provenBy = portal.provenWithdrawals(passed.withdrawalHash,
                DevKeys.RELAYER.address()).send();
        assertThat(provenBy.component1()).isEqualToIgnoringCase(gameAddress);
        assertThat(provenBy.component2()).isGreaterThan(createdAt);

        String check = checkWithdrawal(passed.withdrawalHash, DevKeys.RELAYER.address());
        assertThat(refusal(l1, DevKeys.RELAYER, portalAddress, check))
                .isEqualTo("OptimismPortal: proven withdrawal has not matured yet");
        assertThat(refusal(l1, DevKeys.USER, gameAddress, game.resolveClaim(BigInteger.ZERO, BigInteger.ZERO)
                .encodeFunctionCall())).as("the root's clock has not run out")
                .isEqualTo("custom error " + Hash.sha3String("ClockNotExpired()").substring(0, 10));

        advanceL1Time(PARAMS.maxClockDuration().toSeconds() + 1);
        game.resolveClaim(BigInteger.ZERO, BigInteger.ZERO).send();
        game.resolve().send();
        stage("game resolved on L1");
        assertThat(game.status().send()).isEqualTo(GAME_DEFENDER_WINS);
        AnchorStateRegistry registry = AnchorStateRegistry.load(contracts().anchorStateRegistry().proxy(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        Tuple2<byte[], BigInteger> anchor = registry.anchors(alphabet).send();
        assertThat(anchor.component1()).as("the anchor moved to the game's output").isEqualTo(root);
        assertThat(anchor.component2()).isEqualTo(BigInteger.valueOf(l2Block));

        assertThat(refusal(l1, DevKeys.RELAYER, portalAddress, check))
                .isEqualTo("OptimismPortal: output proposal in air-gap");
        String finalize = portal.finalizeWithdrawalTransaction(tx).encodeFunctionCall();
        assertThat(refusal(l1, DevKeys.RELAYER, portalAddress, finalize))
                .isEqualTo("OptimismPortal: output proposal in air-gap");

        advanceL1Time(PARAMS.disputeGameFinalityDelay().toSeconds() + 1);
        assertPasses(DevKeys.RELAYER, portalAddress, check);
        TransactionReceipt finalized = portal.finalizeWithdrawalTransaction(tx).send();
        stage("withdrawal finalized on L1");
        assertThat(OptimismPortal2.getWithdrawalFinalizedEvents(finalized)).singleElement().satisfies(e -> {
            assertThat(e.withdrawalHash).isEqualTo(passed.withdrawalHash);
            assertThat(e.success).isTrue();
        });
        assertThat(portal.finalizedWithdrawals(passed.withdrawalHash).send()).isTrue();
        assertThat(balance(l1, target)).isEqualTo(value);
        log.info("withdrawal round trip stages (ms; L1 time moved with evm_increaseTime): {}", stageMillis);
    }

    /** The proof of withdrawal {@code hash} at {@code l2Block}, from the L2 node. */
    private static WithdrawalProof proofAt(byte[] hash, long l2Block) throws IOException {
        DefaultBlockParameter at = DefaultBlockParameter.valueOf(BigInteger.valueOf(l2Block));
        var block = l2.web3j().ethGetBlockByNumber(at, false).send().getBlock();
        EthGetProof proof = l2.web3j().ethGetProof(Predeploys.L2_TO_L1_MESSAGE_PASSER,
                List.of(Numeric.toHexString(Hashes.sentMessageSlot(hash))), at.getValue()).send();
        return WithdrawalProof.from(hash, block.getHash(), block.getStateRoot(), proof.getProof());
    }

    /** {@code checkWithdrawal(hash, submitter)}: a view without outputs, which web3j's bindings leave out. */
    private static String checkWithdrawal(byte[] hash, String proofSubmitter) {
        return FunctionEncoder.encode(new Function(OptimismPortal2.FUNC_CHECKWITHDRAWAL,
                List.of(new Bytes32(hash), new Address(proofSubmitter)), List.of()));
    }

    private static void assertPasses(DevKeys from, String to, String data) throws IOException {
        EthCall r = l1.web3j().ethCall(Transaction.createEthCallTransaction(from.address(), to, data),
                DefaultBlockParameterName.LATEST).send();
        assertThat(r.hasError() || r.isReverted()).as("call to %s reverted: %s", to,
                r.hasError() ? r.getError().getMessage() : r.getRevertReason()).isFalse();
    }

    private static BigInteger latestL1Timestamp() throws IOException {
        return l1.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                .getTimestamp();
    }

    /** Moves the L1 clock forward and mines a block carrying the new time. */
    private static void advanceL1Time(long seconds) throws IOException {
        l1.anvil().increaseTime(seconds);
        l1.anvil().mine(1);
    }

    private static String freshAddress() throws Exception {
        return Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
    }

    private static byte[] random32() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private void stage(String name) {
        long now = System.nanoTime();
        stageMillis.put(name, (now - stageStart) / 1_000_000);
        stageStart = now;
    }
}
