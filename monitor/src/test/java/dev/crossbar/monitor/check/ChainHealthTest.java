package dev.crossbar.monitor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.monitor.ChainChecks;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.FakeEndpoint;
import dev.crossbar.monitor.chain.Witnesses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Halts and reorgs as the endpoints of a chain show them: one stuck node is no halt, and a deep reorg that not every
 * endpoint shows is no finding.
 */
class ChainHealthTest {
    private final FakeEndpoint primary = new FakeEndpoint("a", 100);
    private final FakeEndpoint other = new FakeEndpoint("b", 100);
    private final List<Observation> found = new ArrayList<>();
    private final List<FindingKind> cleared = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final ChainChecks checks = ChainChecks.defaults().withThresholds(Duration.ofHours(1), Duration.ofHours(1),
            3, Duration.ofSeconds(10));
    private final ChainHealth health = new ChainHealth(901, "l2a", primary, new Witnesses("l2a", List.of(primary,
            other)), new FindingSink() {
                @Override
                public void report(Observation o) {
                    found.add(o);
                }

                @Override
                public void clear(FindingKind kind, long chainId, String keepKey, String reason) {
                    cleared.add(kind);
                }
            }, clock);

    @Test
    void oneStuckEndpointIsNoHaltButAStuckChainIs() {
        health.check(checks);
        primary.head = 100; // stuck
        other.head = 101;
        clock.advance(Duration.ofSeconds(11));
        health.check(checks);
        assertThat(found).isEmpty();
        clock.advance(Duration.ofSeconds(11));
        health.check(checks);
        assertThat(found).extracting(Observation::kind).containsExactly(FindingKind.CHAIN_HALTED);
        other.head = 102;
        health.check(checks);
        assertThat(cleared).contains(FindingKind.CHAIN_HALTED);
    }

    @Test
    void aDeepReorgIsReportedOnceEveryEndpointShowsIt() {
        health.check(checks);
        primary.forkFrom = 95; // 6 blocks replaced, on the primary only so far
        primary.fork = 1;
        health.check(checks);
        assertThat(found).as("not shown by the other endpoint").isEmpty();

        other.forkFrom = 95;
        other.fork = 1;
        health.check(checks);
        assertThat(found).extracting(Observation::kind).containsExactly(FindingKind.DEEP_REORG);
        assertThat(found.getFirst().evidence()).containsEntry("depth", "6").containsEntry("forkBlock", "94");
    }

    @Test
    void aReorgWithinTheSafeDepthIsNoFinding() {
        health.check(checks);
        primary.forkFrom = 98;
        other.forkFrom = 98;
        primary.fork = 1;
        other.fork = 1;
        health.check(checks);
        assertThat(found).isEmpty();
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
