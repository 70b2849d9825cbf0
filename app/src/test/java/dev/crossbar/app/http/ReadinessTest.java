package dev.crossbar.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.devnet.AnvilNode;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.kafka.embedded.EmbeddedKafkaConfig;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.testkit.JsonRpcProxy;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} follows what it depends on: a real chain (anvil behind a proxy that can drop it) and a
 * real Kafka broker (stopped and started again on the same port and data directory).
 */
class ReadinessTest {
    @TempDir
    Path dir;

    @Test
    void readinessTurnsFalseWhenAChainOrKafkaGoesAwayAndTrueWhenItReturns() throws Exception {
        int kafkaPort = freePort();
        EmbeddedKafkaConfig kafkaConfig = EmbeddedKafkaConfig.forDataDir(dir.resolve("kafka")).withPort(kafkaPort);
        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaConfig);
        try (AnvilNode anvil = AnvilNode.start("l1", 900, 0, Duration.ZERO, dir);
                ApiFixture api = new ApiFixture(dir, false, ChainStatusSource.none());
                JsonRpcProxy proxy = JsonRpcProxy.start(api.vertx, anvil.rpcUrl());
                Admin admin = new KafkaClients(KafkaClientConfig.of(kafka.bootstrapServers(), "readiness-test"))
                        .admin()) {
            EthApi rpc = EthApi.connect(api.vertx, 900, "l1", List.of(proxy.httpUrl()), Duration.ofSeconds(2),
                    Duration.ofSeconds(1));
            api.readiness.add(Checks.chain(api.vertx, "l1", rpc));
            api.readiness.add(Checks.kafka(api.vertx, admin, Duration.ofSeconds(2), Duration.ofSeconds(1)));

            awaitReady(api, true);
            JsonNode ready = api.get("/health/ready").json();
            assertThat(ready.path("checks")).extracting(c -> c.path("name").asText())
                    .containsExactly("store", "chain l1", "kafka");

            proxy.kill();
            JsonNode chainDown = awaitReady(api, false);
            assertThat(chainDown.path("error").asText()).startsWith("not ready: chain l1 (")
                    .doesNotContain("kafka");
            proxy.revive();
            awaitReady(api, true);

            kafka.close();
            JsonNode kafkaDown = awaitReady(api, false);
            assertThat(kafkaDown.path("error").asText()).startsWith("not ready: kafka (").doesNotContain("chain");
            kafka = EmbeddedKafka.start(kafkaConfig);
            awaitReady(api, true);
            rpc.close();
        } finally {
            kafka.close();
        }
    }

    @Test
    void readinessSaysWhichLoopIsDownWhileItRestartsAndIsReadyOnceItRunsAgain() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean brokerBack = new java.util.concurrent.atomic.AtomicBoolean();
        try (ApiFixture api = new ApiFixture(dir, false, ChainStatusSource.none())) {
            api.readiness.add(Checks.loops());
            SupervisedLoop loop = new SupervisedLoop("test-consumer", new Backoff(Duration.ofMillis(200),
                    Duration.ofMillis(500), 0), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), l -> {
                        if (!brokerBack.get()) {
                            throw new IllegalStateException("broker not reachable");
                        }
                        while (!l.stopping()) {
                            Thread.sleep(20);
                        }
                    }).start();
            try {
                JsonNode down = awaitReady(api, false);
                assertThat(down.path("error").asText()).contains("loops (test-consumer is down")
                        .contains("broker not reachable");
                brokerBack.set(true);
                awaitReady(api, true);
            } finally {
                loop.stop(Duration.ofSeconds(5));
            }
        }
    }

    private static JsonNode awaitReady(ApiFixture api, boolean ready) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            ApiFixture.Response r = api.get("/health/ready");
            last[0] = r.json();
            assertThat(r.status()).as("200 exactly when the body says ready").isEqualTo(
                    last[0].path("status").asText().equals("ready") ? 200 : 503);
            return (r.status() == 200) == ready;
        });
        return last[0];
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
