package dev.crossbar.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault campaign in its short form (every build): every role as its own process from the service jar, every kind
 * of fault injected at least once while a user sends messages in every flow, then everything due settles and the
 * outcome is checked. The full campaign is {@code ./crossbar chaos --messages 1000} (or this test with
 * {@code -Pchaos}, which sets {@code chaos.messages}).
 */
class ChaosCampaignIT {
    static final String PG_URL = System.getenv().getOrDefault("CROSSBAR_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = System.getenv().getOrDefault("CROSSBAR_TEST_PG_USER", "postgres");
    /** The service launcher as the image carries it. */
    static final Path SERVICE_JAR = Path.of("..", "app", "target", "crossbar.jar").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 40, unit = TimeUnit.MINUTES)
    void everyFaultDuringTrafficEndsWithEveryMessageDeliveredOnceAndNoExtraTransaction() throws Exception {
        int messages = Integer.getInteger("chaos.messages", 40);
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        ChaosCampaign.Settings settings = new ChaosCampaign.Settings(messages, seed, dir.resolve("chaos"), SERVICE_JAR,
                PG_URL, PG_USER, 2, Duration.ofSeconds(messages > 200 ? 15 : 3), Duration.ofMinutes(4));
        ChaosReport report = new ChaosCampaign(settings, System.out).run();
        report.print(System.out);
        System.out.println(report.json());

        assertThat(report.faultsByKind().keySet()).as("every kind of fault injected (seed %d)", seed)
                .containsExactlyInAnyOrder(ChaosCampaign.Fault.values());
        assertThat(report.everyFaultInjected()).as("every RPC fault acted: %s", report.rpcFaultsActed()).isTrue();
        assertThat(report.faults()).as("a relayer was killed while its sends were in flight")
                .anyMatch(f -> f.kind() == ChaosCampaign.Fault.KILL_RELAYER && f.detail().contains("right after"));
        assertThat(report.faults()).as("a reorg deeper than the confirmations")
                .anyMatch(f -> f.kind() == ChaosCampaign.Fault.L1_REORG
                        && Integer.parseInt(f.detail().replaceAll("^l1 reorged (\\d+) .*", "$1")) > 2);
        assertThat(report.sentByFlow().values().stream().mapToInt(Integer::intValue).sum())
                .isGreaterThanOrEqualTo(messages);
        assertThat(report.unsettled()).as("nothing left unsettled in the store").isEmpty();
        assertThat(report.findings()).as("no false finding").isEmpty();
    }
}
