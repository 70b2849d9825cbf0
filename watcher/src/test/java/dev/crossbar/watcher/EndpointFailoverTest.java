package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.FailoverEthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.testkit.JsonRpcProxy;
import dev.crossbar.testkit.JsonRpcProxy.Fault;
import dev.crossbar.testkit.StoreOutage;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Several endpoints per chain: when the preferred one dies mid-run, the watcher goes on through the next; one stuck on
 * an old head is set aside; one that lies about logs gets nothing recorded when the chain's quorum cross-checks them;
 * when the only one dies, or the store fails its steps, the watcher's loops are down (what readiness reports) and
 * counted until they run again.
 */
class EndpointFailoverTest extends WatcherTestBase {

    @Test
    void anEndpointThatDiesMidRunFailsOverToTheNext() throws Exception {
        ChainConfig base = chain("l2a");
        try (JsonRpcProxy flaky = JsonRpcProxy.start(vertx, base.rpc().getFirst())) {
            ChainConfig c = withEndpoints(base, List.of(flaky.httpUrl(), base.rpc().getFirst()), List.of());
            DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
            traffic.crossRollupBatch(0, 1, 3, "first");
            ChainWatcher w = startWatcher(c);
            awaitCaughtUp(w, "l2a");
            assertThat(flaky.requests()).as("the preferred endpoint served the first part").isPositive();

            flaky.kill();
            int servedBefore = flaky.requests();
            traffic.crossRollupBatch(0, 1, 3, "second");
            traffic.crossRollupBatch(0, 1, 3, "third");
            awaitCaughtUp(w, "l2a");
            assertThat(store.eventCount(901)).isEqualTo(canonicalLogs(base).size());
            assertThat(flaky.requests()).isEqualTo(servedBefore);
        }
    }

    @Test
    void aNodeThatRefusesLargeRangesGetsSmallerOnes() throws Exception {
        ChainConfig base = chain("l2a");
        try (JsonRpcProxy limited = JsonRpcProxy.start(vertx, base.rpc().getFirst())) {
            limited.limitLogRange(3);
            DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
            for (int i = 0; i < 12; i++) {
                traffic.crossRollupBatch(0, 1, 1, "ranged " + i);
            }
            ChainConfig c = withEndpoints(base, List.<URI>of(limited.httpUrl()), List.of());
            ChainWatcher w = startWatcher(withMaxRange(c, 1000));
            awaitCaughtUp(w, "l2a");
            assertThat(limited.refused()).as("the node refused the large ranges").isPositive();
            assertThat(store.eventCount(901)).isEqualTo(canonicalLogs(base).size());
        }
    }

    @Test
    void anEndpointLyingAboutLogsGetsNothingRecordedWhenTheQuorumCrossChecks() throws Exception {
        ChainConfig base = chain("l2a");
        URI node = base.rpc().getFirst();
        try (JsonRpcProxy liar = JsonRpcProxy.start(vertx, node)) {
            liar.mode(Fault.LYING_LOGS);
            new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollupBatch(0, 1, 3, "told by a liar");
            ChainConfig c = withQuorum(withEndpoints(base, List.of(liar.httpUrl(), node), List.of()), 2);
            ChainWatcher w = startWatcher(c);
            await().atMost(Duration.ofSeconds(30)).until(() -> disagreements("l2a") >= 2);
            assertThat(liar.injected(Fault.LYING_LOGS)).as("the liar lied").isPositive();
            assertThat(store.eventCount(901)).as("nothing recorded while the endpoints disagree").isZero();

            liar.mode(Fault.PASS);
            awaitCaughtUp(w, "l2a");
            assertThat(store.eventCount(901)).isEqualTo(canonicalLogs(base).size());
        }
    }

    @Test
    void aWatcherWhoseOnlyEndpointRefusesIsDownAndCountedUntilItAnswersAgain() throws Exception {
        ChainConfig base = chain("l2a");
        try (JsonRpcProxy only = JsonRpcProxy.start(vertx, base.rpc().getFirst())) {
            ChainWatcher w = startWatcher(withEndpoints(base, List.of(only.httpUrl()), List.of()));
            awaitCaughtUp(w, "l2a");
            assertThat(down("watcher-l2a")).isEmpty();
            assertThat(down("watcher-l2a-heads")).isEmpty();

            only.kill();
            await().atMost(Duration.ofSeconds(20)).until(() -> down("watcher-l2a-heads").isPresent());
            assertThat(down("watcher-l2a-heads")).get().asString().contains("Connection refused");
            assertThat(restarts("watcher-l2a-heads")).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("crossbar.loop.up").tag("loop", "watcher-l2a-heads").gauge().value()).isZero();

            only.revive();
            new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollupBatch(0, 1, 2, "after the outage");
            awaitCaughtUp(w, "l2a");
            await().atMost(Duration.ofSeconds(40)).until(() -> down("watcher-l2a-heads").isEmpty());
            assertThat(store.eventCount(901)).isEqualTo(canonicalLogs(base).size());
        }
    }

    @Test
    void aPreferredEndpointStuckOnAnOldHeadIsSetAsideWithinACooldown() throws Exception {
        ChainConfig base = chain("l2a");
        URI node = base.rpc().getFirst();
        try (JsonRpcProxy stale = JsonRpcProxy.start(vertx, node)) {
            stale.mode(Fault.STALE_HEAD);
            DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
            traffic.crossRollupBatch(0, 1, 3, "past a stale head");
            devnet.l2s().stream().filter(d -> d.name().equals("l2a")).findFirst().orElseThrow().anvil()
                    .mine(FailoverEthApi.BEHIND_TOLERANCE + 1);
            ChainConfig c = withEndpoints(base, List.of(stale.httpUrl(), node), List.of());
            ChainWatcher w = startWatcher(c, () -> {}, Duration.ofSeconds(2));
            awaitCaughtUp(w, "l2a");
            assertThat(stale.injected(Fault.STALE_HEAD)).as("the stale head was served").isPositive();
            assertThat(store.eventCount(901)).isEqualTo(canonicalLogs(base).size());
        }
    }

    private double disagreements(String chain) {
        var counter = meters.find("crossbar.watcher.disagreements").tag("chain", chain).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aWatcherWhoseStoreFailsItsStepsIsDownAndCountedUntilAStepCommits() throws Exception {
        ChainConfig c = chain("l2a");
        ChainWatcher w = startWatcher(c);
        awaitCaughtUp(w, "l2a");
        try (StoreOutage outage = StoreOutage.hide(storeFile, "chain_cursors")) {
            new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollupBatch(0, 1, 2, "during the outage");
            await().atMost(Duration.ofSeconds(20)).until(() -> down("watcher-l2a").isPresent());
            assertThat(down("watcher-l2a")).get().asString().contains("no such table: chain_cursors");
            assertThat(restarts("watcher-l2a")).isGreaterThanOrEqualTo(1);
            assertThat(meters.get("crossbar.loop.up").tag("loop", "watcher-l2a").gauge().value()).isZero();
        }
        awaitCaughtUp(w, "l2a");
        await().atMost(Duration.ofSeconds(10)).until(() -> down("watcher-l2a").isEmpty());
        assertThat(store.eventCount(901)).isEqualTo(canonicalLogs(c).size());
    }

    /** Why the running loop {@code name} is down, as readiness reads it; empty while it runs. */
    private static Optional<String> down(String name) {
        SupervisedLoop loop = SupervisedLoop.running().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no loop " + name + " runs"));
        return loop.down();
    }

    private double restarts(String loop) {
        return meters.get("crossbar.loop.restarts").tag("loop", loop).counter().count();
    }
}
