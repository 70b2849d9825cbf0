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
import dev.crossbar.monitor.check.ChallengerFunds;
import dev.crossbar.store.Finding;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The monitor as honest challenger on OP's unmodified FaultDisputeGame (devnet switch {@code wrong-root}): it
 * counters the false root with the challenger key, and when the proposer does not defend it, the root falls once its
 * clock runs out: the monitor resolves the game CHALLENGER_WINS and, after DelayedWETH's delay, claims the bonds
 * (the proposer's init bond and its own), which reach the challenger key (its gauges show them at stake, then
 * claimable, then claimed; while the superchain is paused the claim cannot be paid, and credit left unclaimed past its
 * grace is BOND_UNCLAIMED until claimed); no finding is WRONG_RESOLUTION. And the other way round (switch {@code attack-valid}): a
 * true root attacked with a false claim is defended, the game resolves DEFENDER_WINS and the attacker's bond comes to
 * the challenger.
 */
class HonestChallengerTest {

    @Test
    void aFalseRootIsCounteredWonAndItsBondsClaimed() throws Exception {
        aFalseRootOfTypeIsCounteredWonAndItsBondsClaimed(FaultProofParams.ALPHABET);
    }

    /** The permissioned game: only the challenger role may move, and the monitor's challenger key has it. */
    @Test
    void aFalsePermissionedRootIsCounteredWithTheChallengerRole() throws Exception {
        aFalseRootOfTypeIsCounteredWonAndItsBondsClaimed(FaultProofParams.PERMISSIONED);
    }

    private static void aFalseRootOfTypeIsCounteredWonAndItsBondsClaimed(int gameType) throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            w.startMonitor(w.settings().withAlphabetGameTypes(Set.of(FaultProofParams.ALPHABET,
                    FaultProofParams.PERMISSIONED)));
            GameProposer proposer = w.operator.gameProposer("l2a");
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            EthApi l1 = w.clients.get(Watchtower.L1);
            String challenger = DevKeys.CHALLENGER.address();

