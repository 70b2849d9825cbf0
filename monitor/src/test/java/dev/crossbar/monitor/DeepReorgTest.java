package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.store.Finding;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * l2a reorgs: a reorg within its safe depth (5) is no finding; one replacing 9 blocks is DEEP_REORG, alerted, and
 * trips l2a's breaker and pauses its Portal.
 */
class DeepReorgTest {

    @Test
    void aReorgDeeperThanTheSafeDepthIsFound() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            w.startMonitor(w.settings());
            w.heartbeat.halt("l2a", true); // the reorgs replace exactly the blocks the monitor saw
            w.l2(0).anvil().mine(12);
            awaitSeen(w);
            w.l2(0).anvil().reorg(3);
            Thread.sleep(2500);
            assertThat(w.findings("DEEP_REORG")).as("a reorg within the safe depth").isEmpty();

            w.l2(0).anvil().mine(12);
            awaitSeen(w);
            w.l2(0).anvil().reorg(9);
            Instant at = Instant.now();
            Finding finding = w.awaitFinding("DEEP_REORG", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("DEEP_REORG", "l2a").isPresent());
            Watchtower.timing("deep-reorg reorg->alert", Duration.between(at,
                    w.webhooks.firstAlert("DEEP_REORG", "l2a").orElseThrow()));
            assertThat(finding.chainId()).isEqualTo(Watchtower.L2A);
            assertThat(finding.evidence()).containsEntry("depth", "9").containsKeys("forkBlock", "oldTipHash");
            assertThat(w.findings("DEEP_REORG")).hasSize(1);
            assertThat(w.tripped(Watchtower.L2A)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(0));
            w.awaitBlockedMessage(0, 1, "from a chain that reorged deep");
        }
    }

    /** Waits until the monitor has seen l2a's head (a reorg of blocks it never saw is not one it can see). */
    private static void awaitSeen(Watchtower w) throws Exception {
        long head = w.l2(0).blockNumber().longValueExact();
        await().atMost(Duration.ofSeconds(15)).until(() -> w.monitor.seenHead(Watchtower.L2A) >= head);
        Thread.sleep(600);
    }
}
