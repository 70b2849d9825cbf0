package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.store.Finding;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The proposer of l2a stops proposing (devnet switch {@code stop-proposing}) while l2a moves on: past the liveness
 * timeout (120s of L1 time) the monitor finds PROPOSER_DOWN, alerts, trips l2a's breaker and pauses its Portal; once an
 * output is proposed again the finding is resolved and the alert is sent as resolved.
 */
class ProposerDownTest {

    @Test
    void anL2WithoutOutputsForLongerThanTheTimeoutIsFound() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            MonitorSettings s = w.settings();
            ChainChecks l2a = s.chainDefaults().withThresholds(Duration.ofSeconds(120),
                    s.chainDefaults().depositInclusionWindow(), s.chainDefaults().safeReorgDepth(),
                    s.chainDefaults().haltAfter());
            w.startMonitor(s.withChecks(Watchtower.L2A, l2a));
            w.proposeL2a();
            w.operator.misbehave(Misbehaviour.STOP_PROPOSING, "l2a", null);
            assertThat(w.operator.proposer("l2a").proposeIfDue()).isEqualTo(-1);
            Thread.sleep(2000);
            assertThat(w.findings("PROPOSER_DOWN")).as("nothing before the timeout").isEmpty();

            w.l1().anvil().increaseTime(150);
            w.l1().anvil().mine(1);
            Instant due = Instant.now();
            Finding finding = w.awaitFinding("PROPOSER_DOWN", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("PROPOSER_DOWN", "l2a")
                    .isPresent());
            Watchtower.timing("proposer-down timeout->alert", Duration.between(due,
                    w.webhooks.firstAlert("PROPOSER_DOWN", "l2a").orElseThrow()));
            assertThat(finding.evidence()).containsEntry("lastOutputIndex", "0").containsKeys("silentFor", "l2Head",
                    "deadline");
            assertThat(w.findings("PROPOSER_DOWN")).extracting(Finding::chainId).containsExactly(Watchtower.L2A);
            assertThat(w.tripped(Watchtower.L2A)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(0));
            w.awaitBlockedMessage(0, 1, "from a chain without a proposer");

            w.operator.behave("l2a");
            w.proposeL2a();
            await().atMost(Duration.ofSeconds(30)).until(() -> w.findings("PROPOSER_DOWN").getFirst().status()
                    .equals("RESOLVED"));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.alertmanagerAlerts().stream().anyMatch(a ->
                    a.path("labels").path("kind").asText().equals("PROPOSER_DOWN") && a.has("endsAt")));
        }
    }
}
