package dev.crossbar.monitor.feed;

import dev.crossbar.core.event.EventEnvelope;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.messaging.DeadLetters;
import dev.crossbar.messaging.RecordHeaders;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.monitor.MonitorSettings;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.EventCheck;
import dev.crossbar.monitor.check.Windows;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's member of its own consumer group on the events topic. Rules:
 * <ul>
 *   <li>each event record starts the check {@link EventRouter} gives it; its offset is committed only once that
 *       check concluded and what it found is in the store ({@link OffsetLedger}); a check that waits (for a deadline,
 *       for a lagging endpoint) does not hold up the records after it;</li>
 *   <li>a record that is not a {@code crossbar.event/v1} event goes to the dead-letter topic with the reason, and the
 *       records after it are processed (docs/architecture.md rule 5); when the dead-letter topic does not take it, it is read
 *       again;</li>
 *   <li>it knows, per chain, the newest block whose events it has taken and whether it has read everything
 *       published: what the self-lag check needs.</li>
 * </ul>
 */
public final class EventFeed {
    private static final Logger log = LoggerFactory.getLogger(EventFeed.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration CAUGHT_UP_EVERY = Duration.ofSeconds(2);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private volatile Consumer<String, byte[]> consumer;
    private final String topic;
    private final EventRouter router;
    private final CheckRunner runner;
    private final DeadLetters deadLetters;
    private final Runnable wakePatrol;
    private final OffsetLedger ledger = new OffsetLedger();
    private final Map<Long, Long> newestBlock = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;
    private long lastCaughtUpCheck;

    /**
     * @param consumers makes a consumer of the monitor's group, one per life of the feed (it owns and closes each)
     * @param findings where the checks' findings go
     * @param wakePatrol called for events that change what the patrol looks at
     */
    public EventFeed(Supplier<Consumer<String, byte[]>> consumers, String topic, MonitoredChains chains, MonitorSettings settings,
            Windows windows, FindingSink findings, MonitorMetrics metrics, DeadLetters deadLetters,
            Runnable wakePatrol, Clock clock) {
        this.consumers = consumers;
        this.topic = topic;
        this.router = new EventRouter(chains, settings, windows);
        this.runner = new CheckRunner(findings, metrics, settings.endpointLagTolerance(), settings.checkGiveUpAfter(),
                clock);
        this.deadLetters = deadLetters;
        this.wakePatrol = wakePatrol;
    }

    /** Event checks still running or waiting. */
    public int pendingChecks() {
        return runner.pending();
    }

    /** Whether everything published on the events topic (of the partitions it owns) has been taken. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** The newest block of {@code chainId} whose events it has taken, if any. */
    public Optional<Long> newestBlock(long chainId) {
        return Optional.ofNullable(newestBlock.get(chainId));
    }

    /**
     * One life of the feed, under its {@link SupervisedLoop}: a new member of the group until the loop stops or a
     * failure ends it (the loop then starts another); what the old member had taken but not committed is read again.
     */
    public void run(SupervisedLoop loop) {
        Consumer<String, byte[]> consumer = consumers.get();
        this.consumer = consumer;
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit();
                    ledger.forget(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    ledger.forget(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    caughtUp = false;
                }
            });
            log.info("monitor event feed started topic={}", topic);
            while (!loop.stopping()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                for (TopicPartition tp : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                        if (!take(tp, r)) {
                            consumer.seek(tp, r.offset());
                            break;
                        }
                    }
                }
                commit();
                refreshCaughtUp(records.isEmpty());
            }
        } catch (WakeupException e) {
            if (!loop.stopping()) {
                throw e;
            }
        } finally {
            try {
                commit();
                ledger.forget(consumer.assignment());
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException ignored) {
                // closing anyway
            }
            caughtUp = false;
            log.info("monitor event feed stopped topic={}", topic);
        }
    }

    /** @return false when the record must be read again (its dead letter was not taken) */
    private boolean take(TopicPartition tp, ConsumerRecord<String, byte[]> r) {
        EventEnvelope envelope;
        try {
            envelope = decode(r);
        } catch (IllegalArgumentException bad) {
            try {
                deadLetters.send(r, bad.getMessage());
            } catch (KafkaException e) {
                log.warn("dead letter not taken, reading the record again offset={} error=\"{}\"", r.offset(),
                        e.getMessage());
                return false;
            }
            return true;
        }
        newestBlock.merge(envelope.event().ref().chainId(), envelope.event().ref().blockNumber(), Math::max);
        ledger.received(tp, r.offset());
        Optional<EventCheck> check = router.route(envelope.event());
        if (check.isPresent()) {
            runner.submit(check.get(), () -> ledger.finished(tp, r.offset()));
        } else {
            ledger.finished(tp, r.offset());
        }
        if (EventRouter.wakesPatrol(envelope.event())) {
            wakePatrol.run();
        }
        return true;
    }

    static EventEnvelope decode(ConsumerRecord<String, byte[]> r) {
        Optional<String> schema = RecordHeaders.lastValue(r.headers(), RecordHeaders.SCHEMA);
        if (schema.isPresent() && !schema.get().equals(EventEnvelope.SCHEMA)) {
            throw new IllegalArgumentException("unknown schema '" + schema.get() + "' (the monitor reads "
                    + EventEnvelope.SCHEMA + ")");
        }
        if (r.value() == null || r.value().length == 0) {
            throw new IllegalArgumentException("no value");
        }
        EventEnvelope e;
        try {
            e = Json.read(new String(r.value(), StandardCharsets.UTF_8), EventEnvelope.class);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("not an event envelope: " + ex.getMessage(), ex);
        }
        if (!EventEnvelope.SCHEMA.equals(e.schema()) || e.event() == null || e.event().ref() == null) {
            throw new IllegalArgumentException("not a " + EventEnvelope.SCHEMA + " event: schema=" + e.schema());
        }
        return e;
    }

    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.toCommit();
        offsets.keySet().removeIf(tp -> !consumer.assignment().contains(tp));
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            ledger.committed(offsets);
        } catch (KafkaException e) {
            log.warn("offsets not committed, their records may be read again offsets={} error=\"{}\"", offsets,
                    e.getMessage());
        }
    }

    private void refreshCaughtUp(boolean idle) {
        long now = System.nanoTime();
        if (now - lastCaughtUpCheck < CAUGHT_UP_EVERY.toNanos() && !(idle && !caughtUp)) {
            return;
        }
        lastCaughtUpCheck = now;
        try {
            var assignment = consumer.assignment();
            if (assignment.isEmpty()) {
                caughtUp = false;
                return;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(assignment, Duration.ofSeconds(5));
            boolean all = true;
            for (TopicPartition tp : assignment) {
                if (consumer.position(tp, Duration.ofSeconds(5)) < ends.getOrDefault(tp, 0L)) {
                    all = false;
                }
            }
            caughtUp = all;
        } catch (KafkaException e) {
            log.debug("cannot tell whether the feed is caught up error=\"{}\"", e.getMessage());
        }
    }

    /**
     * Wakes the consumer so that a stopping loop's {@link #run} returns within about a poll; checks in progress are
     * abandoned.
     */
    public void stop() {
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        runner.close();
    }
}
