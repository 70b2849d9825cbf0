package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.testkit.JsonRpcProxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** New heads come by WebSocket subscription; when the socket drops, polling keeps the watcher going. */
class HeadSubscriptionTest extends WatcherTestBase {

    @Test
    void headsComeBySubscriptionAndPollingTakesOverWhenTheSocketDrops() throws Exception {
        ChainConfig base = chain("l2a");
        try (JsonRpcProxy ws = JsonRpcProxy.start(vertx, base.rpc().getFirst())) {
            ChainConfig c = withEndpoints(base, base.rpc(), List.of(ws.wsUrl()));
            ChainWatcher w = startWatcher(c);
            await().atMost(Duration.ofSeconds(10)).until(w::isSubscribed);
            DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
            traffic.crossRollupBatch(0, 1, 2, "subscribed");
            awaitCaughtUp(w, "l2a");

            ws.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> !w.isSubscribed());
            traffic.crossRollupBatch(0, 1, 2, "polling");
            awaitCaughtUp(w, "l2a");
            assertThat(store.eventCount(901)).isEqualTo(canonicalLogs(base).size());

            ws.revive();
            await().atMost(Duration.ofSeconds(20)).until(w::isSubscribed);
        }
    }
}
