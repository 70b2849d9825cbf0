package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.json.Json;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.kafka.embedded.KafkaFixture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The supervised consumer loop on a real broker. */
class ConsumerLoopTest {
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), 0.0);

    private final KafkaClients clients = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "loop-test"));
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final List<ConsumerLoop<Transfer>> loops = new ArrayList<>();
    private TopicsConfig topics;
    private Producer<String, byte[]> producer;
    private Admin admin;
    private String group;
    private String name;

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
        name = "test-" + prefix;
    }

    @AfterEach
    void stopEverything() {
        loops.forEach(l -> l.stop(Duration.ofSeconds(30)));
        assertThat(SupervisedLoop.running()).noneMatch(l -> l.name().equals(name));
        producer.close();
        admin.close();
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheirReasonAndLaterRecordsAreHandled() throws Exception {
        String events = topics.events().name();
        producer.send(TestRecords.transfer(events, "k", "first", 0)).get();
        producer.send(TestRecords.raw(events, "k", RecordHeaders.EVENT_SCHEMA, "{\"id\": broken")).get();
        producer.send(TestRecords.raw(events, "k", "crossbar.event/v9", "{\"id\":\"future\",\"seq\":1}")).get();
        producer.send(TestRecords.transfer(events, "k", "poison", 3)).get();
        producer.send(TestRecords.transfer(events, "k", "after", 4)).get();

        List<String> handled = new CopyOnWriteArrayList<>();
        ConsumerLoop<Transfer> loop = start(events, builder().handler(record -> {
            if (record.value().id().equals("poison")) {
                throw new PermanentRecordException("transfer contradicts the chain");
            }
            handled.add(record.value().id());
        }));

        await().atMost(Duration.ofSeconds(30)).until(() -> committed(events, 0) == 5);
        assertThat(handled).containsExactly("first", "after");
        assertThat(records("handled")).isEqualTo(2);
        assertThat(records("dead_lettered")).isEqualTo(3);

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

        loop.stop(Duration.ofSeconds(30));
        assertThat(restarts()).as("a stop, even one that wakes a poll, is not a failure").isZero();
    }

    @Test
    void aTransientFailureRestartsTheLoopAndTheRecordIsHandledAfterTheRestart() throws Exception {
        String events = topics.events().name();
        producer.send(TestRecords.transfer(events, "k", "ok-0", 0)).get();
        producer.send(TestRecords.transfer(events, "k", "flaky", 1)).get();
        producer.send(TestRecords.transfer(events, "k", "ok-2", 2)).get();

        AtomicBoolean storeDown = new AtomicBoolean(true);
        List<String> handled = new CopyOnWriteArrayList<>();
        start(events, builder().handler(record -> {
            if (record.value().id().equals("flaky") && storeDown.get()) {
                throw new IllegalStateException("store unavailable");
            }
            handled.add(record.value().id());
        }), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.0));

        Optional<String> down = await().atMost(Duration.ofSeconds(30)).until(this::downReason, Optional::isPresent);
        assertThat(down).as("readiness names the loop while it is down").hasValue("IllegalStateException: store unavailable");
        await().atMost(Duration.ofSeconds(30)).until(() -> restarts() >= 2);
        assertThat(handled).containsExactly("ok-0");
        assertThat(committed(events, 0)).as("committed up to the failing record, not past it").isEqualTo(1);
        assertThat(records("dead_lettered")).isZero();

        storeDown.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(events, 0) == 3);
        assertThat(handled).containsExactly("ok-0", "flaky", "ok-2");
        await().atMost(Duration.ofSeconds(10)).until(() -> downReason().isEmpty());
    }

    @Test
    void aDeferredRecordHoldsBackTheCommitButNotTheRecordsAfterIt() throws Exception {
        String events = topics.events().name();
        for (int i = 0; i < 3; i++) {
            producer.send(TestRecords.transfer(events, "k", "t-" + i, i)).get();
        }
        AtomicReference<Runnable> finishFirst = new AtomicReference<>();
        List<String> handled = new CopyOnWriteArrayList<>();
        start(events, builder().deferredHandler((record, done) -> {
            handled.add(record.value().id());
            if (record.value().seq() == 0) {
                finishFirst.set(done);
            } else {
                done.run();
            }
        }));

        await().atMost(Duration.ofSeconds(30)).until(() -> handled.size() == 3);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> committed(events, 0) <= 0);
        finishFirst.get().run();
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(events, 0) == 3);
    }

    @Test
    void theListenerHearsOfEveryPartitionTheLoopHoldsAndGivesUp() throws Exception {
        String messages = topics.messages().name();
        Set<TopicPartition> held = ConcurrentHashMap.newKeySet();
        List<String> calls = new CopyOnWriteArrayList<>();
        ConsumerLoop<Transfer> loop = start(messages, builder().handler(record -> {}).listener(new ConsumerLoop.Listener() {
            @Override
            public void assigned(Consumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {
                assertThat(consumer.assignment()).containsAll(partitions);
                held.addAll(partitions);
                calls.add("assigned");
            }

            @Override
            public void revoked(Collection<TopicPartition> partitions) {
                held.removeAll(partitions);
                calls.add("revoked");
            }
        }));
        await().atMost(Duration.ofSeconds(30)).until(() -> held.size() == 3);
        await().atMost(Duration.ofSeconds(30)).until(loop::caughtUp);
        loop.stop(Duration.ofSeconds(30));
        assertThat(held).as("every partition given up when the loop stops").isEmpty();
        assertThat(calls).containsExactly("assigned", "revoked");
        assertThat(loop.currentConsumer()).isNull();
    }

    @Test
    void recordsOfOneKeyAreHandledInTheOrderTheyWereSent() {
        String messages = topics.messages().name();
        int keys = 6;
        int perKey = 40;
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                producer.send(TestRecords.transfer(messages, "key-" + k, "key-" + k, seq));
            }
        }
        producer.flush();

        Map<String, List<Long>> seqByKey = new ConcurrentHashMap<>();
        Set<Integer> partitions = ConcurrentHashMap.newKeySet();
        start(messages, builder().handler(record -> {
            partitions.add(record.source().partition());
            seqByKey.computeIfAbsent(record.source().key(), key -> new CopyOnWriteArrayList<>()).add(record.value().seq());
        }));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> seqByKey.values().stream().mapToInt(List::size).sum() == keys * perKey);
        assertThat(partitions).as("keys spread over partitions").hasSizeGreaterThan(1);
        List<Long> inOrder = LongStream.range(0, perKey).boxed().toList();
        assertThat(seqByKey).hasSize(keys);
        seqByKey.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(inOrder));
    }

    private ConsumerLoop.Builder<Transfer> builder() {
        return ConsumerLoop.named(name, RecordReader.of(RecordHeaders.EVENT_SCHEMA, Transfer.class))
                .deadLetters(new DeadLetters(producer, topics));
    }

    private ConsumerLoop<Transfer> start(String topic, ConsumerLoop.Builder<Transfer> builder) {
        return start(topic, builder, FAST);
    }

    private ConsumerLoop<Transfer> start(String topic, ConsumerLoop.Builder<Transfer> builder, Backoff restart) {
        ConsumerLoop<Transfer> loop = builder.consumers(() -> clients.bytesConsumer(group), List.of(topic))
                .restart(restart, meters).build().start();
        loops.add(loop);
        return loop;
    }

    /** What readiness reports for the loop: why it is down, empty while it runs. */
    private Optional<String> downReason() {
        return SupervisedLoop.running().stream().filter(l -> l.name().equals(name)).findFirst()
                .flatMap(SupervisedLoop::down);
    }

    private double restarts() {
        return meters.get("crossbar.loop.restarts").tag("loop", name).counter().count();
    }

    private double records(String result) {
        return meters.get("crossbar.consumer.records").tag("loop", name).tag("result", result).counter().count();
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
