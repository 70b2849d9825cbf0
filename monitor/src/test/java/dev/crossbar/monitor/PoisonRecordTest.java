package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.event.EventEnvelope;
import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.kafka.embedded.KafkaFixture;
import dev.crossbar.messaging.DeadLetters;
import dev.crossbar.messaging.KafkaClientConfig;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.RecordHeaders;
import dev.crossbar.messaging.TopicAdmin;
import dev.crossbar.messaging.TopicsConfig;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.Windows;
import dev.crossbar.monitor.feed.EventFeed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * On a real broker: a record on the events topic that is not an event goes to the dead-letter topic with its reason,
 * the events after it are taken, and the offsets are committed past both.
 */
class PoisonRecordTest {

    @Test
    void aRecordThatIsNotAnEventIsSetAsideAndTheNextIsTaken() throws Exception {
        TopicsConfig topics = TopicsConfig.withPrefix(KafkaFixture.uniqueTopic("monitor-poison"));
        TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), topics);
        KafkaClients kafka = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "poison-test"));
        String group = "monitor-poison-" + System.nanoTime();
        AtomicInteger woken = new AtomicInteger();
        MonitorSettings settings = Watchtower.settings(group, java.net.URI.create("http://127.0.0.1:9/a"),
                java.net.URI.create("http://127.0.0.1:9/b"));
        MonitoredChains chains = MonitoredChains.of(List.of(), Map.<Long, EthApi>of(), Map.of());
        FindingSink none = new FindingSink() {
            @Override
            public void report(Observation o) {
                throw new AssertionError("no finding expected: " + o);
            }

            @Override
            public void clear(FindingKind kind, long chainId, String keepKey, String reason) {}
        };
        try (Producer<String, byte[]> producer = kafka.bytesProducer()) {
            String key = "900:0xoracle";
            ProducerRecord<String, byte[]> poison = new ProducerRecord<>(topics.events().name(), key,
                    "{not json".getBytes(StandardCharsets.UTF_8));
            poison.headers().add(RecordHeaders.SCHEMA, RecordHeaders.EVENT_SCHEMA.getBytes(StandardCharsets.UTF_8));
            producer.send(poison).get();
            ProtocolEvent.OutputProposed event = new ProtocolEvent.OutputProposed(new EventRef(900, 12, "0x12", 1000,
                    "0xtx", 0, "0xoracle"), 901, "0xroot", BigInteger.ZERO, BigInteger.TEN, 1000);
            ProducerRecord<String, byte[]> valid = new ProducerRecord<>(topics.events().name(), key,
                    Json.write(EventEnvelope.of(event)).getBytes(StandardCharsets.UTF_8));
            valid.headers().add(RecordHeaders.SCHEMA, RecordHeaders.EVENT_SCHEMA.getBytes(StandardCharsets.UTF_8));
            producer.send(valid).get();

            EventFeed feed = new EventFeed(() -> kafka.bytesConsumer(group), topics.events().name(), chains, settings,
                    new Windows(chains), none, new MonitorMetrics(new SimpleMeterRegistry()),
                    new DeadLetters(producer, topics), woken::incrementAndGet, new Backoff(Duration.ofSeconds(1),
                    Duration.ofSeconds(5), 0), new SimpleMeterRegistry(), Clock.systemUTC()).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> woken.get() == 1
                    && feed.newestBlock(900).orElse(-1L) == 12);
            List<ConsumerRecord<String, byte[]>> dead = readAll(kafka, topics.deadLetter().name());
            assertThat(dead).hasSize(1);
            assertThat(RecordHeaders.lastValue(dead.getFirst().headers(), RecordHeaders.DLQ_REASON).orElseThrow())
                    .contains("not an event envelope");
            try (Consumer<String, byte[]> admin = kafka.bytesConsumer(group + "-reader")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = kafka.admin().listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata().get();
                    return committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 2;
                });
            }
            feed.stop(Duration.ofSeconds(10));
        }
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(KafkaClients kafka, String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (Consumer<String, byte[]> c = kafka.bytesConsumer("reader-" + System.nanoTime())) {
            c.subscribe(Set.of(topic));
            long end = System.currentTimeMillis() + 15_000;
            while (out.isEmpty() && System.currentTimeMillis() < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

}
