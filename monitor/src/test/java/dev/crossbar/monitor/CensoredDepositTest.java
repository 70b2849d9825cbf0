package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.Finding;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Convert;

/**
 * The sequencer of l2a censors a deposit (devnet switch {@code censor-deposit}) while l2b's deposits execute: once the
 * inclusion window (60s of L1 time) has passed, the monitor finds CENSORED_DEPOSIT for l2a's deposit only, alerts,
 * trips l2a's breaker and pauses its Portal.
 */
class CensoredDepositTest {

    @Test
    void aDepositNotExecutedWithinItsWindowIsFound() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            w.startMonitor(w.settings());
            BigInteger oneEther = Convert.toWei("1", Convert.Unit.ETHER).toBigIntegerExact();
            w.user.depositEther(1, DevKeys.USER.address(), oneEther);
            w.operator.sequencer("l2b").executeDue();
            w.operator.sequencer("l2a").censor(null);
            w.user.depositEther(0, DevKeys.USER.address(), oneEther);
            assertThat(w.operator.sequencer("l2a").executeDue()).isZero();

            Thread.sleep(2000);
            assertThat(w.findings("CENSORED_DEPOSIT")).as("nothing before the deadline").isEmpty();
            w.l1().anvil().increaseTime(90);
            w.l1().anvil().mine(1);
            Instant due = Instant.now();

            Finding finding = w.awaitFinding("CENSORED_DEPOSIT", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("CENSORED_DEPOSIT", "l2a")
                    .isPresent());
            Watchtower.timing("censored-deposit deadline->alert", Duration.between(due,
                    w.webhooks.firstAlert("CENSORED_DEPOSIT", "l2a").orElseThrow()));

            assertThat(finding.chainId()).isEqualTo(Watchtower.L2A);
            assertThat(finding.evidence()).containsEntry("depositNonce", "0").containsKeys("deadline", "depositHash",
                    "l1Tx", "expected", "seen");
            assertThat(w.findings("CENSORED_DEPOSIT")).hasSize(1);
            assertThat(w.tripped(Watchtower.L2A)).isTrue();
            assertThat(w.tripped(Watchtower.L2B)).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(0));
            assertThat(w.paused(1)).isFalse();
            w.awaitBlockedMessage(1, 0, "to a censoring chain");
        }
    }
}
