package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.store.Finding;
import dev.crossbar.store.GameRecord;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * On a fault-proof devnet the monitor recomputes every game's root claim from the L2 and records its verdict, which
 * the relayer reads: a true root is VALID; a false one (devnet switch {@code wrong-root}) is INVALID and raises
 * INVALID_ROOT_CLAIM with the expected and claimed roots; left unopposed (nobody plays it here) it is GAME_AT_RISK once
 * less than the margin of its clock is left, and the false root wins
 * when its clock runs out (the monitor resolves it: it has a stake in a false root), and that resolution raises
 * WRONG_RESOLUTION, trips the chain's breaker, and has the guardian key blacklist the game on the portal. The relayer's
 * verdicts come first here (the store keeps the first party's name on a verdict confirmed by another): the monitor
 * still checks each game itself and judges its resolution.
 */
class GameVerdictTest {

    @Test
    void aFalseRootIsFoundInvalidAlertedAndItsWrongResolutionCaught() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            GameProposer proposer = w.operator.gameProposer("l2a");
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();

            w.l2(0).anvil().mine(1);
            GameProposer.Game honest = proposer.propose(FaultProofParams.ALPHABET,
                    w.l2(0).blockNumber().longValueExact());
            w.operator.misbehave(Misbehaviour.WRONG_ROOT, "l2a", null);
            w.l2(0).anvil().mine(1);
            GameProposer.Game wrong = proposer.propose(FaultProofParams.ALPHABET,
                    w.l2(0).blockNumber().longValueExact());
            // The relayer's own check comes first (as it often does where both run): the same verdicts, by it.
            await().atMost(Duration.ofSeconds(30)).until(() -> w.store.gameAt(wrong.address()).isPresent()
                    && w.store.gameAt(honest.address()).isPresent());
            w.store.recordGameVerdict(honest.address(), true, "the relayer's check", "relayer");
            w.store.recordGameVerdict(wrong.address(), false, "the relayer's check", "relayer");
            w.startMonitor(w.settings());

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(verdict(w, honest.address())).isEqualTo("VALID");
                assertThat(verdict(w, wrong.address())).isEqualTo("INVALID");
            });
            Finding invalid = w.awaitFinding("INVALID_ROOT_CLAIM", Duration.ofSeconds(10));
            assertThat(invalid.evidence()).containsEntry("game", wrong.address().toLowerCase())
                    .containsEntry("seen", org.web3j.utils.Numeric.toHexString(wrong.rootClaim()));
            assertThat(w.findings("WRONG_RESOLUTION")).isEmpty();
            assertThat(w.findings("GAME_AT_RISK")).as("its clock has hardly started").isEmpty();

            // Nobody counters it (this monitor plays no game type): past the margin of its clock it is at risk.
            w.l1().anvil().increaseTime(fp.maxClockDurationSeconds() * 3 / 4);
            w.l1().anvil().mine(1);
            Finding risk = w.awaitFinding("GAME_AT_RISK", Duration.ofSeconds(30));
            assertThat(risk.evidence()).containsEntry("game", wrong.address().toLowerCase())
                    .containsEntry("ourMoves", "0");
            assertThat(Long.parseLong(risk.evidence().get("timeLeftSeconds"))).isPositive()
                    .isLessThan(fp.maxClockDurationSeconds() / 2);

            // Past its clock the monitor resolves it (a game with a false root is one it has a stake in), and it
            // resolves for the defender.
            w.l1().anvil().increaseTime(fp.maxClockDurationSeconds() / 4 + 1);
            w.l1().anvil().mine(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> FaultProofViews.outcome(w.clients.get(Watchtower.L1),
                    wrong.address()).status() == FaultProofViews.DEFENDER_WINS);
            assertThat(FaultProofViews.outcome(w.clients.get(Watchtower.L1), honest.address()).status())
                    .as("a true root it has no stake in is left to others").isEqualTo(FaultProofViews.IN_PROGRESS);

            Finding resolution = w.awaitFinding("WRONG_RESOLUTION", Duration.ofSeconds(30));
            assertThat(resolution.severity()).isEqualToIgnoringCase("critical");
            assertThat(resolution.evidence()).containsEntry("game", wrong.address().toLowerCase())
                    .containsEntry("status", "DEFENDER_WINS");
            await().atMost(Duration.ofSeconds(10)).until(() -> w.tripped(Watchtower.L2A));
            // The guardian key blacklists the game on the portal, so nothing finalizes against its false root.
            await().atMost(Duration.ofSeconds(30)).until(() -> FaultProofViews.blacklisted(
                    w.clients.get(Watchtower.L1), fp.portal(), wrong.address()));
            assertThat(w.findings("WRONG_RESOLUTION").getFirst().evidence().get("guardianAction"))
                    .contains("blacklistDisputeGame");
            Finding blacklisted = w.awaitFinding("BLACKLISTED_GAME", Duration.ofSeconds(30));
            assertThat(blacklisted.severity()).isEqualToIgnoringCase("info");
            assertThat(blacklisted.evidence()).containsEntry("game", wrong.address().toLowerCase());
            assertThat(w.findings("WRONG_RESOLUTION")).hasSize(1);
            assertThat(verdict(w, honest.address())).as("the honest game resolved as it should").isEqualTo("VALID");
        }
    }

    private static String verdict(Watchtower w, String game) {
        return w.store.gameAt(game).map(GameRecord::verdict).orElse(null);
    }
}