            w.operator.misbehave(Misbehaviour.WRONG_ROOT, "l2a", null);
            w.l2(0).anvil().mine(1);
            Instant proposed = Instant.now();
            GameProposer.Game wrong = proposer.propose(gameType, w.l2(0).blockNumber().longValueExact());

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    FaultProofViews.claimCount(l1, wrong.address(), "latest") > 1);
            Watchtower.timing("wrong-root (type " + gameType + ") creation->first move",
                    Duration.between(proposed, Instant.now()));
            FaultProofViews.Claim move = FaultProofViews.claim(l1, wrong.address(), 1, "latest");
            assertThat(move.claimant()).as("the counter to the false root").isEqualToIgnoringCase(challenger);
            assertThat(move.parentIndex()).isZero();
            assertThat(move.position()).as("an attack on the root").isEqualTo(BigInteger.TWO);
            Finding invalid = w.awaitFinding("INVALID_ROOT_CLAIM", Duration.ofSeconds(10));
            assertThat(invalid.evidence()).containsEntry("game", wrong.address().toLowerCase());
            await().atMost(Duration.ofSeconds(10)).until(() -> bonds(w, "at_stake") == move.bond().doubleValue());

            BigInteger before = balance(w, challenger);
            // The proposer does not defend its root: once the root's clock has run out the game is ours.
            w.l1().anvil().increaseTime(fp.maxClockDurationSeconds() + 1);
            w.l1().anvil().mine(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> FaultProofViews.outcome(l1, wrong.address()).status()
                    == FaultProofViews.CHALLENGER_WINS);
            BigInteger credit = FaultProofViews.credit(l1, wrong.address(), challenger);
            assertThat(credit).as("the proposer's init bond and our own").isEqualTo(fp.initBond().add(move.bond()));
            // The false root is over: its finding is resolved, and the resolved alert carries our moves.
            await().atMost(Duration.ofSeconds(30)).until(() -> w.webhooks.alertmanagerAlerts().stream().anyMatch(a ->
                    a.path("labels").path("kind").asText().equals("INVALID_ROOT_CLAIM") && a.has("endsAt")));
            assertThat(w.webhooks.alertmanagerAlerts().stream().filter(a -> a.path("labels").path("kind").asText()
                    .equals("INVALID_ROOT_CLAIM") && a.has("endsAt")).findFirst().orElseThrow().path("annotations")
                    .path("description").asText())
                    .contains("resolution=game resolved CHALLENGER_WINS: the false root lost; the challenger key's"
                            + " moves: 1: claim 1 (depth 1, bond " + move.bond() + " wei)");
            assertThat(w.findings("INVALID_ROOT_CLAIM")).extracting(Finding::status).containsExactly("RESOLVED");
            // Until DelayedWETH's delay has passed the credit waits: the gauge shows it.
            await().atMost(Duration.ofSeconds(10)).until(() -> bonds(w, "claimable") == credit.doubleValue());
            assertThat(bonds(w, "at_stake")).isZero();
            assertThat(w.meters.get("crossbar.monitor.games").tags("chain", "l2a", "status", "CHALLENGER_WINS",
                    "agreement", "agree").gauge().value()).isGreaterThanOrEqualTo(1);

            // The guardian pauses the superchain: DelayedWETH pays nothing while it is paused, so the claim keeps
            // reverting and, past the grace after the delay, the unclaimed credit is a finding.
            w.operator.misbehave(Misbehaviour.PAUSE, "l2a", null);
            w.l1().anvil().increaseTime(fp.delayedWethDelaySeconds() + ChallengerFunds.CLAIM_GRACE.toSeconds() + 1);
            w.l1().anvil().mine(1);
            Finding unclaimed = w.awaitFinding("BOND_UNCLAIMED", Duration.ofSeconds(30));
            assertThat(unclaimed.severity()).isEqualToIgnoringCase("warning");
            assertThat(unclaimed.evidence()).containsEntry("game", wrong.address().toLowerCase())
                    .containsEntry("creditWei", credit.toString());
            assertThat(FaultProofViews.credit(l1, wrong.address(), challenger)).isEqualTo(credit);
            w.operator.misbehave(Misbehaviour.UNPAUSE, "l2a", null);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    FaultProofViews.credit(l1, wrong.address(), challenger).signum() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> w.findings("BOND_UNCLAIMED").getFirst().status()
                    .equals("RESOLVED"));
            assertThat(w.findings("CHALLENGER_BALANCE_LOW")).as("the devnet's challenger key is well funded")
                    .isEmpty();
            assertThat(balance(w, challenger).subtract(before)).as("bonds received, less gas")
                    .isGreaterThan(fp.initBond());
            await().atMost(Duration.ofSeconds(10)).until(() -> bonds(w, "claimable") == 0);
            assertThat(w.findings("WRONG_RESOLUTION")).isEmpty();
            assertThat(w.findings("GAME_AT_RISK")).as("countered at once, never at risk").isEmpty();
        }
    }

    @Test
    void aTrueRootAttackedWithAFalseClaimIsDefendedAndTheAttackersBondWon() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            w.startMonitor(w.settings().withAlphabetGameTypes(Set.of(FaultProofParams.ALPHABET,
                    FaultProofParams.PERMISSIONED)));
            GameProposer proposer = w.operator.gameProposer("l2a");
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            EthApi l1 = w.clients.get(Watchtower.L1);
            String challenger = DevKeys.CHALLENGER.address();

            w.l2(0).anvil().mine(1);
            GameProposer.Game honest = proposer.propose(FaultProofParams.ALPHABET,
                    w.l2(0).blockNumber().longValueExact());
            await().atMost(Duration.ofSeconds(30)).until(() -> "VALID".equals(w.store.gameAt(honest.address())
                    .map(g -> g.verdict()).orElse(null)));
            assertThat(FaultProofViews.claimCount(l1, honest.address(), "latest")).as("a true root is not countered")
                    .isEqualTo(1);

            w.operator.misbehave(Misbehaviour.ATTACK_VALID, "l2a", null);
            FaultProofViews.Claim attack = FaultProofViews.claim(l1, honest.address(), 1, "latest");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    FaultProofViews.claimCount(l1, honest.address(), "latest") > 2);
            FaultProofViews.Claim defense = FaultProofViews.claim(l1, honest.address(), 2, "latest");
            assertThat(defense.claimant()).isEqualToIgnoringCase(challenger);
            assertThat(defense.parentIndex()).as("it counters the attacker's claim").isEqualTo(1);

            w.l1().anvil().increaseTime(fp.maxClockDurationSeconds() + 1);
            w.l1().anvil().mine(1);
            await().atMost(Duration.ofSeconds(30)).until(() -> FaultProofViews.outcome(l1, honest.address()).status()
                    == FaultProofViews.DEFENDER_WINS);
            assertThat(FaultProofViews.credit(l1, honest.address(), challenger)).as("the attacker's bond and our own")
                    .isEqualTo(attack.bond().add(defense.bond()));
            w.l1().anvil().increaseTime(fp.delayedWethDelaySeconds() + 1);
            w.l1().anvil().mine(1);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    FaultProofViews.credit(l1, honest.address(), challenger).signum() == 0);
            assertThat(w.findings("WRONG_RESOLUTION")).isEmpty();
            assertThat(w.findings("INVALID_ROOT_CLAIM")).isEmpty();
        }
    }

    /**
     * A root claimed for an L2 block the L2 has not reached: once no endpoint has the block after the tolerance, the
     * root is found INVALID (no output exists for it) and countered with the output of the newest block there is, as
     * op-challenger's trace stops at its node's safe head.
     */
    @Test
    void aRootForABlockTheL2HasNotReachedIsCountered() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            // endpoints may be behind a block for 2 s before it counts as one the L2 has not reached
            w.startMonitor(w.settings().withEndpointLagTolerance(Duration.ofSeconds(2))
                    .withAlphabetGameTypes(Set.of(FaultProofParams.ALPHABET)));
            EthApi l1 = w.clients.get(Watchtower.L1);
            long future = w.l2(0).blockNumber().longValueExact() + 500;
            var factory = w.operator.gameProposer("l2a").factory();
            BigInteger type = BigInteger.valueOf(FaultProofParams.ALPHABET);
            byte[] root = org.web3j.crypto.Hash.sha3("a root for the future".getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            var receipt = factory.create(type, root, org.web3j.utils.Numeric.toBytesPadded(BigInteger.valueOf(future),
                    32), factory.initBonds(type).send()).send();
            String game = dev.crossbar.contracts.op.DisputeGameFactory.getDisputeGameCreatedEvents(receipt).getFirst()
                    .disputeProxy.toLowerCase();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                    FaultProofViews.claimCount(l1, game, "latest") > 1);
            FaultProofViews.Claim move = FaultProofViews.claim(l1, game, 1, "latest");
            assertThat(move.claimant()).isEqualToIgnoringCase(DevKeys.CHALLENGER.address());
            assertThat(move.position()).as("an attack on the root").isEqualTo(BigInteger.TWO);
            assertThat(w.store.gameAt(game).orElseThrow().verdict()).isEqualTo("INVALID");
            Finding invalid = w.awaitFinding("INVALID_ROOT_CLAIM", Duration.ofSeconds(10));
            assertThat(invalid.evidence()).containsEntry("game", game).containsEntry("l2Block",
                    String.valueOf(future));
            assertThat(invalid.evidence().get("expected")).contains("does not exist yet");
        }
    }

    /** The monitor's gauge of the challenger key's bonds on l2a (NaN before its first round on the games). */
    private static double bonds(Watchtower w, String state) {
        var gauge = w.meters.find("crossbar.monitor.game.bonds.wei").tags("chain", "l2a", "state", state).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private static BigInteger balance(Watchtower w, String address) throws Exception {
        return w.l1().web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }
}
