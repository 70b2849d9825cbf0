package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.contracts.op.AnchorStateRegistry;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.testkit.JsonRpcProxy;
import io.micrometer.core.instrument.Counter;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * An honest run on the fault-proof devnet (OP's unmodified OptimismPortal2, DisputeGameFactory and FaultDisputeGame on
 * the AlphabetVM): the honest proposer creates 100 games (50 per L2, true roots), 50 withdrawals (25 per L2) are proven
 * and finalized by the relayer, with a second endpoint for each L2 that always lags a few blocks behind. The monitor
 * runs the whole time as honest challenger of the alphabet game types, with the guardian key. It raises no finding at
 * all, makes no move (the challenger key sends no transaction; every game keeps its root claim alone), and gives every
 * game a VALID verdict; its withdrawal proof check passes every proof. Games are created in rounds that fit the output
 * window past the anchor; between rounds the L1 clock is moved past the game clock and the proposer resolves them, so
 * that the anchor moves on; at the end, past the proof maturity and the airgap. Prints its figures.
 */
class GameCleanRunTest {
    private static final int ROUNDS = 5;
    private static final int GAMES_PER_ROUND = 10;
    private static final int WITHDRAWALS_PER_ROUND = 5;
    private static final List<String> L2S = List.of("l2a", "l2b");

