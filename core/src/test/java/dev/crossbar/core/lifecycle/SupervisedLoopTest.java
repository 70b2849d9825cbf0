package dev.crossbar.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.policy.Backoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SupervisedLoopTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aFailingBodyIsReportedDownCountedAndRunAgainUntilItRuns() {
        AtomicInteger lives = new AtomicInteger();
        SupervisedLoop loop = new SupervisedLoop("test-failing", new Backoff(Duration.ofMillis(300),
                Duration.ofSeconds(1), 0), meters, l -> {
                    if (lives.incrementAndGet() <= 2) {
                        throw new IllegalStateException("broker gone");
                    }
                    while (!l.stopping()) {
                        Thread.sleep(10);
                    }
                });
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> loop.down().isPresent());
            assertThat(loop.down()).get().asString().contains("IllegalStateException: broker gone");
            assertThat(up()).isZero();
            assertThat(SupervisedLoop.running()).contains(loop);

            await().atMost(Duration.ofSeconds(5)).until(() -> lives.get() == 3 && loop.down().isEmpty());
            assertThat(meters.get("crossbar.loop.restarts").tag("loop", "test-failing").counter().count()).isEqualTo(2);
            assertThat(up()).isEqualTo(1);
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
        assertThat(SupervisedLoop.running()).doesNotContain(loop);
        assertThat(up()).isZero();
    }

    @Test
    void aBodyThatReturnsWithoutBeingStoppedIsAFailureToo() {
        AtomicInteger lives = new AtomicInteger();
        SupervisedLoop loop = new SupervisedLoop("test-returning", new Backoff(Duration.ofMillis(50),
                Duration.ofMillis(100), 0), meters, l -> lives.incrementAndGet());
        loop.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> lives.get() >= 3);
            assertThat(meters.get("crossbar.loop.restarts").tag("loop", "test-returning").counter().count())
                    .isGreaterThanOrEqualTo(2);
        } finally {
            loop.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aDrivenLoopIsDownFromAFailedPassUntilAPassRunsAndBacksOffMoreWithEachFailureInARow() {
        SupervisedLoop loop = SupervisedLoop.driven("test-driven", new Backoff(Duration.ofMillis(100),
                Duration.ofSeconds(10), 0), meters).start();
        try {
            assertThat(SupervisedLoop.running()).contains(loop);
            assertThat(loop.down()).isEmpty();
            assertThat(loop.failed(new IllegalStateException("endpoint refused"))).isEqualTo(Duration.ofMillis(100));
            assertThat(loop.failed(new IllegalStateException("endpoint refused again")))
                    .isEqualTo(Duration.ofMillis(200));
            assertThat(loop.down()).get().asString().isEqualTo("IllegalStateException: endpoint refused again");
            assertThat(up("test-driven")).isZero();
            assertThat(meters.get("crossbar.loop.restarts").tag("loop", "test-driven").counter().count()).isEqualTo(2);

            loop.ran();
            assertThat(loop.down()).isEmpty();
            assertThat(up("test-driven")).isEqualTo(1);
            assertThat(loop.failed(new IllegalStateException("once more"))).isEqualTo(Duration.ofMillis(100));
        } finally {
            loop.stop(Duration.ofSeconds(1));
        }
        assertThat(SupervisedLoop.running()).doesNotContain(loop);
    }

    private double up() {
        return up("test-failing");
    }

    private double up(String loop) {
        return meters.get("crossbar.loop.up").tag("loop", loop).gauge().value();
    }
}
