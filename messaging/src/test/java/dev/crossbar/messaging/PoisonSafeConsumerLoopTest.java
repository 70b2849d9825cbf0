package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.json.Json;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.kafka.embedded.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PoisonSafeConsumerLoopTest {
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.0);

    private final KafkaClients clients = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "loop-test"));
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<PoisonSafeConsumerLoop<Transfer>, Future<?>> loops = new java.util.LinkedHashMap<>();
    private TopicsConfig topics;
    private Producer<String, byte[]> producer;
    private Admin admin;
    private String group;

    @BeforeEach
    void createTopics() {
        String prefix = KafkaFixture.uniqueTopic("loop");
        topics = TopicsConfig.withPrefix(prefix)
                .withEvents(new TopicSpec(prefix + ".events", 1, Duration.ofDays(1)))
                .withMessages(new TopicSpec(prefix + ".messages", 3, Duration.ofDays(1)));
        TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), topics);
        producer = clients.bytesProducer();
        admin = clients.admin();
        group = prefix + "-group";
    }

    @AfterEach
    void stopEverything() throws Exception {
        loops.keySet().forEach(PoisonSafeConsumerLoop::stop);
        for (Future<?> running : loops.values()) {
            running.get(30, TimeUnit.SECONDS); // a loop that died with an exception fails the test here
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        producer.close();
        admin.close();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndLaterRecordsAreProcessed() throws Exception {
        String events = topics.events().name();
        producer.send(TestRecords.transfer(events, "k", "first", 0)).get();
        producer.send(TestRecords.raw(events, "k", RecordHeaders.EVENT_SCHEMA, "{\"id\": broken")).get();
        producer.send(TestRecords.raw(events, "k", "crossbar.event/v9", "{\"id\":\"future\",\"seq\":1}")).get();
        producer.send(TestRecords.transfer(events, "k", "poison", 3)).get();
        producer.send(TestRecords.transfer(events, "k", "after", 4)).get();

        List<String> handled = new CopyOnWriteArrayList<>();
        PoisonSafeConsumerLoop<Transfer> loop = start(events, record -> {
            if (record.value().id().equals("poison")) {
                throw new PermanentRecordException("transfer contradicts the chain");
            }
            handled.add(record.value().id());
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> committed(events, 0) == 5);
        assertThat(handled).containsExactly("first", "after");
        assertThat(loop.counts()).isEqualTo(new PoisonSafeConsumerLoop.Counts(2, 3, 0));

        List<ConsumerRecord<String, byte[]>> letters =
                TestRecords.readAll(clients.bytesConsumer(group + "-dlq-reader"), topics.deadLetter().name(), 3);
        assertThat(letters).hasSize(3);
        Map<String, String> reasonByOffset = letters.stream().collect(Collectors.toMap(
                r -> header(r, RecordHeaders.DLQ_SOURCE_OFFSET), r -> header(r, RecordHeaders.DLQ_REASON)));
        assertThat(reasonByOffset.get("1")).startsWith("unreadable record: value is not valid JSON");
        assertThat(reasonByOffset.get("2")).startsWith("unreadable record: unknown schema 'crossbar.event/v9'");
        assertThat(reasonByOffset.get("3")).isEqualTo("permanent failure: transfer contradicts the chain");
        for (ConsumerRecord<String, byte[]> letter : letters) {
            assertThat(header(letter, RecordHeaders.DLQ_SOURCE_TOPIC)).isEqualTo(events);
            assertThat(header(letter, RecordHeaders.DLQ_SOURCE_PARTITION)).isEqualTo("0");
            assertThat(Instant.parse(header(letter, RecordHeaders.DLQ_AT))).isBeforeOrEqualTo(Instant.now());
            assertThat(letter.key()).isEqualTo("k");
            DeadLetter value = Json.read(new String(letter.value(), StandardCharsets.UTF_8), DeadLetter.class);
            assertThat(value.sourceTopic()).isEqualTo(events);
            assertThat(Long.toString(value.sourceOffset())).isEqualTo(header(letter, RecordHeaders.DLQ_SOURCE_OFFSET));
        }
    }

    @Test
    void aTransientFailureIsRetriedWithoutSkippingAndNotCommittedUntilItSucceeds() throws Exception {
        String events = topics.events().name();
        producer.send(TestRecords.transfer(events, "k", "ok-0", 0)).get();
        producer.send(TestRecords.transfer(events, "k", "flaky", 1)).get();
        producer.send(TestRecords.transfer(events, "k", "ok-2", 2)).get();

        List<String> firstRun = new CopyOnWriteArrayList<>();
        PoisonSafeConsumerLoop<Transfer> first = start(events, record -> {
            if (record.value().id().equals("flaky")) {
                throw new IllegalStateException("store unavailable");
            }
            firstRun.add(record.value().id());
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> first.counts().transientFailures() >= 4);
        assertThat(firstRun).containsExactly("ok-0");
        assertThat(committed(events, 0)).isEqualTo(1);
        assertThat(first.counts().deadLettered()).isZero();
        stopAndWait(first);

        List<String> secondRun = new CopyOnWriteArrayList<>();
        start(events, record -> secondRun.add(record.value().id()));
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(events, 0) == 3);
        assertThat(secondRun).containsExactly("flaky", "ok-2");
    }

    @Test
    void recordsOfOneKeyAreHandledInTheOrderTheyWereSent() throws Exception {
        String messages = topics.messages().name();
        int keys = 6;
        int perKey = 40;
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                producer.send(TestRecords.transfer(messages, "key-" + k, "key-" + k, seq));
            }
        }
        producer.flush();

        Map<String, List<Long>> seqByKey = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<Integer> partitions = java.util.concurrent.ConcurrentHashMap.newKeySet();
        start(messages, record -> {
            partitions.add(record.source().partition());
            seqByKey.computeIfAbsent(record.envelope().key(), key -> new CopyOnWriteArrayList<>()).add(record.value().seq());
        });

        await().atMost(Duration.ofSeconds(30))
                .until(() -> seqByKey.values().stream().mapToInt(List::size).sum() == keys * perKey);
        assertThat(partitions).as("keys spread over partitions").hasSizeGreaterThan(1);
        List<Long> inOrder = java.util.stream.LongStream.range(0, perKey).boxed().toList();
        assertThat(seqByKey).hasSize(keys);
        seqByKey.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(inOrder));
    }

    private PoisonSafeConsumerLoop<Transfer> start(String topic, RecordHandler<Transfer> handler) {
        var loop = new PoisonSafeConsumerLoop<>(clients.bytesConsumer(group), List.of(topic),
                RecordReader.of(RecordHeaders.EVENT_SCHEMA, Transfer.class), handler,
                new DeadLetters(producer, topics), FAST, Duration.ofMillis(100));
        loops.put(loop, threads.submit(loop));
        return loop;
    }

    private void stopAndWait(PoisonSafeConsumerLoop<Transfer> loop) throws Exception {
        loop.stop();
        loops.get(loop).get(30, TimeUnit.SECONDS);
    }

    private long committed(String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(tp);
        return offset == null ? -1 : offset.offset();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return RecordHeaders.lastValue(record.headers(), name).orElseThrow();
    }
}
