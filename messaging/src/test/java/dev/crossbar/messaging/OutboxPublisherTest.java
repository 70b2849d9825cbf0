package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.kafka.embedded.KafkaFixture;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import dev.crossbar.testkit.StoreOutage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox reaches Kafka in the order it was written, and only what the broker acknowledged leaves the outbox:
 * records a failed publish left behind go out on the next attempt (after a restart too).
 */
class OutboxPublisherTest {

    @TempDir
    Path dir;

    private static TopicsConfig uniqueTopics() {
        TopicsConfig t = TopicsConfig.withPrefix(KafkaFixture.uniqueTopic("outbox"));
        TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), t);
        return t;
    }

    @Test
    void outboxIsPublishedInOrderWithKeysAndSchemaAndThenForgotten() throws Exception {
        TopicsConfig topics = uniqueTopics();
        KafkaClients clients = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "outbox-test"));
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("s.db"), new ChainTopology(Map.of()));
                Producer<String, String> producer = clients.stringProducer()) {
            for (int i = 0; i < 25; i++) {
                store.outboxAdd("events", "900:0xabc", "{\"n\":" + i + "}");
            }
            store.outboxAdd("control", "breaker:901", "{\"tripped\":true}");
            OutboxPublisher publisher = new OutboxPublisher(store, producer, topics, Duration.ofSeconds(1),
                    new SimpleMeterRegistry());
            assertThat(publisher.publishOnce()).isEqualTo(26);
            assertThat(store.outboxPending(100)).isEmpty();

            List<ConsumerRecord<String, String>> events = readAll(clients, topics.events().name(), 25);
            assertThat(events).extracting(ConsumerRecord::value)
                    .containsExactly(java.util.stream.IntStream.range(0, 25).mapToObj(i -> "{\"n\":" + i + "}")
                            .toArray(String[]::new));
            assertThat(events).allSatisfy(r -> {
                assertThat(r.key()).isEqualTo("900:0xabc");
                assertThat(new String(r.headers().lastHeader(RecordHeaders.SCHEMA).value(), StandardCharsets.UTF_8))
                        .isEqualTo(RecordHeaders.EVENT_SCHEMA);
            });
            assertThat(readAll(clients, topics.control().name(), 1)).singleElement()
                    .satisfies(r -> assertThat(r.key()).isEqualTo("breaker:901"));
        }
    }

    @Test
    void recordsLeftByAFailedPublishGoOutAfterARestart() throws Exception {
        TopicsConfig topics = uniqueTopics();
        Path file = dir.resolve("crash.db");
        try (MessageStore store = SqliteMessageStore.open(file, new ChainTopology(Map.of()))) {
            store.outboxAdd("messages", "m1", "{\"id\":\"m1\"}");
            store.outboxAdd("messages", "m2", "{\"id\":\"m2\"}");
            // A broker that is not there: the publish fails and nothing may leave the outbox.
            KafkaClients dead = new KafkaClients(KafkaClientConfig.of("127.0.0.1:1", "outbox-dead")
                    .withDeliveryTimeout(Duration.ofSeconds(3)).withOverride("request.timeout.ms", "1000")
                    .withOverride("max.block.ms", "2000"));
            try (Producer<String, String> producer = dead.stringProducer()) {
                OutboxPublisher publisher = new OutboxPublisher(store, producer, topics, Duration.ofSeconds(1),
                        new SimpleMeterRegistry());
                assertThatThrownBy(publisher::publishOnce).isInstanceOf(Exception.class);
            }
            assertThat(store.outboxPending(10)).hasSize(2);
        }
        // "Restart": a new store handle on the same file, a publisher with a live broker.
        KafkaClients clients = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "outbox-restart"));
        try (MessageStore store = SqliteMessageStore.open(file, new ChainTopology(Map.of()));
                Producer<String, String> producer = clients.stringProducer()) {
            OutboxPublisher publisher = new OutboxPublisher(store, producer, topics, Duration.ofSeconds(1),
                    new SimpleMeterRegistry());
            assertThat(publisher.publishOnce()).isEqualTo(2);
            assertThat(store.outboxPending(10)).isEmpty();
            assertThat(readAll(clients, topics.messages().name(), 2)).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrder("m1", "m2");
        }
    }

    @Test
    void aPublisherWhoseStoreFailsIsDownAndCountedWhileItFailsAndPublishesOnceTheStoreIsBack() throws Exception {
        TopicsConfig topics = uniqueTopics();
        Path file = dir.resolve("outage.db");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        KafkaClients clients = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "outbox-outage"));
        try (MessageStore store = SqliteMessageStore.open(file, new ChainTopology(Map.of()));
                Producer<String, String> producer = clients.stringProducer()) {
            store.outboxAdd("messages", "m1", "{\"id\":\"m1\"}");
            OutboxPublisher publisher = new OutboxPublisher(store, producer, topics, Duration.ofMillis(200), meters);
            StoreOutage outage = StoreOutage.hide(file, "outbox");
            publisher.start();
            SupervisedLoop loop = publisher.loop();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> loop.down().isPresent());
                assertThat(loop.down()).get().asString().contains("no such table: outbox");
                assertThat(SupervisedLoop.running()).as("what readiness reads").contains(loop);
                assertThat(restarts(meters)).isGreaterThanOrEqualTo(1);
                assertThat(meters.get("crossbar.loop.up").tag("loop", "outbox-publisher").gauge().value()).isZero();

                outage.close();
                await().atMost(Duration.ofSeconds(15)).until(() -> store.outboxPending(10).isEmpty());
                assertThat(loop.down()).isEmpty();
                assertThat(readAll(clients, topics.messages().name(), 1)).extracting(ConsumerRecord::key)
                        .containsExactly("m1");
            } finally {
                outage.close();
                publisher.stop().toCompletionStage().toCompletableFuture().get();
            }
            assertThat(SupervisedLoop.running()).doesNotContain(loop);
        }
    }

    private static double restarts(SimpleMeterRegistry meters) {
        return meters.get("crossbar.loop.restarts").tag("loop", "outbox-publisher").counter().count();
    }

    private static List<ConsumerRecord<String, String>> readAll(KafkaClients clients, String topic, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (Consumer<String, String> consumer = clients.stringConsumer(KafkaFixture.uniqueTopic("reader"))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort(java.util.Comparator.comparingInt(ConsumerRecord<String, String>::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }
}
