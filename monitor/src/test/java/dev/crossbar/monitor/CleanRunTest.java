package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.OutputRecord;
import dev.crossbar.testkit.JsonRpcProxy;
import io.micrometer.core.instrument.Counter;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Convert;

/**
 * An honest run: 100 outputs (50 per L2), 50 withdrawals proven and finalized after their window, 50 cross-rollup
 * relays and 20 deposits, with a second endpoint for each L2 that always lags a few blocks behind. The monitor
 * checks all of it and raises no finding at all: no alert reaches the webhooks, no breaker trips, no Portal pauses.
 */
class CleanRunTest {
    private static final int ROUNDS = 50;

    @Test
    void anHonestRunRaisesNoFindingAtAll() throws Exception {
        try (Watchtower w = new Watchtower();
                JsonRpcProxy l2a = JsonRpcProxy.start(w.vertx, URI.create(w.l2(0).rpcUrl())).lagBehind(3);
                JsonRpcProxy l2b = JsonRpcProxy.start(w.vertx, URI.create(w.l2(1).rpcUrl())).lagBehind(3)) {
            w.startRelayer();
            MonitorSettings s = w.settings();
            ChainChecks checks = s.chainDefaults().withThresholds(s.chainDefaults().proposerLivenessTimeout(),
                    s.chainDefaults().depositInclusionWindow(), s.chainDefaults().safeReorgDepth(),
                    Duration.ofSeconds(30));
            w.startMonitor(new MonitorSettings(s.group(), s.tick(), s.challengeMargin(), checks, Map.of(),
                    s.pauseOnMisbehaviour(), s.escapeOn(), s.reopenForExits(), s.maxLagBlocks(), Duration.ofSeconds(20),
                    s.endpointLagTolerance(), s.checkGiveUpAfter(), s.fees(), s.alerts()),
                    Map.of(Watchtower.L2A, List.of(l2a.httpUrl()), Watchtower.L2B, List.of(l2b.httpUrl())));
            BigInteger wei = Convert.toWei("0.01", Convert.Unit.ETHER).toBigIntegerExact();
            for (int i = 0; i < ROUNDS; i++) {
                w.user.withdrawal(0, "clean withdrawal " + i, BigInteger.ZERO);
                w.user.crossRollup(i % 2, 1 - i % 2, "clean relay " + i);
                if (i % 5 == 0) {
                    w.user.depositEther(0, DevKeys.USER.address(), wei);
                    w.user.deposit(1, "clean deposit " + i, BigInteger.ZERO);
                    w.operator.sequencer("l2a").executeDue();
                    w.operator.sequencer("l2b").executeDue();
                }
                w.proposeL2a();
                w.l2(1).anvil().mine(1);
                w.operator.proposer("l2b").propose(w.l2(1).blockNumber().longValueExact());
            }
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(w.messages(MessageKind.WITHDRAWAL, MessageState.IN_WINDOW)).hasSize(ROUNDS);
                assertThat(w.messages(MessageKind.CROSS_ROLLUP, MessageState.RELAYED)).hasSize(ROUNDS);
                assertThat(w.messages(MessageKind.DEPOSIT, MessageState.RELAYED)).hasSize(2 * ROUNDS / 5);
            });
            await().atMost(Duration.ofSeconds(120)).until(() -> w.store.outputs(null, 1000).stream()
                    .filter(o -> o.status() == OutputRecord.Status.PROPOSED)
                    .allMatch(o -> "VALID".equals(o.verdict())));
            assertThat(w.store.outputs(null, 1000)).hasSize(2 * ROUNDS);
            w.passWindow();
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(w.messages(MessageKind.WITHDRAWAL, MessageState.RELAYED)).hasSize(ROUNDS));
            await().atMost(Duration.ofSeconds(60)).until(() -> w.monitor.pendingChecks() == 0);
            Thread.sleep(3000);

            assertThat(w.store.findings(null, 1000)).as("findings of an honest run").isEmpty();
            assertThat(w.webhooks.received).as("alerts of an honest run").isEmpty();
            assertThat(w.store.breakers()).noneMatch(b -> b.tripped());
            assertThat(w.paused(0)).isFalse();
            assertThat(w.paused(1)).isFalse();
            assertThat(l2a.requests()).as("the lagging endpoint of l2a was asked too").isPositive();
            assertThat(l2b.requests()).as("the lagging endpoint of l2b was asked too").isPositive();
            assertThat(checks(w, "relays", "passed")).isGreaterThanOrEqualTo(ROUNDS);
            assertThat(checks(w, "withdrawal_proofs", "passed")).isGreaterThanOrEqualTo(ROUNDS);
            assertThat(checks(w, "finalizations", "passed")).isGreaterThanOrEqualTo(ROUNDS);
            assertThat(checks(w, "deposits", "passed")).isGreaterThanOrEqualTo(2 * ROUNDS / 5);
        }
    }

    private static double checks(Watchtower w, String check, String result) {
        Counter c = w.meters.find("crossbar.monitor.checks").tag("check", check).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }
}
