package dev.crossbar.devnet.faultproof;

import dev.crossbar.core.protocol.OpDepositTx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.contracts.op.AnchorStateRegistry;
import dev.crossbar.contracts.op.DelayedWETH;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.L1CrossDomainMessenger;
import dev.crossbar.contracts.op.L2CrossDomainMessenger;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.contracts.op.SuperchainConfig;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.devnet.operator.FaultProofSequencer;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.devnet.operator.Proposer;
import dev.crossbar.testkit.TempDirs;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.utils.Numeric;

/**
 * A devnet whose L2s settle through OP's fault-proof system, started by {@link Devnet#start}, with its operator:
 * the manifest, deposits carried by the sequencer, games created and resolved by the proposer, and the switches.
 * l2a's portal respects the alphabet game (255), l2b's the permissioned one (1). The tests run in order: the games of
 * one move the anchor the next one proposes from.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultProofDevnetTest {
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);
    private static final BigInteger DEFENDER_WINS = BigInteger.TWO;
    private static final BigInteger CHALLENGER_WINS = BigInteger.ONE;

    static Path dataDir;
    static Devnet devnet;
    static DevnetOperator operator;

    @BeforeAll
    static void start() throws IOException {
        dataDir = TempDirs.create("fault-proof-devnet-test");
        DevnetConfig config = DevnetConfig.forTests(dataDir).withSettlement(SettlementKind.FAULT_PROOFS)
                .withRespectedGameType(902, FaultProofParams.PERMISSIONED);
        devnet = Devnet.start(config);
        operator = DevnetOperator.manual(devnet);
    }

    @AfterAll
    static void stop() {
        if (operator != null) {
            operator.close();
        }
        if (devnet != null) {
            devnet.close();
        }
        TempDirs.delete(dataDir);
    }

    @Test
    @Order(1)
    void theManifestNamesEveryContractAsDeployedAndReadsBack() throws Exception {
        DevnetManifest m = devnet.manifest();
        assertThat(DevnetManifest.read(dataDir)).isEqualTo(m);
        assertThat(m.version()).isEqualTo(DevnetManifest.VERSION);
        assertThat(m.settlementKind()).isEqualTo(SettlementKind.FAULT_PROOFS);
        assertThat(m.l1().contracts()).containsKeys("multicall3", "demoTarget", "proxyAdmin", "superchainConfig",
                "preimageOracle", "alphabetVm");
        FaultProofParams params = devnet.config().faultProofs();
        for (DevnetManifest.Chain l2 : m.l2s()) {
            assertThat(l2.settlement()).as("no output-oracle section").isNull();
            assertThat(l2.contracts()).containsEntry("l2CrossDomainMessenger", Predeploys.L2_CROSS_DOMAIN_MESSENGER)
                    .containsEntry("l2ToL1MessagePasser", Predeploys.L2_TO_L1_MESSAGE_PASSER)
                    .containsEntry("l1Block", Predeploys.L1_BLOCK).containsKeys("multicall3", "demoTarget");
            DevnetManifest.FaultProofSettlement fp = l2.faultProofs();
            int respected = l2.name().equals("l2a") ? FaultProofParams.ALPHABET : FaultProofParams.PERMISSIONED;
            assertThat(fp.respectedGameType()).isEqualTo(respected);
            assertThat(fp.superchainConfig()).isEqualTo(m.l1().contract("superchainConfig"));
            assertThat(fp.proxyAdmin()).isEqualTo(m.l1().contract("proxyAdmin"));
            assertThat(List.of(fp.maxClockDurationSeconds(), fp.clockExtensionSeconds(), (long) fp.maxGameDepth(),
                    (long) fp.splitDepth(), fp.proofMaturityDelaySeconds(), fp.disputeGameFinalityDelaySeconds(),
                    fp.delayedWethDelaySeconds())).isEqualTo(List.of(params.maxClockDuration().toSeconds(),
                    params.clockExtension().toSeconds(), (long) params.maxGameDepth(), (long) params.splitDepth(),
                    params.proofMaturityDelay().toSeconds(), params.disputeGameFinalityDelay().toSeconds(),
                    params.delayedWethDelay().toSeconds()));
            assertThat(fp.initBond()).isEqualTo(params.initBond());

            // What the chain says, contract by contract.
            OptimismPortal2 portal = OptimismPortal2.load(fp.portal(), l1().web3j(), view(), DevChain.GAS);
            assertThat(portal.disputeGameFactory().send()).isEqualToIgnoringCase(fp.disputeGameFactory());
            assertThat(portal.systemConfig().send()).isEqualToIgnoringCase(fp.systemConfig());
            assertThat(portal.superchainConfig().send()).isEqualToIgnoringCase(fp.superchainConfig());
            assertThat(portal.respectedGameType().send()).isEqualTo(BigInteger.valueOf(respected));
            assertThat(portal.proofMaturityDelaySeconds().send())
                    .isEqualTo(BigInteger.valueOf(fp.proofMaturityDelaySeconds()));
            assertThat(portal.disputeGameFinalityDelaySeconds().send())
                    .isEqualTo(BigInteger.valueOf(fp.disputeGameFinalityDelaySeconds()));
            assertThat(L1CrossDomainMessenger.load(fp.l1CrossDomainMessenger(), l1().web3j(), view(), DevChain.GAS)
                    .portal().send()).isEqualToIgnoringCase(fp.portal());
            DisputeGameFactory factory = factory(fp);
            for (Map.Entry<String, String> impl : fp.gameImplementations().entrySet()) {
                BigInteger type = new BigInteger(impl.getKey());
                assertThat(factory.gameImpls(type).send()).isEqualToIgnoringCase(impl.getValue());
                assertThat(factory.initBonds(type).send()).isEqualTo(fp.initBond());
                FaultDisputeGame game = FaultDisputeGame.load(impl.getValue(), l1().web3j(), view(), DevChain.GAS);
                assertThat(game.splitDepth().send()).isEqualTo(BigInteger.valueOf(fp.splitDepth()));
                assertThat(game.maxGameDepth().send()).isEqualTo(BigInteger.valueOf(fp.maxGameDepth()));
                assertThat(game.maxClockDuration().send())
                        .isEqualTo(BigInteger.valueOf(fp.maxClockDurationSeconds()));
                assertThat(game.clockExtension().send()).isEqualTo(BigInteger.valueOf(fp.clockExtensionSeconds()));
                assertThat(game.weth().send()).isEqualToIgnoringCase(fp.delayedWeth());
                assertThat(game.anchorStateRegistry().send()).isEqualToIgnoringCase(fp.anchorStateRegistry());
                assertThat(game.vm().send()).isEqualToIgnoringCase(fp.alphabetVm());
            }
            assertThat(AnchorStateRegistry.load(fp.anchorStateRegistry(), l1().web3j(), view(), DevChain.GAS)
                    .anchors(BigInteger.valueOf(respected)).send().component1())
                    .isEqualTo(Numeric.hexStringToByteArray(fp.anchorRoot()));
            assertThat(DelayedWETH.load(fp.delayedWeth(), l1().web3j(), view(), DevChain.GAS).delay().send())
                    .isEqualTo(BigInteger.valueOf(fp.delayedWethDelaySeconds()));
            DevChain l2Chain = l2(l2.name());
            assertThat(L2CrossDomainMessenger.load(Predeploys.L2_CROSS_DOMAIN_MESSENGER, l2Chain.web3j(),
                    l2Chain.txManager(DevKeys.USER.credentials()), DevChain.GAS).OTHER_MESSENGER().send())
                    .isEqualToIgnoringCase(fp.l1CrossDomainMessenger());
        }
    }

    @Test
    @Order(2)
    void aManifestOfVersionOneStillReads() throws Exception {
        Path dir = TempDirs.create("manifest-v1");
        try {
            Files.writeString(dir.resolve(DevnetManifest.FILE_NAME), """
                    {"version": 1, "createdAt": "2024-01-01T00:00:00Z",
                     "l1": {"name": "l1", "chainId": 900, "rpcUrl": "http://127.0.0.1:8545",
                            "wsUrl": "ws://127.0.0.1:8545", "contracts": {"multicall3": "0x01"}},
                     "l2s": [{"name": "l2a", "chainId": 901, "rpcUrl": "http://127.0.0.1:8546",
                              "wsUrl": "ws://127.0.0.1:8546", "contracts": {"demoTarget": "0x02"},
                              "settlement": {"outputOracle": "0x03", "portal": "0x04", "l1Messenger": "0x05",
                                             "finalizationPeriodSeconds": 120, "submissionInterval": 4,
                                             "livenessTimeoutSeconds": 600}}],
                     "keys": {"user": {"address": "0x06", "keyRef": "file:/keys/user.key"}}}
                    """);
            DevnetManifest m = DevnetManifest.read(dir);
            assertThat(m.version()).isEqualTo(1);
            assertThat(m.settlementKind()).isEqualTo(SettlementKind.OUTPUT_ORACLE);
            assertThat(m.l2("l2a").faultProofs()).isNull();
            assertThat(m.l2("l2a").settlement().outputOracle()).isEqualTo("0x03");
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    @Order(3)
    void aMessengerDepositOnL1IsExecutedOnTheL2ByTheSequencerOnce() throws Exception {
        String target = freshAddress();
        BigInteger value = ETHER.divide(BigInteger.TWO);
        TransactionReceipt sent = sendMessage("l2a", target, value);
        L1CrossDomainMessenger.SentMessageEventResponse message =
                L1CrossDomainMessenger.getSentMessageEvents(sent).getFirst();
        OpDepositTx deposit = depositOf(sent, "l2a");

        assertThat(operator.faultProofSequencer("l2a").executeDue()).isEqualTo(1);
        TransactionReceipt relayed = l2a().web3j().ethGetTransactionReceipt(deposit.hash()).send()
                .getTransactionReceipt().orElseThrow();
        assertThat(relayed.isStatusOK()).isTrue();
        assertThat(relayed.getType()).isEqualToIgnoringCase("0x7e");
        assertThat(L2CrossDomainMessenger.getRelayedMessageEvents(relayed)).singleElement()
                .satisfies(e -> assertThat(e.msgHash).isEqualTo(Hashes.crossDomainMessageV1(message.messageNonce,
                        message.sender, message.target, value, message.gasLimit, message.message)));
        assertThat(balance(l2a(), target)).isEqualTo(value);

        long head = l2a().blockNumber().longValueExact();
        assertThat(operator.faultProofSequencer("l2a").executeDue()).isZero();
        assertThat(l2a().blockNumber().longValueExact()).as("nothing sent again").isEqualTo(head);
        assertThat(balance(l2a(), target)).isEqualTo(value);
    }

    @Test
    @Order(4)
    void aRestartedOperatorNeitherResendsNorMissesADeposit() throws Exception {
        String first = freshAddress();
        String second = freshAddress();
        BigInteger value = ETHER.divide(BigInteger.TEN);
        long onL2;
        try (DevnetOperator before = DevnetOperator.manual(devnet)) {
            sendMessage("l2a", first, value);
            assertThat(before.faultProofSequencer("l2a").executeDue()).isEqualTo(1);
            onL2 = before.faultProofSequencer("l2a").depositsOnL2();
        }
        OpDepositTx whileDown = depositOf(sendMessage("l2a", second, value), "l2a");
        try (DevnetOperator after = DevnetOperator.manual(devnet)) {
            assertThat(after.faultProofSequencer("l2a").executeDue()).as("only the deposit made while it was down")
                    .isEqualTo(1);
            assertThat(after.faultProofSequencer("l2a").depositsOnL2()).isEqualTo(onL2 + 1);
        }
        assertThat(balance(l2a(), first)).as("not executed twice").isEqualTo(value);
        assertThat(balance(l2a(), second)).isEqualTo(value);
        assertThat(l2a().web3j().ethGetTransactionReceipt(whileDown.hash()).send().getTransactionReceipt())
                .isPresent();
    }

    @Test
    @Order(5)
    void aCensoredDepositHoldsBackEveryLaterOneUntilTheSequencerBehaves() throws Exception {
        operator.faultProofSequencer("l2a").executeDue();
        operator.misbehave(Misbehaviour.CENSOR_DEPOSIT, "l2a", null);
        String first = freshAddress();
        String second = freshAddress();
        OpDepositTx censored = depositOf(sendMessage("l2a", first, ETHER), "l2a");
        sendMessage("l2a", second, ETHER);
        assertThat(operator.faultProofSequencer("l2a").executeDue()).isZero();
        assertThat(operator.faultProofSequencer("l2a").censored()).hasSize(1);
        assertThat(l2a().web3j().ethGetTransactionByHash(censored.hash()).send().getTransaction()).isEmpty();
        assertThat(balance(l2a(), second)).isZero();

        operator.behave("l2a");
        assertThat(operator.faultProofSequencer("l2a").executeDue()).isEqualTo(2);
        assertThat(balance(l2a(), first)).isEqualTo(ETHER);
        assertThat(balance(l2a(), second)).isEqualTo(ETHER);
    }

    @Test
    @Order(5)
    void aCensoredDepositIsForcedInWithThoseHeldBehindItOnceItsSequencingWindowHasPassed() throws Exception {
        FaultProofSequencer sequencer = operator.faultProofSequencer("l2a");
        sequencer.executeDue();
        long forcedBefore = sequencer.forcedCount();
        operator.misbehave(Misbehaviour.CENSOR_DEPOSIT, "l2a", null);
        String first = freshAddress();
        String second = freshAddress();
        OpDepositTx censored = depositOf(sendMessage("l2a", first, ETHER), "l2a");
        OpDepositTx behind = depositOf(sendMessage("l2a", second, ETHER), "l2a");
        long window = faultProofs("l2a").sequencingWindowSeconds();
        assertThat(window).as("the devnet's sequencing window").isEqualTo(60);

        advanceL1Time(window - 10);
        assertThat(sequencer.executeDue()).as("inside the window the censored deposit holds the later one").isZero();
        assertThat(balance(l2a(), second)).isZero();

        advanceL1Time(11);
        assertThat(sequencer.executeDue()).as("forced in, and the one behind it follows").isEqualTo(2);
        assertThat(sequencer.forcedCount()).isEqualTo(forcedBefore + 1);
        assertThat(sequencer.censored()).isEmpty();
        assertThat(balance(l2a(), first)).isEqualTo(ETHER);
        assertThat(balance(l2a(), second)).isEqualTo(ETHER);
        var forcedIn = l2a().web3j().ethGetTransactionReceipt(censored.hash()).send().getTransactionReceipt()
                .orElseThrow();
        var after = l2a().web3j().ethGetTransactionReceipt(behind.hash()).send().getTransactionReceipt().orElseThrow();
        assertThat(after.getBlockNumber().compareTo(forcedIn.getBlockNumber()) > 0
                || after.getTransactionIndex().compareTo(forcedIn.getTransactionIndex()) > 0)
                .as("in L1 order").isTrue();
        operator.behave("l2a");
    }

    @Test
    @Order(6)
    void theProposerCreatesTrueGamesWithinTheWindowAndResolvesThemOnceTheClockRunsOut() throws Exception {
        GameProposer proposer = operator.gameProposer("l2a");
        DevnetManifest.FaultProofSettlement fp = faultProofs("l2a");
        BigInteger respected = portal(fp, DevKeys.USER).respectedGameType().send();
        long anchor = anchor(fp, respected).component2().longValueExact();

        l2a().anvil().mine(3);
        GameProposer.Game game = proposer.proposeIfDue();
        assertThat(game).isNotNull();
        assertThat(game.l2BlockNumber()).isEqualTo(l2a().blockNumber().longValueExact())
                .isGreaterThan(anchor).isLessThanOrEqualTo(anchor + fp.outputWindow());
        assertTrueGame(fp, game, respected);
        assertThat(proposer.proposeIfDue()).as("the L2 has not advanced").isNull();

        // Far past the window: the proposal stops at its end, and no further one comes until the anchor moves.
        l2a().anvil().mine(fp.outputWindow() + 10);
        GameProposer.Game atEdge = proposer.proposeIfDue();
        assertThat(atEdge.l2BlockNumber()).isEqualTo(anchor + fp.outputWindow());
        assertTrueGame(fp, atEdge, respected);
        l2a().anvil().mine(1);
        assertThat(proposer.proposeIfDue()).as("the window is used up").isNull();

        assertThat(proposer.resolveDue()).as("the clocks are still running").isZero();
        advanceL1Time(fp.maxClockDurationSeconds() + 1);
        assertThat(proposer.resolveDue()).isGreaterThanOrEqualTo(2);
        assertThat(gameAt(fp, game.index()).status().send()).isEqualTo(DEFENDER_WINS);
        assertThat(gameAt(fp, atEdge.index()).status().send()).isEqualTo(DEFENDER_WINS);
        Tuple2<byte[], BigInteger> moved = anchor(fp, respected);
        assertThat(moved.component2().longValueExact()).isEqualTo(atEdge.l2BlockNumber());
        assertThat(moved.component1()).isEqualTo(atEdge.rootClaim());

        GameProposer.Game next = proposer.proposeIfDue();
        assertThat(next).as("a new window from the new anchor").isNotNull();
        assertThat(next.l2BlockNumber()).isGreaterThan(atEdge.l2BlockNumber())
                .isLessThanOrEqualTo(atEdge.l2BlockNumber() + fp.outputWindow());
        assertTrueGame(fp, next, respected);
    }

    @Test
    @Order(7)
    void wrongRootMakesTheNextGameClaimAFalseRootAndOnlyThatOne() throws Exception {
        GameProposer proposer = operator.gameProposer("l2a");
        DevnetManifest.FaultProofSettlement fp = faultProofs("l2a");
        operator.misbehave(Misbehaviour.WRONG_ROOT, "l2a", null);
        l2a().anvil().mine(1);
        GameProposer.Game wrong = proposer.proposeIfDue();
        assertThat(wrong.honest()).isFalse();
        assertThat(gameAt(fp, wrong.index()).rootClaim().send())
                .isNotEqualTo(Proposer.computeOutput(l2a(), wrong.l2BlockNumber()).outputRoot());
        l2a().anvil().mine(1);
        assertTrueGame(fp, proposer.proposeIfDue(), BigInteger.valueOf(FaultProofParams.ALPHABET));
    }

    @Test
    @Order(8)
    void stopProposingStopsTheGamesUntilTheProposerBehaves() throws Exception {
        GameProposer proposer = operator.gameProposer("l2a");
        DisputeGameFactory factory = factory(faultProofs("l2a"));
        operator.misbehave(Misbehaviour.STOP_PROPOSING, "l2a", null);
        BigInteger games = factory.gameCount().send();
        l2a().anvil().mine(2);
        assertThat(proposer.proposeIfDue()).isNull();
        assertThat(factory.gameCount().send()).isEqualTo(games);
        operator.behave("l2a");
        assertThat(proposer.proposeIfDue()).isNotNull();
        assertThat(factory.gameCount().send()).isEqualTo(games.add(BigInteger.ONE));
    }

    @Test
    @Order(9)
    void theGuardiansSwitchesChangeThePortalAndTheSuperchainConfig() throws Exception {
        DevnetManifest.FaultProofSettlement fp = faultProofs("l2a");
        OptimismPortal2 portal = portal(fp, DevKeys.USER);
        GameProposer proposer = operator.gameProposer("l2a");
        l2a().anvil().mine(1);
        GameProposer.Game game = proposer.proposeIfDue();
        assertThat(portal.disputeGameBlacklist(game.address()).send()).isFalse();
        operator.misbehave(Misbehaviour.BLACKLIST_GAME, "l2a", BigInteger.valueOf(game.index()));
        assertThat(portal.disputeGameBlacklist(game.address()).send()).isTrue();

        operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, "l2a", BigInteger.valueOf(FaultProofParams.PERMISSIONED));
        assertThat(portal.respectedGameType().send()).isEqualTo(BigInteger.valueOf(FaultProofParams.PERMISSIONED));
        l2a().anvil().mine(1);
        GameProposer.Game permissioned = proposer.proposeIfDue();
        assertThat(permissioned.gameType()).as("the proposer reads the respected type at run time")
                .isEqualTo(FaultProofParams.PERMISSIONED);
        assertTrueGame(fp, permissioned, BigInteger.valueOf(FaultProofParams.PERMISSIONED));
        operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, "l2a", BigInteger.valueOf(FaultProofParams.ALPHABET));
        assertThat(portal.respectedGameType().send()).isEqualTo(BigInteger.valueOf(FaultProofParams.ALPHABET));

        SuperchainConfig superchain = SuperchainConfig.load(fp.superchainConfig(), l1().web3j(), view(),
                DevChain.GAS);
        try {
            operator.misbehave(Misbehaviour.PAUSE, "l2a", null);
            assertThat(superchain.paused().send()).isTrue();
            assertThat(portal.paused().send()).isTrue();
            assertThat(portal(faultProofs("l2b"), DevKeys.USER).paused().send()).as("shared by every L2").isTrue();
        } finally {
            operator.misbehave(Misbehaviour.UNPAUSE, "l2a", null);
        }
        assertThat(portal.paused().send()).isFalse();
    }

    @Test
    @Order(10)
    void attackValidCountersATrueRootWithAFalseClaimThatWinsUnanswered() throws Exception {
        DevnetManifest.FaultProofSettlement fp = faultProofs("l2a");
        l2a().anvil().mine(1);
        GameProposer.Game game = operator.gameProposer("l2a").proposeIfDue();
        operator.misbehave(Misbehaviour.ATTACK_VALID, "l2a", null);
        FaultDisputeGame onChain = gameAt(fp, game.index());
        assertThat(onChain.claimDataLen().send()).isEqualTo(BigInteger.TWO);
        var attack = onChain.claimData(BigInteger.ONE).send();
        assertThat(attack.component3()).as("the claimant").isEqualToIgnoringCase(DevKeys.USER_2.address());
        assertThat(attack.component5()).isNotEqualTo(game.rootClaim());
        assertThat(attack.component4()).as("the bond for position 2")
                .isEqualTo(onChain.getRequiredBond(BigInteger.TWO).send());

        advanceL1Time(fp.maxClockDurationSeconds() + 1);
        operator.gameProposer("l2a").resolveDue();
        assertThat(onChain.status().send()).as("no honest challenger answers yet").isEqualTo(CHALLENGER_WINS);
    }

    @Test
    @Order(11)
    void anL2RespectingThePermissionedGameGetsPermissionedGamesFromTheProposer() throws Exception {
        DevnetManifest.FaultProofSettlement fp = faultProofs("l2b");
        l2b().anvil().mine(2);
        GameProposer.Game game = operator.gameProposer("l2b").proposeIfDue();
        assertThat(game.gameType()).isEqualTo(FaultProofParams.PERMISSIONED);
        assertTrueGame(fp, game, BigInteger.valueOf(FaultProofParams.PERMISSIONED));
        assertThat(factory(fp).gameAtIndex(BigInteger.valueOf(game.index())).send().component3())
                .isEqualToIgnoringCase(game.address());
    }

    @Test
    @Order(12)
    void aSwitchThatDoesNotFitIsRefusedNamingWhy() {
        assertThatThrownBy(() -> operator.misbehave(Misbehaviour.WRONG_OUTPUT, "l2a", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'wrong-output' does not apply to a devnet settling through fault-proofs");
        assertThatThrownBy(() -> operator.misbehave(Misbehaviour.BLACKLIST_GAME, "l2a", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'blacklist-game' needs a value");
        assertThatThrownBy(() -> operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, "l2a", BigInteger.valueOf(7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("game type 7 has no implementation");
        assertThatThrownBy(() -> operator.sequencer("l2a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("L2 l2a settles through fault-proofs, not output-oracle");
    }

    /** The game is of {@code type}, at its factory index, and claims the output root the L2 node has. */
    private static void assertTrueGame(DevnetManifest.FaultProofSettlement fp, GameProposer.Game game,
            BigInteger type) throws Exception {
        assertThat(game).isNotNull();
        Tuple3<BigInteger, BigInteger, String> indexed = factory(fp).gameAtIndex(BigInteger.valueOf(game.index()))
                .send();
        assertThat(indexed.component1()).isEqualTo(type);
        assertThat(indexed.component3()).isEqualToIgnoringCase(game.address());
        FaultDisputeGame onChain = gameAt(fp, game.index());
        DevChain l2 = fp.equals(faultProofs("l2a")) ? l2a() : l2b();
        assertThat(onChain.rootClaim().send()).isEqualTo(Proposer.computeOutput(l2, game.l2BlockNumber())
                .outputRoot());
        assertThat(onChain.l2BlockNumber().send()).isEqualTo(BigInteger.valueOf(game.l2BlockNumber()));
        assertThat(onChain.extraData().send()).isEqualTo(Numeric.toBytesPadded(BigInteger.valueOf(
                game.l2BlockNumber()), 32));
        assertThat(onChain.gameCreator().send()).isEqualToIgnoringCase(DevKeys.PROPOSER.address());
    }

    private static TransactionReceipt sendMessage(String l2, String target, BigInteger value) throws Exception {
        return L1CrossDomainMessenger.load(faultProofs(l2).l1CrossDomainMessenger(), l1().web3j(),
                l1().txManager(DevKeys.USER.credentials()), DevChain.GAS)
                .sendMessage(target, new byte[0], BigInteger.valueOf(200_000), value).send();
    }

    private static OpDepositTx depositOf(TransactionReceipt sent, String l2) {
        return OpDepositTx.from(OptimismPortal2.getTransactionDepositedEvents(sent).stream()
                .filter(e -> e.log.getAddress().equalsIgnoreCase(faultProofs(l2).portal())).findFirst()
                .orElseThrow());
    }

    private static DevnetManifest.FaultProofSettlement faultProofs(String l2) {
        return devnet.manifest().l2(l2).faultProofs();
    }

    private static DisputeGameFactory factory(DevnetManifest.FaultProofSettlement fp) {
        return DisputeGameFactory.load(fp.disputeGameFactory(), l1().web3j(), view(), DevChain.GAS);
    }

    private static OptimismPortal2 portal(DevnetManifest.FaultProofSettlement fp, DevKeys key) {
        return OptimismPortal2.load(fp.portal(), l1().web3j(), l1().txManager(key.credentials()), DevChain.GAS);
    }

    private static FaultDisputeGame gameAt(DevnetManifest.FaultProofSettlement fp, long index) throws Exception {
        return FaultDisputeGame.load(factory(fp).gameAtIndex(BigInteger.valueOf(index)).send().component3(),
                l1().web3j(), view(), DevChain.GAS);
    }

    private static Tuple2<byte[], BigInteger> anchor(DevnetManifest.FaultProofSettlement fp, BigInteger type)
            throws Exception {
        return AnchorStateRegistry.load(fp.anchorStateRegistry(), l1().web3j(), view(), DevChain.GAS).anchors(type)
                .send();
    }

    private static org.web3j.tx.TransactionManager view() {
        return l1().txManager(DevKeys.USER.credentials());
    }

    private static DevChain l1() {
        return devnet.l1();
    }

    private static DevChain l2a() {
        return devnet.l2(0);
    }

    private static DevChain l2b() {
        return devnet.l2(1);
    }

    private static DevChain l2(String name) {
        return devnet.l2s().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** Moves the L1 clock forward and mines a block carrying the new time. */
    private static void advanceL1Time(long seconds) throws IOException {
        l1().anvil().increaseTime(seconds);
        l1().anvil().mine(1);
    }

    private static BigInteger balance(DevChain chain, String address) throws IOException {
        return chain.web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }

    private static String freshAddress() throws Exception {
        return Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
    }
}
