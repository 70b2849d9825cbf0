package dev.crossbar.messaging;

import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.OutboxRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the store's outbox to Kafka: what a watcher (or the relayer, or the monitor) committed to the store
 * is announced on Kafka afterwards, in the order it was written, and marked published only once the broker
 * acknowledged it. A crash between commit and publish loses nothing: the records are still in the outbox and
 * go out after the restart (consumers are idempotent, so a record published twice does no harm).
 *
 * <p>Runs on its own thread, a {@link SupervisedLoop} named {@code outbox-publisher}: a publish that fails (the store
 * or the broker) ends that life of the loop, which is counted, reported down by readiness, and started again after
 * the backoff. {@link #wake()} makes it look at once (a watcher calls it after each commit), otherwise it looks every
 * {@code interval}.
 */
public final class OutboxPublisher implements Service {
    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final int BATCH = 1000;

    private final MessageStore store;
    private final Producer<String, String> producer;
    private final TopicsConfig topics;
    private final Duration interval;
    private final Semaphore signal = new Semaphore(0);
    private final Counter published;
    private final Counter failures;
    private final AtomicLong lastBacklog = new AtomicLong();
    private final MeterRegistry meters;
    /** The loop of the current run (a new one at each start). */
    private volatile SupervisedLoop loop;

    public OutboxPublisher(MessageStore store, Producer<String, String> producer, TopicsConfig topics, Duration interval,
            MeterRegistry meters) {
        this.store = store;
        this.producer = producer;
        this.topics = topics;
        this.interval = interval;
        this.published = Counter.builder("crossbar.outbox.published").description("outbox records published to Kafka")
                .register(meters);
        this.failures = Counter.builder("crossbar.outbox.failures").description("failed attempts to publish the outbox")
                .register(meters);
        Gauge.builder("crossbar.outbox.backlog", lastBacklog, AtomicLong::get)
                .description("outbox records waiting to be published (at the last look)").register(meters);
        this.meters = meters;
    }

    @Override
    public String name() {
        return "outbox-publisher";
    }

    @Override
    public Future<Void> start() {
        loop = new SupervisedLoop("outbox-publisher", SupervisedLoop.RESTART, meters, this::life).start();
        return Future.succeededFuture();
    }

    /** Its supervised loop since the last start, null before (for tests: what readiness reads). */
    SupervisedLoop loop() {
        return loop;
    }

    /** Publish now rather than at the next interval. */
    public void wake() {
        signal.release();
    }

    /** Stops after the batch in flight; waits off the caller's thread (which may be an event loop). */
    @Override
    public Future<Void> stop() {
        SupervisedLoop loop = this.loop;
        if (loop == null) {
            return Future.succeededFuture();
        }
        return Future.future(done -> Thread.ofVirtual().name("outbox-publisher-stop").start(() -> {
            loop.stop(Duration.ofSeconds(10), signal::release);
            done.complete();
        }));
    }

    /** One life of the loop: publishes until stopped; a failed publish ends it (the supervisor restarts it). */
    private void life(SupervisedLoop supervisor) throws Exception {
        while (!supervisor.stopping()) {
            int n;
            try {
                n = publishOnce();
            } catch (Exception e) {
                failures.increment();
                throw e;
            }
            if (n == BATCH) {
                continue; // more waiting
            }
            signal.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
            signal.drainPermits();
        }
    }

    /**
     * Publishes one batch of pending records and marks them published once all are acknowledged.
     *
     * @return how many records were published
     */
    public int publishOnce() throws Exception {
        List<OutboxRecord> pending = store.outboxPending(BATCH);
        lastBacklog.set(pending.size());
        if (pending.isEmpty()) {
            return 0;
        }
        List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>(pending.size());
        for (OutboxRecord r : pending) {
            String topic = topicName(r.topic());
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, r.key(), r.payload());
            record.headers().add(RecordHeaders.SCHEMA, schemaOf(r.topic()).getBytes(StandardCharsets.UTF_8));
            if (topic.equals(topics.deadLetter().name()) && !"deadletter".equals(r.topic())) {
                // Our own bug, not the data's: keep the record, with the reason, where an operator looks.
                log.error("outbox record {} names unknown topic '{}'; sending it to the dead-letter topic", r.id(),
                        r.topic());
                record.headers().add(RecordHeaders.DLQ_REASON, ("outbox record for unknown topic '" + r.topic() + "'")
                        .getBytes(StandardCharsets.UTF_8));
            }
            acks.add(producer.send(record));
        }
        producer.flush();
        List<Long> ids = new ArrayList<>(pending.size());
        for (int i = 0; i < pending.size(); i++) {
            acks.get(i).get(); // throws when the broker did not take it: nothing is marked, all are retried
            ids.add(pending.get(i).id());
        }
        store.outboxPublished(ids);
        published.increment(ids.size());
        lastBacklog.addAndGet(-ids.size());
        return ids.size();
    }

    private String topicName(String logical) {
        return switch (logical) {
            case "events" -> topics.events().name();
            case "messages" -> topics.messages().name();
            case "control" -> topics.control().name();
            case "deadletter" -> topics.deadLetter().name();
            default -> topics.deadLetter().name();
        };
    }

    private static String schemaOf(String logical) {
        return switch (logical) {
            case "events" -> RecordHeaders.EVENT_SCHEMA;
            case "messages" -> RecordHeaders.MESSAGE_SCHEMA;
            case "control" -> RecordHeaders.CONTROL_SCHEMA;
            case "deadletter" -> RecordHeaders.DEAD_LETTER_SCHEMA;
            default -> "unknown";
        };
    }
}
