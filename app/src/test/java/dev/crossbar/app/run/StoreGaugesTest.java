package dev.crossbar.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.app.http.ChainStatusSource;
import dev.crossbar.app.http.Checks;
import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.testkit.StoreOutage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store gauges' refresh is a supervised loop: a store that fails it is reported by readiness until it answers. */
class StoreGaugesTest {
    @TempDir
    Path dir;

    @Test
    void aRefreshTheStoreFailsIsCountedAndReportedByReadinessUntilTheStoreAnswersAgain() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (ApiFixture api = new ApiFixture(dir, false, ChainStatusSource.none())) {
            var loops = Checks.loops();
            StoreGauges gauges = new StoreGauges(api.vertx, api.store, meters, Duration.ofMillis(200));
            gauges.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            try {
                assertThat(gauge(meters)).as("refreshed at the start").isZero();
                try (StoreOutage outage = StoreOutage.hide(dir.resolve("store.db"), "messages")) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> loops.check().failed());
                    assertThat(loops.check().cause().getMessage()).contains("store-gauges is down (")
                            .contains("no such table: messages");
                    assertThat(meters.get("crossbar.loop.restarts").tag("loop", "store-gauges").counter().count())
                            .isGreaterThanOrEqualTo(1);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> loops.check().succeeded());
                assertThat(meters.get("crossbar.loop.up").tag("loop", "store-gauges").gauge().value()).isEqualTo(1);
            } finally {
                gauges.stop();
            }
            assertThat(SupervisedLoop.running()).as("a stopped loop is no longer listed").extracting(SupervisedLoop::name)
                    .doesNotContain("store-gauges");
        }
    }

    private static double gauge(SimpleMeterRegistry meters) {
        return meters.get("crossbar.messages").tag("state", "RELAYED").gauge().value();
    }
}
