package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.Finding;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The operator relays to l2b a cross-rollup message that l2a never sent (devnet switch {@code forge-relay}), while
 * honest messages are relayed too: the monitor finds FORGED_RELAY for the forged one only, alerts, trips l2b's breaker
 * (the relayer holds messages to l2b as BLOCKED) and pauses l2b's Portal.
 */
class ForgedRelayTest {

    @Test
    void aRelayOfAMessageTheSourceNeverSentIsFound() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            w.startMonitor(w.settings());
            w.user.crossRollup(0, 1, "honest");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    w.messages(MessageKind.CROSS_ROLLUP, MessageState.RELAYED).size() == 1);

            Instant at = Instant.now();
            // Let past the devnet's interop block check (a sequencer that builds its own forgery in), which would
            // otherwise take the relay off l2b: the monitor must find a forged relay that stays on the chain.
            TransactionReceipt forged = w.operator.forgeRelay("l2b", true);
            assertThat(forged.isStatusOK()).isTrue();
            Finding finding = w.awaitFinding("FORGED_RELAY", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("FORGED_RELAY", "l2b").isPresent());
            Watchtower.timing("forged-relay relay->alert", Duration.between(at,
                    w.webhooks.firstAlert("FORGED_RELAY", "l2b").orElseThrow()));

            assertThat(finding.chainId()).isEqualTo(Watchtower.L2B);
            assertThat(finding.evidence()).containsEntry("relayTx", forged.getTransactionHash())
                    .containsEntry("source", "l2a").containsKeys("expected", "seen", "messageHash", "nonce");
            assertThat(w.findings("FORGED_RELAY")).hasSize(1);
            assertThat(w.tripped(Watchtower.L2B)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(1));
            w.awaitBlockedMessage(0, 1, "to a chain behind its breaker");
        }
    }
}
