package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.monitor.act.Actors;
import dev.crossbar.monitor.act.FindingReporter;
import dev.crossbar.monitor.act.ForcedExits;
import dev.crossbar.monitor.act.Responder;
import dev.crossbar.monitor.alert.AlertDispatcher;
import dev.crossbar.monitor.alert.WebhookSink;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.Finding;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import dev.crossbar.store.StoreConfig;
import dev.crossbar.txmanager.TxMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Findings on the real store: the same thing seen again is one finding and one alert (also across a restart); a
 * finding is a metric; misbehaviour trips the chain's breaker; a condition that is over is resolved and its alert sent
 * as resolved.
 */
class FindingReporterTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private MessageStore store;
    private WebhookReceiver receiver;
    private AlertDispatcher alerts;
    private MonitoredChains chains;
    private FindingReporter reporter;
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @BeforeEach
    void start() throws Exception {
        store = MessageStores.open(StoreConfig.sqlite(dir.resolve("store.db")),
                new ChainTopology(Map.of(902L, 900L), 1));
        receiver = new WebhookReceiver(vertx);
        MonitorSettings s = Watchtower.settings("g", receiver.alertmanagerUrl(), receiver.jsonUrl());
        alerts = new AlertDispatcher(s.alerts().webhooks().stream().map(w -> new WebhookSink(vertx, w,
                s.alerts().generatorUrl())).toList(), s.alerts(), new MonitorMetrics(meters));
        List<URI> rpc = List.of(URI.create("http://127.0.0.1:9"));
        ChainConfig l1 = new ChainConfig("l1", 900, ChainRole.L1, rpc, List.of(), Confirmations.blocks(0), 0,
                Duration.ofSeconds(1), 100, List.of(new Settlement(902, "0x01", "0x02", "0x03")), null, null);
        ChainConfig l2 = new ChainConfig("l2b", 902, ChainRole.L2, rpc, List.of(), Confirmations.blocks(0), 0,
                Duration.ofSeconds(1), 100, List.of(), new ChainConfig.L2Contracts("0x04", "0x05", "0x06", null), 900L);
        chains = MonitoredChains.of(List.of(l1, l2), Map.<Long, EthApi>of(), Map.of());
        reporter = reporter(s);
    }

    private FindingReporter reporter(MonitorSettings s) {
        Actors noKeys = new Actors(Map.of(), List.of(), List.of(), store, s.fees(), new MonitorMetrics(meters),
                new TxMetrics(meters, "monitor"));
        return new FindingReporter(store, chains, new MonitorMetrics(meters), alerts,
                new Responder(chains, store, noKeys, s, new ForcedExits(chains, store, noKeys)), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        alerts.close();
        receiver.close();
        store.close();
        vertx.close();
    }

    @Test
    void theSameThingSeenAgainIsOneFindingAndOneAlert() throws Exception {
        Observation forged = observation(FindingKind.FORGED_RELAY, "FORGED_RELAY:902:0xab");
        reporter.report(forged);
        reporter.report(forged);
        FindingReporter afterRestart = reporter(Watchtower.settings("g", receiver.alertmanagerUrl(),
                receiver.jsonUrl()));
        afterRestart.sync(false);
        afterRestart.report(forged);

        List<Finding> findings = store.findings(null, 10);
        assertThat(findings).hasSize(1);
        assertThat(findings.getFirst().count()).isEqualTo(1);
        assertThat(findings.getFirst().evidence()).containsEntry("seen", "0xbb");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 2);
        Thread.sleep(300);
        assertThat(receiver.alertmanagerAlerts()).hasSize(1);
        assertThat(receiver.jsonAlerts()).hasSize(1);
        assertThat(meters.find("crossbar.monitor.findings").tag("kind", "FORGED_RELAY").tag("severity", "critical")
                .counter().count()).isEqualTo(1);
        assertThat(meters.find("crossbar.monitor.findings.open").tag("severity", "critical").gauge().value())
                .isEqualTo(1);
        assertThat(store.breaker(902).orElseThrow().tripped()).as("misbehaviour trips the breaker").isTrue();
    }

    @Test
    void aConditionThatIsOverIsResolvedAndItsAlertSentAsResolved() {
        reporter.report(observation(FindingKind.CHAIN_HALTED, "CHAIN_HALTED:902:17"));
        reporter.clear(FindingKind.CHAIN_HALTED, 902, null, "blocks again");
        assertThat(store.findings(null, 10)).extracting(Finding::status).containsExactly("RESOLVED");
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.alertmanagerAlerts().stream()
                .anyMatch(a -> a.has("endsAt")));
        reporter.report(observation(FindingKind.CHAIN_HALTED, "CHAIN_HALTED:902:17"));
        assertThat(store.findings("OPEN", 10)).as("seen again after it was over: a new finding").hasSize(1);
        assertThat(meters.find("crossbar.monitor.findings.open").tag("severity", "critical").gauge().value())
                .isEqualTo(1);
    }

    private static Observation observation(FindingKind kind, String key) {
        return new Observation(kind, 902, key, "something on l2b", Observation.evidence("chain", "l2b", "expected",
                "0xaa", "seen", "0xbb"));
    }
}
