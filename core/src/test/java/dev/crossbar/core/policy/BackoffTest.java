package dev.crossbar.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleUntilTheCapAndJitterNeverBreaksIt() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);
        for (int i = 0; i < 1000; i++) {
            assertThat(b.delay(1)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
            assertThat(b.delay(3)).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
            assertThat(b.delay(50)).isBetween(Duration.ofSeconds(24), Duration.ofSeconds(30));
        }
        assertThat(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0).delay(4)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void badParametersAreRefusedNamingThem() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0)).hasMessageContaining("base");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0)).hasMessageContaining("max");
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5)).hasMessageContaining("jitter");
    }
}
