package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.store.GameClaim;
import dev.crossbar.store.GameHistoryEntry;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.testkit.TempDirs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.utils.Numeric;

/**
 * The L1 watcher follows OP's dispute games on a devnet whose L2s settle through OP's fault-proof contracts: what the
 * store says of each game (index, type, root claim, L2 block, times, status, blacklisting, claims, history) is what the
 * factory, the games and the portal say, also when a game is created and moved on while the watcher is down, and no
 * log of the fault-proof contracts is set aside. The expected values are read from the chain through the contracts'
 * bindings; the L1 clock is moved past the games' clocks rather than waited out.
 *
 * <p>One devnet, store and L1 watcher for the class (the games live on the L1; the L2 watchers have nothing to add),
 * the tests in order: the last checks the store after everything the others did. The parts are put together here, as
 * in {@link WatcherTestBase}, not with the testkit's {@code RealStack}: that module depends on this one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DisputeGameWatchTest {
    private static final String L2 = "l2a";
    private static final int ALPHABET = 255;
    private static final Duration WAIT = Duration.ofSeconds(30);

    static Path dir;
    static Devnet devnet;
    static DevnetOperator operator;
    static DevnetManifest.FaultProofSettlement fp;
    static GameProposer proposer;
    static Vertx vertx;
    static ChainConfig l1;
    /** The test's own reads of the L1. */
    static EthApi chain;
    static MessageStore store;
    static ChainWatcher watcher;
    static final List<EthApi> apis = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        dir = TempDirs.create("dispute-game-watch-test");
        devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")).withSettlement(SettlementKind.FAULT_PROOFS));
        operator = DevnetOperator.manual(devnet);
        fp = devnet.manifest().l2(L2).faultProofs();
        proposer = operator.gameProposer(L2);
        vertx = Vertx.vertx();
        l1 = DevnetChains.of(devnet.manifest(), Confirmations.blocks(0), Duration.ofMillis(200)).stream()
                .filter(c -> c.role() == ChainRole.L1).findFirst().orElseThrow();
        chain = EthApi.connect(vertx, l1, Duration.ofSeconds(5), Duration.ofSeconds(1));
        apis.add(chain);
        store = WatcherTestBase.openStoreAt(dir.resolve("store.db"));
        startWatcher();
    }

    @AfterAll
    static void stop() throws Exception {
        if (watcher != null) {
            stopWatcher();
        }
        apis.forEach(EthApi::close);
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (store != null) {
            store.close();
        }
        if (operator != null) {
            operator.close();
        }
        if (devnet != null) {
            devnet.close();
        }
        TempDirs.delete(dir);
    }

    @Test
    @Order(1)
    void gamesCreatedAttackedResolvedAndBlacklistedAreInTheStoreAsTheChainHasThem() throws Exception {
        GameProposer.Game attacked = propose();
        attack(attacked);
        GameProposer.Game unchallenged = propose();
        operator.misbehave(Misbehaviour.WRONG_ROOT, L2, null);
        GameProposer.Game wrong = propose();
        assertThat(wrong.honest()).isFalse();
        operator.misbehave(Misbehaviour.BLACKLIST_GAME, L2, BigInteger.valueOf(wrong.index()));
        awaitCaughtUp();
        for (GameProposer.Game g : List.of(attacked, unchallenged, wrong)) {
            assertGameAsOnChain(g.index());
        }

        advanceL1(fp.maxClockDurationSeconds() + 1);
        assertThat(proposer.resolveDue()).isGreaterThanOrEqualTo(3);
        awaitCaughtUp();
        for (GameProposer.Game g : List.of(attacked, unchallenged, wrong)) {
            assertGameAsOnChain(g.index());
        }
        assertThat(store.gameAt(attacked.address()).orElseThrow().status())
                .isEqualTo(GameRecord.Status.CHALLENGER_WINS);
        assertThat(store.gameAt(unchallenged.address()).orElseThrow().status())
                .isEqualTo(GameRecord.Status.DEFENDER_WINS);
        assertThat(store.gameAt(wrong.address()).orElseThrow().blacklisted()).isTrue();

        assertThat(whatHappened(attacked)).containsExactly(GameHistoryEntry.What.CREATED, GameHistoryEntry.What.MOVE,
                GameHistoryEntry.What.RESOLVED);
        assertThat(whatHappened(unchallenged)).containsExactly(GameHistoryEntry.What.CREATED,
                GameHistoryEntry.What.RESOLVED);
        assertThat(whatHappened(wrong)).containsExactly(GameHistoryEntry.What.CREATED,
                GameHistoryEntry.What.BLACKLISTED, GameHistoryEntry.What.RESOLVED);
        String attacker = claimsOnChain(attacked.address()).get(1).claimant();
        assertThat(store.gameHistory(attacked.address()).get(1).cause()).contains("counters claim 0")
                .contains(attacker);
        assertThat(store.gameHistory(attacked.address()).get(2).cause()).contains("CHALLENGER_WINS");
    }

    @Test
    @Order(2)
    void aGameCreatedAndMovedOnWithinOneStepHasItsMoveRecorded() throws Exception {
        awaitCaughtUp();
        stopWatcher();
        long recorded = store.cursor(l1.chainId()).orElseThrow().blockNumber();
        GameProposer.Game g = propose();
        attack(g);
        assertThat(store.cursor(l1.chainId()).orElseThrow().blockNumber())
                .as("the creation and the move are both past the cursor: one step of the restarted watcher reads both")
                .isEqualTo(recorded);

        startWatcher();
        awaitCaughtUp();
        assertGameAsOnChain(g.index());
        assertThat(store.claims(g.address())).hasSize(2);
        assertThat(whatHappened(g)).containsExactly(GameHistoryEntry.What.CREATED, GameHistoryEntry.What.MOVE);
    }

    @Test
    @Order(3)
    void aMoveMadeWhileTheWatcherIsDownIsRecordedAfterTheRestart() throws Exception {
        GameProposer.Game g = propose();
        awaitCaughtUp();
        assertThat(store.gameAt(g.address())).as("the watcher has the game in progress").isPresent();
        assertThat(store.unresolvedGames(l1.chainId())).containsKey(g.address().toLowerCase());
        stopWatcher();

        attack(g);
        startWatcher();
        awaitCaughtUp();
        assertGameAsOnChain(g.index());
        assertThat(store.claims(g.address())).hasSize(2);
        assertThat(whatHappened(g)).containsExactly(GameHistoryEntry.What.CREATED, GameHistoryEntry.What.MOVE);
    }

    @Test
    @Order(4)
    void noLogOfTheFaultProofContractsIsSetAside() throws Exception {
        long eventsBefore = store.eventCount(l1.chainId());
        long from = head() + 1;
        operator.misbehave(Misbehaviour.PAUSE, L2, null);
        operator.misbehave(Misbehaviour.UNPAUSE, L2, null);
        try {
            operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, L2, BigInteger.ONE);
        } finally {
            operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, L2, BigInteger.valueOf(ALPHABET));
        }
        long to = head();
        awaitCaughtUp();
        int logs = devnet.l1().web3j().ethGetLogs(new EthFilter(new DefaultBlockParameterNumber(from),
                new DefaultBlockParameterNumber(to), List.of(fp.portal(), fp.superchainConfig()))).send().getLogs()
                .size();
        assertThat(logs).as("Paused, Unpaused and two RespectedGameTypeSet").isEqualTo(4);
        assertThat(store.eventCount(l1.chainId()) - eventsBefore).as("each of them recorded as an event")
                .isEqualTo(logs);

        // The games of the earlier tests still in progress run out their clocks and resolve too.
        advanceL1(fp.maxClockDurationSeconds() + 1);
        proposer.resolveDue();
        awaitCaughtUp();
        long games = FaultProofViews.gameCount(chain, fp.disputeGameFactory(), "latest");
        assertThat(store.games(new GameQuery(devnet.manifest().l2(L2).chainId(), null, null, 1000))).hasSize(
                (int) games);
        for (long i = 0; i < games; i++) {
            assertGameAsOnChain(i);
        }
        assertThat(store.unresolvedGames(l1.chainId())).isEmpty();
        assertThat(store.setAside(l1.chainId(), 100)).isEmpty();
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /**
     * The store's game {@code index} is the chain's: the factory's entry, the game's root claim, L2 block, status,
     * resolution time and clock, the portal's blacklist, and every claim of its {@code claimData}.
     */
    private static void assertGameAsOnChain(long index) throws Exception {
        FaultProofViews.Game onChain = FaultProofViews.game(chain, fp.disputeGameFactory(), index);
        GameRecord g = store.gameAt(onChain.address()).orElseThrow(() -> new AssertionError("game " + index + " ("
                + onChain.address() + ") is not in the store"));
        FaultDisputeGame game = FaultProofViews.game(chain, onChain.address(), "latest");
        assertThat(g.index()).isEqualTo(index);
        assertThat(g.l2ChainId()).isEqualTo(devnet.manifest().l2(L2).chainId());
        assertThat(g.gameType()).isEqualTo(onChain.gameType());
        assertThat(g.rootClaim()).isEqualTo(onChain.rootClaimHex().toLowerCase());
        assertThat(g.l2BlockNumber()).isEqualTo(onChain.l2BlockNumber());
        assertThat(g.createdAt()).isEqualTo(onChain.createdAt());
        assertThat(g.maxClockDuration()).isEqualTo(game.maxClockDuration().send().longValueExact());
        assertThat(g.status().name()).isEqualTo(FaultProofViews.statusName(onChain.status()));
        assertThat(g.resolvedAt()).isEqualTo(onChain.resolvedAt() == 0 ? null : onChain.resolvedAt());
        assertThat(g.blacklisted()).isEqualTo(FaultProofViews.blacklisted(chain, fp.portal(), onChain.address()));

        List<FaultProofViews.Claim> claims = claimsOnChain(onChain.address());
        List<GameClaim> recorded = store.claims(onChain.address());
        assertThat(g.claims()).as("claims of game %d", index).isEqualTo(claims.size());
        assertThat(recorded).as("claims of game %d", index).hasSize(claims.size());
        for (int i = 0; i < claims.size(); i++) {
            FaultProofViews.Claim c = claims.get(i);
            GameClaim r = recorded.get(i);
            assertThat(r.claimIndex()).isEqualTo(i);
            assertThat(r.claim()).isEqualTo(Numeric.toHexString(c.claim()));
            assertThat(r.position()).isEqualTo(c.position());
            assertThat(r.clock()).as("clock of claim %d", i).isEqualTo(c.clock());
            if (i == 0) {
                assertThat(r.parentIndex()).as("the root claim's parent is uint32.max on chain: none").isNull();
            } else {
                assertThat(r.parentIndex()).isEqualTo(c.parentIndex());
            }
            assertThat(r.claimant()).isEqualTo(c.claimant());
            assertThat(r.bond()).as("bond of claim %d", i).isEqualTo(c.bond());
        }
    }

    /** The game's {@code claimData} as it stands. */
    private static List<FaultProofViews.Claim> claimsOnChain(String game) {
        long n = FaultProofViews.claimCount(chain, game, "latest");
        List<FaultProofViews.Claim> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.add(FaultProofViews.claim(chain, game, i, "latest"));
        }
        return out;
    }

    private static List<GameHistoryEntry.What> whatHappened(GameProposer.Game g) {
        return store.gameHistory(g.address()).stream().map(GameHistoryEntry::what).toList();
    }

    /** A game of type 255 for a new L2 block, with its true root unless the proposer was told otherwise. */
    private static GameProposer.Game propose() throws Exception {
        DevChain l2 = devnet.l2(0);
        l2.anvil().mine(1);
        return proposer.propose(ALPHABET, l2.blockNumber().longValueExact());
    }

    /** Counters {@code g}'s true root (the operator attacks the newest game in progress with a true root). */
    private static void attack(GameProposer.Game g) throws Exception {
        assertThat(operator.misbehave(Misbehaviour.ATTACK_VALID, L2, null)).contains(g.address());
    }

    private static void advanceL1(long seconds) throws Exception {
        devnet.l1().anvil().increaseTime(seconds);
        devnet.l1().anvil().mine(1);
    }

    private static long head() throws Exception {
        return devnet.l1().blockNumber().longValueExact();
    }

    private static void startWatcher() throws Exception {
        EthApi api = EthApi.connect(vertx, l1);
        apis.add(api);
        watcher = new ChainWatcher(vertx, l1, api, store, new SimpleMeterRegistry(), () -> {});
        watcher.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void stopWatcher() throws Exception {
        watcher.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        watcher = null;
    }

    /** Waits until the store has the L1 up to its head. */
    private static void awaitCaughtUp() throws Exception {
        long target = head();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() ->
                store.cursor(l1.chainId()).map(c -> c.blockNumber() >= target).orElse(false));
    }
}
