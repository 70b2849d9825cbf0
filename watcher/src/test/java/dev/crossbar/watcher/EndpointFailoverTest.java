package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.testkit.JsonRpcProxy;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several endpoints per chain: when the preferred one dies mid-run, the watcher goes on through the next. */
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
}
