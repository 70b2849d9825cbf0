package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.store.Finding;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * l2b stops producing blocks: after {@code haltAfter} (8s) the monitor finds CHAIN_HALTED, alerts, trips l2b's
 * breaker (the relayer holds messages to it as BLOCKED) and pauses its Portal; when blocks come again the finding is
 * resolved.
 */
class ChainHaltTest {

    @Test
    void aChainWithoutNewBlocksIsFoundAndResolvedWhenItMovesAgain() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            w.startMonitor(w.settings());
            Thread.sleep(3000);
            assertThat(w.findings("CHAIN_HALTED")).as("a live chain is not halted").isEmpty();

            w.heartbeat.halt("l2b", true);
            Instant halted = Instant.now();
            Finding finding = w.awaitFinding("CHAIN_HALTED", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("CHAIN_HALTED", "l2b")
                    .isPresent());
            Watchtower.timing("chain-halt last-block->alert (haltAfter=8s)", Duration.between(halted,
                    w.webhooks.firstAlert("CHAIN_HALTED", "l2b").orElseThrow()));
            assertThat(finding.chainId()).isEqualTo(Watchtower.L2B);
            assertThat(finding.evidence()).containsKeys("block", "lastNewBlockAt", "stillFor");
            assertThat(w.tripped(Watchtower.L2B)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(1));
            w.awaitBlockedMessage(0, 1, "to a halted chain");

            w.heartbeat.halt("l2b", false);
            await().atMost(Duration.ofSeconds(15)).until(() -> w.findings("CHAIN_HALTED").getFirst().status()
                    .equals("RESOLVED"));
            assertThat(w.findings("CHAIN_HALTED")).hasSize(1);
        }
    }
}
