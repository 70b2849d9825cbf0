package dev.crossbar.messaging;

import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.policy.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of a consumer group, run by a {@link SupervisedLoop}, that hands each record, in partition order, to its
 * handler. Rules:
 * <ul>
 *   <li>an offset is committed only past records that are finished with: handled (the handler returned, or a
 *       {@link RecordHandler.Deferred} ran its {@code done}) or safely on the dead-letter topic
 *       (docs/architecture.md rule 1); a deferred record holds back the commit of the records after it in its
 *       partition, not their handling ({@link OffsetLedger});</li>
 *   <li>a poison record (its decoder rejects it, or its handler throws {@link PermanentRecordException}) goes to the
 *       dead-letter topic with the reason, and the records after it are handled (docs/architecture.md rule 5);</li>
 *   <li>any other failure (the handler throws, the dead-letter topic does not take a letter, the member is fenced)
 *       ends this life of the loop: what is finished is committed and the consumer closed; the supervisor counts the
 *       restart, reports the loop down until it runs again, and after its backoff starts a new life with a new
 *       consumer, which reads again from the last commit: nothing is skipped;</li>
 *   <li>the partitions a life holds are reported to its {@link Listener}: given up ones (revoked, or when the life
 *       ends) before the consumer releases them.</li>
 * </ul>
 * {@link #stop} wakes a consumer blocked in a poll. Counts {@code crossbar_consumer_records_total{loop,result}}.
 */
public final class ConsumerLoop<T> {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration COMMIT_WITHIN = Duration.ofSeconds(5);
    private static final Duration CLOSE_WITHIN = Duration.ofSeconds(5);
    private static final Duration CAUGHT_UP_EVERY = Duration.ofSeconds(2);

    /** What a life of the loop is told about its partitions; called on the loop's thread. */
    public interface Listener {
        /** {@code partitions} were assigned; {@code consumer} (this life's) may be asked about its assignment. */
        default void assigned(Consumer<String, byte[]> consumer, Collection<TopicPartition> partitions) {}

        /** {@code partitions} are given up (a rebalance, or the life ends); called before the consumer releases them. */
        default void revoked(Collection<TopicPartition> partitions) {}

        /** {@code partitions} were lost (the member was dropped from the group): another member may own them already. */
        default void lost(Collection<TopicPartition> partitions) {
            revoked(partitions);
        }
    }

    private final String name;
    private final Supplier<Consumer<String, byte[]>> consumers;
    private final List<String> topics;
    private final RecordDecoder<T> decoder;
    private final RecordHandler.Deferred<T> handler;
    private final DeadLetters deadLetters;
    private final Listener listener;
    private final Counter handled;
    private final Counter deadLettered;
    private final SupervisedLoop loop;
    private volatile long lastPolled;
    private volatile Consumer<String, byte[]> consumer;
    private volatile boolean caughtUp;
    private long lastCaughtUpCheck;

    private ConsumerLoop(Builder<T> b) {
        this.name = b.name;
        this.consumers = b.consumers;
        this.topics = b.topics;
        this.decoder = b.decoder;
        this.handler = b.handler;
        this.deadLetters = b.deadLetters;
        this.listener = b.listener;
        this.handled = records(b.meters, "handled");
        this.deadLettered = records(b.meters, "dead_lettered");
        this.loop = new SupervisedLoop(name, b.restart, b.meters, this::life);
    }

    /**
     * @param name a fixed name from the code: the supervised loop's, its thread's and its metrics' label
     */
    public static <T> Builder<T> named(String name, RecordDecoder<T> decoder) {
        return new Builder<>(name, decoder);
    }

    public String name() {
        return name;
    }

    public ConsumerLoop<T> start() {
        loop.start();
        return this;
    }

    /**
     * Stops the loop: the life in progress finishes the record in hand, commits what is finished and closes its
     * consumer (woken if it waits in a poll). Waits up to {@code max}; call it off any event loop.
     */
    public void stop(Duration max) {
        // The supervisor must know it is stopping before the consumer is woken, or the woken life's end would be
        // taken for a failure (and counted as a restart).
        loop.stop(max, () -> {
            Consumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        });
    }

    /** Whether everything published on the partitions this member holds has been taken (false while it holds none). */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * How long ago a poll of the group's consumer last returned (a poll also runs the group's rebalance callbacks):
     * a member that has not polled for its session timeout may have lost its partitions without knowing it yet.
     * {@code null} before the first poll.
     */
    public Duration sinceLastPoll() {
        long at = lastPolled;
        return at == 0 ? null : Duration.ofNanos(System.nanoTime() - at);
    }

    /** The consumer of the life in progress, null between lives: for reading its {@code metrics()} only. */
    public Consumer<String, byte[]> currentConsumer() {
        return consumer;
    }

    /** One life: a new member of the group, until the loop is stopped or a failure ends it. */
    private void life(SupervisedLoop supervisor) throws Exception {
        OffsetLedger ledger = new OffsetLedger();
        Set<TopicPartition> held = new HashSet<>();
        Consumer<String, byte[]> c = consumers.get();
        consumer = c;
        try {
            c.subscribe(topics, new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    held.addAll(partitions);
                    caughtUp = false;
                    listener.assigned(c, partitions);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    giveUp(c, ledger, held, partitions, true);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    giveUp(c, ledger, held, partitions, false);
                }
            });
            log.info("consumer loop started loop={} topics={}", name, topics);
            while (!supervisor.stopping()) {
                ConsumerRecords<String, byte[]> batch = c.poll(POLL);
                lastPolled = System.nanoTime();
                take(supervisor, ledger, batch);
                commit(c, ledger);
                refreshCaughtUp(c, batch.isEmpty());
            }
        } catch (WakeupException e) {
            if (!supervisor.stopping()) {
                throw e;
            }
        } finally {
            end(c, ledger, held);
        }
    }

    private void take(SupervisedLoop supervisor, OffsetLedger ledger, ConsumerRecords<String, byte[]> batch)
            throws Exception {
        for (TopicPartition tp : batch.partitions()) {
            for (ConsumerRecord<String, byte[]> r : batch.records(tp)) {
                if (supervisor.stopping()) {
                    return; // not received: the next member reads it
                }
                ledger.received(tp, r.offset());
                process(r, () -> ledger.finished(tp, r.offset()));
            }
        }
    }

    /** Handles or dead-letters one record; throws (ending the life) when it is neither. */
    private void process(ConsumerRecord<String, byte[]> r, Runnable done) throws Exception {
        switch (decode(r)) {
            case ReadResult.Rejected<T> rejected -> {
                deadLetter(r, "unreadable record: " + rejected.reason());
                done.run();
            }
            case ReadResult.Valid<T> valid -> {
                try {
                    handler.handle(valid, done);
                    handled.increment();
                } catch (PermanentRecordException e) {
                    deadLetter(r, "permanent failure: " + e.getMessage());
                    done.run();
                } catch (Exception e) {
                    log.warn("record failed, ending this life of the loop loop={} topic={} partition={} offset={}"
                            + " key={} error=\"{}\"", name, r.topic(), r.partition(), r.offset(), r.key(), e.toString());
                    throw e;
                }
            }
        }
    }

    private ReadResult<T> decode(ConsumerRecord<String, byte[]> r) {
        try {
            return decoder.read(r);
        } catch (RuntimeException e) {
            return new ReadResult.Rejected<>("cannot be decoded: " + e, r);
        }
    }

    /** @throws KafkaException when the dead-letter topic did not take it: the record is not finished with */
    private void deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        deadLetters.send(r, reason);
        deadLettered.increment();
    }

    private void commit(Consumer<String, byte[]> c, OffsetLedger ledger) {
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.toCommit();
        offsets.keySet().retainAll(c.assignment());
        if (offsets.isEmpty()) {
            return;
        }
        try {
            c.commitSync(offsets, COMMIT_WITHIN);
            ledger.committed(offsets);
        } catch (CommitFailedException | RebalanceInProgressException | RetriableException e) {
            // Not committed: whoever owns the partition next reads again from the last commit. Redelivery, no loss.
            log.warn("offsets not committed, their records may be read again loop={} offsets={} error=\"{}\"", name,
                    offsets, e.getMessage());
        }
    }

    /** Commits what is finished of {@code partitions} this life holds, forgets them and tells the listener. */
    private void giveUp(Consumer<String, byte[]> c, OffsetLedger ledger, Set<TopicPartition> held,
            Collection<TopicPartition> partitions, boolean revoked) {
        Set<TopicPartition> mine = new HashSet<>(partitions);
        mine.retainAll(held);
        if (mine.isEmpty()) {
            return;
        }
        if (revoked) {
            commit(c, ledger);
        }
        ledger.forget(mine);
        held.removeAll(mine);
        caughtUp = false;
        if (revoked) {
            listener.revoked(mine);
        } else {
            listener.lost(mine);
        }
    }

    /** The end of a life, stopped or failed: commit what is finished, give every partition up, close the consumer. */
    private void end(Consumer<String, byte[]> c, OffsetLedger ledger, Set<TopicPartition> held) {
        try {
            try {
                commit(c, ledger);
            } catch (WakeupException e) {
                commit(c, ledger); // the stop's wake-up, taken by the commit rather than a poll
            }
        } catch (RuntimeException e) {
            log.warn("offsets not committed, their records may be read again loop={} error=\"{}\"", name,
                    e.toString());
        }
        Set<TopicPartition> rest = Set.copyOf(held);
        held.clear();
        ledger.forget(rest);
        try {
            if (!rest.isEmpty()) {
                listener.revoked(rest);
            }
        } finally {
            try {
                c.close(CLOSE_WITHIN);
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            consumer = null;
            caughtUp = false;
            log.info("consumer loop ended loop={} topics={}", name, topics);
        }
    }

    private void refreshCaughtUp(Consumer<String, byte[]> c, boolean idle) {
        long now = System.nanoTime();
        if (now - lastCaughtUpCheck < CAUGHT_UP_EVERY.toNanos() && !(idle && !caughtUp)) {
            return;
        }
        lastCaughtUpCheck = now;
        try {
            Set<TopicPartition> assignment = c.assignment();
            if (assignment.isEmpty()) {
                caughtUp = false;
                return;
            }
            Map<TopicPartition, Long> ends = c.endOffsets(assignment, COMMIT_WITHIN);
            boolean all = true;
            for (TopicPartition tp : assignment) {
                if (c.position(tp, COMMIT_WITHIN) < ends.getOrDefault(tp, 0L)) {
                    all = false;
                }
            }
            caughtUp = all;
        } catch (KafkaException e) {
            if (e instanceof WakeupException) {
                throw e;
            }
            log.debug("cannot tell whether the consumer is caught up loop={} error=\"{}\"", name, e.getMessage());
        }
    }

    private Counter records(MeterRegistry meters, String result) {
        return Counter.builder("crossbar.consumer.records").description("records a consumer loop finished with, by"
                + " how: handled, or set aside on the dead-letter topic").tag("loop", name).tag("result", result)
                .register(meters);
    }

    /** The parts of a {@link ConsumerLoop}; {@link #build} names any that is missing. */
    public static final class Builder<T> {
        private final String name;
        private final RecordDecoder<T> decoder;
        private Supplier<Consumer<String, byte[]>> consumers;
        private List<String> topics;
        private RecordHandler.Deferred<T> handler;
        private DeadLetters deadLetters;
        private Listener listener = new Listener() {};
        private Backoff restart;
        private MeterRegistry meters;

        private Builder(String name, RecordDecoder<T> decoder) {
            this.name = name;
            this.decoder = Objects.requireNonNull(decoder, "decoder");
        }

        /** Makes the consumer of each life (the loop subscribes it and closes it when the life ends). */
        public Builder<T> consumers(Supplier<Consumer<String, byte[]>> consumers, List<String> topics) {
            this.consumers = consumers;
            this.topics = List.copyOf(topics);
            return this;
        }

        public Builder<T> handler(RecordHandler<T> handler) {
            Objects.requireNonNull(handler, "handler");
            this.handler = (record, done) -> {
                handler.handle(record);
                done.run();
            };
            return this;
        }

        public Builder<T> deferredHandler(RecordHandler.Deferred<T> handler) {
            this.handler = handler;
            return this;
        }

        public Builder<T> deadLetters(DeadLetters deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        public Builder<T> listener(Listener listener) {
            this.listener = listener;
            return this;
        }

        /** How a failed life is followed by the next, and where the loop's metrics go. */
        public Builder<T> restart(Backoff restart, MeterRegistry meters) {
            this.restart = restart;
            this.meters = meters;
            return this;
        }

        public ConsumerLoop<T> build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a consumer loop needs a name");
            }
            String missing = consumers == null ? "consumers" : handler == null ? "handler"
                    : deadLetters == null ? "deadLetters" : listener == null ? "listener"
                    : restart == null || meters == null ? "restart" : null;
            if (missing != null) {
                throw new IllegalArgumentException("consumer loop " + name + ": " + missing + " is required");
            }
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("consumer loop " + name + ": topics must name at least one topic");
            }
            return new ConsumerLoop<>(this);
        }
    }
}