    @Test
    void anHonestRunOfGamesAndWithdrawalsRaisesNoFindingAndMakesNoMove() throws Exception {
        Instant start = Instant.now();
        try (Watchtower w = Watchtower.faultProofs();
                JsonRpcProxy l2a = JsonRpcProxy.start(w.vertx, URI.create(w.l2(0).rpcUrl())).lagBehind(3);
                JsonRpcProxy l2b = JsonRpcProxy.start(w.vertx, URI.create(w.l2(1).rpcUrl())).lagBehind(3)) {
            w.startRelayer();
            MonitorSettings s = w.settings();
            w.startMonitor(new MonitorSettings(s.group(), s.tick(), s.challengeMargin(), s.chainDefaults(), Map.of(),
                    s.pauseOnMisbehaviour(), s.escapeOn(), s.reopenForExits(), s.maxLagBlocks(), Duration.ofSeconds(20),
                    s.endpointLagTolerance(), s.checkGiveUpAfter(), s.fees(), s.alerts())
                    .withAlphabetGameTypes(Set.of(FaultProofParams.ALPHABET, FaultProofParams.PERMISSIONED)),
                    Map.of(Watchtower.L2A, List.of(l2a.httpUrl()), Watchtower.L2B, List.of(l2b.httpUrl())));
            EthApi l1 = w.clients.get(Watchtower.L1);
            String challenger = DevKeys.CHALLENGER.address();
            BigInteger challengerNonce = l1.nonce(challenger, "latest");
            Instant ready = Instant.now();

            List<GameProposer.Game> games = new ArrayList<>();
            List<Withdrawal> withdrawals = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < GAMES_PER_ROUND; i++) {
                    for (int l2 = 0; l2 < L2S.size(); l2++) {
                        if (i < WITHDRAWALS_PER_ROUND) {
                            // The note names the L2: the same message at the same messenger nonce on both L2s would
                            // have one messenger hash, and the store takes an L1 RelayedMessage of it for both.
                            withdrawals.add(new Withdrawal(l2, Numeric.toHexString(L2ToL1MessagePasser
                                    .getMessagePassedEvents(w.user.withdrawal(l2, "clean withdrawal " + L2S.get(l2)
                                            + " " + round + "." + i, BigInteger.ZERO)).getFirst().withdrawalHash)));
                        }
                        games.add(propose(w, l2));
                    }
                }
                // Past the game clock: the proposer resolves the round's games and the anchors move to their blocks.
                advanceL1(w, w.devnet.manifest().l2("l2a").faultProofs().maxClockDurationSeconds() + 1);
                for (String l2 : L2S) {
                    w.operator.gameProposer(l2).resolveDue();
                }
            }
            Instant proposed = Instant.now();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(withdrawals).allSatisfy(x -> assertThat(state(w, x.id())).as("withdrawal %s", x.id())
                            .isIn(MessageState.PROVEN, MessageState.IN_WINDOW, MessageState.READY,
                                    MessageState.RELAYING, MessageState.RELAYED)));
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            advanceL1(w, Math.max(fp.proofMaturityDelaySeconds(), fp.disputeGameFinalityDelaySeconds()) + 2);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(withdrawals).allSatisfy(x -> assertThat(state(w, x.id())).as("withdrawal %s", x.id())
                            .isEqualTo(MessageState.RELAYED)));
            Instant finalized = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() -> verdicts(w).size() == games.size()
                    && verdicts(w).stream().allMatch(g -> "VALID".equals(g.verdict())));
            // The monitor's own view: every game resolved DEFENDER_WINS in agreement with its verdict.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (String l2 : L2S) {
                    assertThat(agreeing(w, l2)).as("games of %s won by a true root", l2)
                            .isEqualTo(ROUNDS * GAMES_PER_ROUND);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> w.monitor.pendingChecks() == 0);
            Thread.sleep(3000); // a last few monitor rounds over the finished run

            assertThat(w.store.findings(null, 1000)).as("findings of an honest run").isEmpty();
            assertThat(w.webhooks.received).as("alerts of an honest run").isEmpty();
            assertThat(w.store.breakers()).noneMatch(b -> b.tripped());
            assertThat(l1.nonce(challenger, "latest")).as("transactions of the challenger key").isEqualTo(
                    challengerNonce);
            for (GameProposer.Game g : games) {
                assertThat(FaultProofViews.claimCount(l1, g.address(), "latest")).as("claims of game %s", g.address())
                        .isEqualTo(1);
                assertThat(FaultProofViews.outcome(l1, g.address()).status()).isEqualTo(FaultProofViews.DEFENDER_WINS);
            }
            for (Withdrawal x : withdrawals) {
                String portal = w.devnet.manifest().l2(L2S.get(x.l2Index())).faultProofs().portal();
                assertThat(ProtocolViews.finalizedWithdrawal(l1, portal, Numeric.hexStringToByteArray(x.id())))
                        .as("finalized on L1: %s of %s, history %s", x.id(), L2S.get(x.l2Index()),
                                w.store.history(x.id()).stream().map(t -> t.from() + "->" + t.to() + " " + t.cause())
                                        .toList()).isTrue();
            }
            assertThat(checks(w, "withdrawal_proofs", "passed")).as("proofs checked against sentMessages")
                    .isGreaterThanOrEqualTo(withdrawals.size());
            assertThat(l2a.requests()).as("the lagging endpoint of l2a was asked too").isPositive();
            assertThat(l2b.requests()).as("the lagging endpoint of l2b was asked too").isPositive();

            Instant end = Instant.now();
            String figures = "clean game run: games " + games.size() + " (all VALID, none countered), withdrawals "
                    + withdrawals.size() + " proven and finalized, findings 0, challenger transactions 0; wall time "
                    + Duration.between(start, end).toMillis() + " ms (stack start "
                    + Duration.between(start, ready).toMillis() + ", proposing " + Duration.between(ready, proposed)
                    .toMillis() + ", proving to finalized " + Duration.between(proposed, finalized).toMillis() + ")";
            Watchtower.timing(figures, Duration.between(start, end));
        }
    }

    /** A withdrawal sent on L2 {@code l2Index}, by its hash. */
    private record Withdrawal(int l2Index, String id) {}

    /**
     * A game for a new L2 block from the honest proposer, which must lie within the output window past the anchor: a
     * game claiming a block further out would be judged against the window's last output, and an honest challenger
     * rightly counters it.
     */
    private static GameProposer.Game propose(Watchtower w, int l2Index) throws Exception {
        DevChain l2 = w.l2(l2Index);
        DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2(L2S.get(l2Index)).faultProofs();
        l2.anvil().mine(1);
        long block = l2.blockNumber().longValueExact();
        long anchor = AnchorStateRegistry.load(fp.anchorStateRegistry(), w.l1().web3j(),
                w.l1().txManager(DevKeys.USER.credentials()), DevChain.GAS).anchors(BigInteger.valueOf(
                        FaultProofParams.ALPHABET)).send().component2().longValueExact();
        assertThat(block).as("L2 block of the next game on %s", L2S.get(l2Index)).isGreaterThan(anchor)
                .isLessThanOrEqualTo(anchor + (1L << fp.splitDepth()));
        return w.operator.gameProposer(L2S.get(l2Index)).propose(FaultProofParams.ALPHABET, block);
    }

    private static void advanceL1(Watchtower w, long seconds) throws Exception {
        w.l1().anvil().increaseTime(seconds);
        w.l1().anvil().mine(1);
    }

    private static MessageState state(Watchtower w, String id) {
        return w.store.message(id).map(MessageRecord::state).orElse(null);
    }

    private static List<GameRecord> verdicts(Watchtower w) {
        List<GameRecord> all = new ArrayList<>();
        for (long l2 : List.of(Watchtower.L2A, Watchtower.L2B)) {
            all.addAll(w.store.games(new GameQuery(l2, null, null, 1000)));
        }
        return all;
    }

    /** The monitor's gauge of the games of {@code chain} resolved DEFENDER_WINS in agreement with its verdict. */
    private static double agreeing(Watchtower w, String chain) {
        var gauge = w.meters.find("crossbar.monitor.games").tags("chain", chain, "status", "DEFENDER_WINS",
                "agreement", "agree").gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static double checks(Watchtower w, String check, String result) {
        Counter c = w.meters.find("crossbar.monitor.checks").tag("check", check).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }
}
