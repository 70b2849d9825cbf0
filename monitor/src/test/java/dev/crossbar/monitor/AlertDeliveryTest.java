package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.monitor.alert.Alert;
import dev.crossbar.monitor.alert.AlertDispatcher;
import dev.crossbar.monitor.alert.WebhookSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Alerts to real webhooks (a Vert.x server on loopback): both formats carry what an operator needs; a failing webhook
 * is retried with backoff until it takes the alert, and never makes the sender wait.
 */
class AlertDeliveryTest {
    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void bothFormatsCarryLabelsEvidenceAndRunbook() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(vertx)) {
            AlertDispatcher d = dispatcher(receiver, 5);
            Instant started = Instant.parse("2026-01-01T00:00:00Z");
            d.send(alert(7, started, null));
            d.send(alert(7, started, started.plusSeconds(60)));
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received.size() == 4);

            List<JsonNode> am = receiver.alertmanagerAlerts();
            assertThat(am).hasSize(2);
            JsonNode firing = am.getFirst();
            assertThat(firing.path("labels").path("alertname").asText()).isEqualTo("CrossbarForgedRelay");
            assertThat(firing.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(firing.path("labels").path("chain").asText()).isEqualTo("l2b");
            assertThat(firing.path("labels").path("kind").asText()).isEqualTo("FORGED_RELAY");
            assertThat(firing.path("annotations").path("summary").asText()).isEqualTo("a forged relay");
            assertThat(firing.path("annotations").path("description").asText())
                    .isEqualTo("chain=l2b\nexpected=0xaa\nseen=0xbb\ndeadline=2026-01-01T01:00:00Z");
            assertThat(firing.path("annotations").path("runbook").asText()).contains("block builder");
            assertThat(firing.path("startsAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(firing.has("endsAt")).isFalse();
            assertThat(firing.path("generatorURL").asText()).isEqualTo("http://monitor.example/api/findings");
            assertThat(am.get(1).path("endsAt").asText()).isEqualTo("2026-01-01T00:01:00Z");

            JsonNode json = receiver.jsonAlerts().getFirst();
            assertThat(json.path("schema").asText()).isEqualTo("crossbar.alert/v1");
            assertThat(json.path("status").asText()).isEqualTo("firing");
            assertThat(json.path("evidence").path("seen").asText()).isEqualTo("0xbb");
            assertThat(json.path("findingId").asLong()).isEqualTo(7);
            assertThat(receiver.jsonAlerts().get(1).path("status").asText()).isEqualTo("resolved");
            d.close();
        }
    }

    @Test
    void aFailingWebhookIsRetriedAndNeverMakesTheSenderWait() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(vertx)) {
            receiver.failFirst.set(6);
            AlertDispatcher d = dispatcher(receiver, 50);
            long t0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                d.send(alert(i, Instant.now(), null));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("sending waits for no webhook")
                    .isLessThan(Duration.ofMillis(500));
            // delivery is at least once: an alert whose answer was lost is sent again (receivers dedupe)
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.alertmanagerAlerts().stream()
                    .map(a -> a.path("labels").path("finding").asText()).distinct().count() == 100
                    && receiver.jsonAlerts().stream().map(a -> a.path("findingId").asLong()).distinct().count() == 100);
            assertThat(receiver.received.stream().filter(r -> r.answered() == 500)).hasSize(6);
            assertThat(receiver.alertmanagerAlerts().getFirst().path("labels").path("finding").asText())
                    .as("retried in order").isEqualTo("0");
            assertThat(meters.find("crossbar.monitor.alerts").tag("result", "failed").counters().stream()
                    .mapToDouble(c -> c.count()).sum()).isEqualTo(6);
            d.close();
        }
    }

    @Test
    void aLaneWhoseWebhookFailsIsDownAndCountedUntilItDeliversAgain() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver(vertx)) {
            receiver.failFirst.set(8);
            AlertDispatcher d = dispatcher(receiver, 20);
            try {
                d.send(alert(1, Instant.now(), null));
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                        .until(() -> lane("alertmanager").down().isPresent() || lane("json").down().isPresent());
                assertThat(SupervisedLoop.running().stream().flatMap(l -> l.down().stream()))
                        .anyMatch(why -> why.contains("500"));
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.alertmanagerAlerts().size() == 1
                        && receiver.jsonAlerts().size() == 1);
                await().atMost(Duration.ofSeconds(5)).until(() -> lane("alertmanager").down().isEmpty()
                        && lane("json").down().isEmpty());
                assertThat(meters.find("crossbar.loop.restarts").counters().stream()
                        .filter(c -> c.getId().getTag("loop").startsWith("monitor-alerts-"))
                        .mapToDouble(c -> c.count()).sum()).as("every refused delivery counted").isEqualTo(8);
            } finally {
                d.close();
            }
            assertThat(SupervisedLoop.running()).extracting(SupervisedLoop::name)
                    .noneMatch(n -> n.startsWith("monitor-alerts-"));
        }
    }

    private static SupervisedLoop lane(String format) {
        return SupervisedLoop.running().stream().filter(l -> l.name().equals("monitor-alerts-" + format)).findFirst()
                .orElseThrow(() -> new AssertionError("no lane " + format + " runs"));
    }

    private AlertDispatcher dispatcher(WebhookReceiver receiver, int maxAttempts) {
        MonitorSettings.Alerts settings = new MonitorSettings.Alerts(List.of(
                new MonitorSettings.Webhook(receiver.alertmanagerUrl(), MonitorSettings.Webhook.Format.ALERTMANAGER),
                new MonitorSettings.Webhook(receiver.jsonUrl(), MonitorSettings.Webhook.Format.JSON)),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(400), 0.2), maxAttempts, 1000,
                Duration.ofMinutes(1), URI.create("http://monitor.example/api/findings"));
        return new AlertDispatcher(settings.webhooks().stream().map(w -> new WebhookSink(vertx, w,
                settings.generatorUrl())).toList(), settings, new MonitorMetrics(meters));
    }

    private static Alert alert(long id, Instant startsAt, Instant endsAt) {
        return new Alert(id, FindingKind.FORGED_RELAY, "l2b", 902, "a forged relay", Observation.evidence("chain", "l2b",
                "expected", "0xaa", "seen", "0xbb", "deadline", "2026-01-01T01:00:00Z"), startsAt, endsAt,
                "FORGED_RELAY:902:" + id);
    }
}
