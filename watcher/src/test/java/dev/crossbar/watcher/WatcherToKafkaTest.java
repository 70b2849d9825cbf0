package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.event.EventEnvelope;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.kafka.embedded.KafkaFixture;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.OutboxPublisher;
import dev.crossbar.messaging.RecordHeaders;
import dev.crossbar.messaging.TopicAdmin;
import dev.crossbar.messaging.TopicsConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;

/**
 * Chain to Kafka: the watcher records events with its cursor in the store, and the outbox publisher announces
 * them on the real broker as versioned, self-describing records keyed by source chain and emitter.
 */
class WatcherToKafkaTest extends WatcherTestBase {

    @Test
    void recordedEventsAndMessageTransitionsReachKafka() throws Exception {
        TopicsConfig topics = TopicsConfig.withPrefix(KafkaFixture.uniqueTopic("watcher"));
        TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), topics);
        KafkaClients clients = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "watcher-test"));
        try (Producer<String, String> producer = clients.stringProducer()) {
            OutboxPublisher publisher = new OutboxPublisher(store, producer, topics, Duration.ofMillis(200), meters);
            publisher.start();
            try {
                startWatcher(chain("l2a"), publisher::wake);
                new DemoTraffic(devnet, DevKeys.USER.credentials()).crossRollupBatch(0, 1, 4, "to kafka");
                List<ConsumerRecord<String, String>> events = read(clients, topics.events().name(), 4);
                assertThat(events).hasSizeGreaterThanOrEqualTo(4).allSatisfy(r -> {
                    assertThat(r.key()).isEqualTo("901:" + dev.crossbar.core.protocol.Predeploys
                            .L2_TO_L2_CROSS_DOMAIN_MESSENGER.toLowerCase());
                    assertThat(new String(r.headers().lastHeader(RecordHeaders.SCHEMA).value(), StandardCharsets.UTF_8))
                            .isEqualTo(EventEnvelope.SCHEMA);
                    EventEnvelope e = Json.read(r.value(), EventEnvelope.class);
                    assertThat(e.schema()).isEqualTo(EventEnvelope.SCHEMA);
                    assertThat(e.event()).isInstanceOf(ProtocolEvent.CrossRollupSent.class);
                    assertThat(e.event().ref().chainId()).isEqualTo(901);
                });
                List<ConsumerRecord<String, String>> transitions = read(clients, topics.messages().name(), 8);
                assertThat(transitions).extracting(r -> Json.MAPPER.readTree(r.value()).path("to").asText())
                        .contains("SENT", "READY");
                assertThat(store.outboxPending(10)).isEmpty();
            } finally {
                publisher.stop().toCompletionStage().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }

    private static List<ConsumerRecord<String, String>> read(KafkaClients clients, String topic, int atLeast) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (Consumer<String, String> consumer = clients.stringConsumer(KafkaFixture.uniqueTopic("reader"))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
