package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    @Test
    void delayGrowsExponentiallyUpToTheCap() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.0);
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delay(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(1_000)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void jitterNeverBreaksTheCap() {
        RetryBackoff backoff = new RetryBackoff(Duration.ofMillis(100), Duration.ofMillis(500), 3.0, 0.5);
        for (int i = 0; i < 1_000; i++) {
            assertThat(backoff.delay(10)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        }
    }

    @Test
    void badParametersAreRefusedByName() {
        assertThatThrownBy(() -> new RetryBackoff(Duration.ZERO, Duration.ofSeconds(1), 2, 0)).hasMessageContaining("initial");
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0)).hasMessageContaining("max");
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0.5, 0)).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, 1.0)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> RetryBackoff.DEFAULT.delay(0)).hasMessageContaining("failures");
    }
}
