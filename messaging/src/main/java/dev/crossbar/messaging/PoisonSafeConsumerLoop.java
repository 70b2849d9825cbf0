package dev.crossbar.messaging;

import dev.crossbar.core.policy.Backoff;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a consumer group's topics and hands each record, in partition order, to a {@link RecordHandler}.
 * Rules:
 * <ul>
 *   <li>an offset is committed only after its record's handler returned, or after the record is safely on the
 *       dead-letter topic: nothing is acknowledged before its effect is durable (docs/architecture.md rule 1);</li>
 *   <li>a poison record (unreadable per {@link RecordReader}, or its handler throws
 *       {@link PermanentRecordException}) goes to the dead-letter topic with the reason, and the records after
 *       it are processed: it never stops the consumer (docs/architecture.md rule 5);</li>
 *   <li>a transient failure (any other exception, or the dead-letter topic not answering) is retried on the
 *       same record after a capped backoff ({@link Backoff}); the records after it in its partition wait,
 *       nothing is skipped, and polling goes on, so the member stays in its group.</li>
 * </ul>
 * The loop owns the consumer: it subscribes it, and closes it when {@link #run()} ends. Call {@link #stop()}
 * from another thread to end it; {@code run()} returns within about one poll timeout.
 */
public final class PoisonSafeConsumerLoop<T> implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PoisonSafeConsumerLoop.class);

    private final Consumer<String, byte[]> consumer;
    private final List<String> topics;
    private final RecordReader<T> reader;
    private final RecordHandler<T> handler;
    private final DeadLetters deadLetters;
    private final Backoff backoff;
    private final Duration pollTimeout;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Map<TopicPartition, Failure> failures = new HashMap<>();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong transientFailures = new AtomicLong();
    private volatile boolean stopping;

    /** What the loop has done so far; every count is also a metric to export. */
    public record Counts(long handled, long deadLettered, long transientFailures) {}

    /** The failing record of a partition and how often it has failed in a row. */
    private record Failure(long offset, int count) {}

    public PoisonSafeConsumerLoop(Consumer<String, byte[]> consumer, List<String> topics, RecordReader<T> reader,
            RecordHandler<T> handler, DeadLetters deadLetters, Backoff backoff, Duration pollTimeout) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("topics must name at least one topic");
        }
        if (pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive, was " + pollTimeout);
        }
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.reader = reader;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.backoff = backoff;
        this.pollTimeout = pollTimeout;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics);
            log.info("consumer loop started: topics={}", topics);
            while (!stopping) {
                Duration wait = processBatch(consumer.poll(pollTimeout));
                if (wait != null && stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
            log.info("consumer loop stopped: topics={} counts={}", topics, counts());
        }
    }

    /** Asks the loop to end; safe from any thread. */
    public void stop() {
        stopping = true;
        stopSignal.countDown();
    }

    public Counts counts() {
        return new Counts(handled.get(), deadLettered.get(), transientFailures.get());
    }

    /** @return how long to wait before polling again, or null to poll at once */
    private Duration processBatch(ConsumerRecords<String, byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        int worstFailureCount = 0;
        for (TopicPartition partition : batch.partitions()) {
            for (ConsumerRecord<String, byte[]> record : batch.records(partition)) {
                if (stopping) {
                    break;
                }
                if (!process(record)) {
                    consumer.seek(partition, record.offset()); // the next poll returns this record again
                    worstFailureCount = Math.max(worstFailureCount, countFailure(partition, record.offset()));
                    break;
                }
                failures.remove(partition);
                done.put(partition, new OffsetAndMetadata(record.offset() + 1));
            }
        }
        commit(done);
        return worstFailureCount == 0 ? null : backoff.delay(worstFailureCount);
    }

    /** @return true when the record is finished with (handled or dead-lettered), false to retry it */
    private boolean process(ConsumerRecord<String, byte[]> record) {
        ReadResult<T> read = reader.read(record);
        if (read instanceof ReadResult.Rejected<T> rejected) {
            return deadLetter(record, "unreadable record: " + rejected.reason());
        }
        try {
            handler.handle((ReadResult.Valid<T>) read);
            handled.incrementAndGet();
            return true;
        } catch (PermanentRecordException e) {
            return deadLetter(record, "permanent failure: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            return false;
        } catch (Exception e) {
            transientFailures.incrementAndGet();
            log.warn("record failed, will retry: topic={} partition={} offset={} key={} error=\"{}\"",
                    record.topic(), record.partition(), record.offset(), record.key(), e.toString());
            return false;
        }
    }

    private boolean deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        try {
            deadLetters.send(record, reason);
            deadLettered.incrementAndGet();
            return true;
        } catch (KafkaException e) {
            transientFailures.incrementAndGet();
            log.warn("dead letter not published, will retry: topic={} partition={} offset={} error=\"{}\"",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return false;
        }
    }

    private int countFailure(TopicPartition partition, long offset) {
        Failure previous = failures.get(partition);
        Failure now = new Failure(offset, previous != null && previous.offset() == offset ? previous.count() + 1 : 1);
        failures.put(partition, now);
        return now.count();
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
            // Not committed: whoever owns the partition next resumes from the last commit. Redelivery, no loss.
            log.warn("offsets not committed, their records may be redelivered: offsets={} error=\"{}\"",
                    offsets, e.getMessage());
        }
    }
}
