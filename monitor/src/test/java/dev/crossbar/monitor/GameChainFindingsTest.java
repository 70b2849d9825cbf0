package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.store.Finding;
import dev.crossbar.store.GameRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The findings about a dispute-game chain as a whole, on one fault-proof devnet:
 * <ul>
 *   <li>its proposer stops (switch {@code stop-proposing}) while the L2 moves on: past the liveness timeout (120 s of
 *       L1 time) PROPOSER_DOWN, naming the last game of the respected type; a game of another type does not count
 *       (it proves no withdrawal); the next game of the respected type resolves it. It trips the breaker but does not
 *       pause the superchain (that would stop the exits users need);</li>
 *   <li>the challenger key drops below the bonds of one game played to its end: CHALLENGER_BALANCE_LOW, cleared once
 *       topped up;</li>
 *   <li>the guardian changes the respected game type (switch {@code set-respected-type}): RESPECTED_TYPE_CHANGED
 *       (info), naming the games from before.</li>
 * </ul>
 */
class GameChainFindingsTest {

    @Test
    void aSilentProposerALowChallengerBalanceAndARespectedTypeChangeAreFound() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            MonitorSettings s = w.settings();
            ChainChecks l2a = s.chainDefaults().withThresholds(Duration.ofSeconds(120),
                    s.chainDefaults().depositInclusionWindow(), s.chainDefaults().safeReorgDepth(),
                    s.chainDefaults().haltAfter());
            w.startMonitor(s.withChecks(Watchtower.L2A, l2a).withAlphabetGameTypes(Set.of(FaultProofParams.ALPHABET,
                    FaultProofParams.PERMISSIONED)));
            GameProposer proposer = w.operator.gameProposer("l2a");
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            EthApi l1 = w.clients.get(Watchtower.L1);
            int respected = fp.respectedGameType();
            int other = respected == FaultProofParams.ALPHABET ? FaultProofParams.PERMISSIONED
                    : FaultProofParams.ALPHABET;

            // ---- proposer down ----
            GameProposer.Game last = propose(w, proposer, respected);
            w.operator.misbehave(Misbehaviour.STOP_PROPOSING, "l2a", null);
            await().atMost(Duration.ofSeconds(30)).until(() -> "VALID".equals(verdict(w, last.address())));
            assertThat(w.findings("PROPOSER_DOWN")).as("nothing before the timeout").isEmpty();
            w.l2(0).anvil().mine(1);
            w.l1().anvil().increaseTime(150);
            w.l1().anvil().mine(1);
            Finding down = w.awaitFinding("PROPOSER_DOWN", Duration.ofSeconds(30));
            long lastIndex = w.store.gameAt(last.address()).orElseThrow().index();
            assertThat(down.chainId()).isEqualTo(Watchtower.L2A);
            assertThat(down.evidence()).containsEntry("lastGame", String.valueOf(lastIndex))
                    .containsKeys("silentFor", "l2Head", "deadline");
            await().atMost(Duration.ofSeconds(10)).until(() -> w.tripped(Watchtower.L2A));

            // A game of a type the portal does not respect proves nothing: still down.
            GameProposer.Game otherType = propose(w, proposer, other);
            await().atMost(Duration.ofSeconds(30)).until(() -> verdict(w, otherType.address()) != null);
            assertThat(w.findings("PROPOSER_DOWN")).extracting(Finding::status).containsExactly("OPEN");
            assertThat(FaultProofViews.superchainPaused(l1, fp.superchainConfig()))
                    .as("a silent proposer does not pause the superchain").isFalse();

            w.operator.behave("l2a");
            propose(w, proposer, respected);
            await().atMost(Duration.ofSeconds(30)).until(() -> w.findings("PROPOSER_DOWN").getFirst().status()
                    .equals("RESOLVED"));

            // ---- the challenger key's balance ----
            String challenger = DevKeys.CHALLENGER.address();
            BigInteger funds = l1.balance(challenger);
            w.l1().anvil().setBalance(challenger, fp.initBond());
            w.l1().anvil().mine(1);
            Finding low = w.awaitFinding("CHALLENGER_BALANCE_LOW", Duration.ofSeconds(30));
            assertThat(low.severity()).isEqualToIgnoringCase("warning");
            assertThat(low.evidence()).containsEntry("balanceWei", fp.initBond().toString())
                    .containsEntry("gameType", String.valueOf(respected));
            assertThat(new BigInteger(low.evidence().get("neededWei"))).isGreaterThan(fp.initBond());
            w.l1().anvil().setBalance(challenger, funds);
            w.l1().anvil().mine(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> w.findings("CHALLENGER_BALANCE_LOW").getFirst()
                    .status().equals("RESOLVED"));

            // ---- the respected game type changes ----
            assertThat(w.findings("RESPECTED_TYPE_CHANGED")).as("its setting at deployment is no change").isEmpty();
            w.l1().anvil().increaseTime(1);
            w.operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, "l2a", BigInteger.valueOf(other));
            Finding changed = w.awaitFinding("RESPECTED_TYPE_CHANGED", Duration.ofSeconds(30));
            assertThat(changed.severity()).isEqualToIgnoringCase("info");
            assertThat(changed.evidence()).containsEntry("respectedGameType", String.valueOf(other))
                    .containsEntry("gamesBefore", "3").containsEntry("withdrawalsToProveAgain", "0");
            assertThat(changed.evidence().get("games")).contains(last.address().toLowerCase());
        }
    }

    /** Proposes a true root of {@code type} at l2a's head (after mining a block, as a proposal needs a new one). */
    private static GameProposer.Game propose(Watchtower w, GameProposer proposer, int type) throws Exception {
        w.l2(0).anvil().mine(1);
        return proposer.propose(type, w.l2(0).blockNumber().longValueExact());
    }

    private static String verdict(Watchtower w, String game) {
        return w.store.gameAt(game).map(GameRecord::verdict).orElse(null);
    }
}
