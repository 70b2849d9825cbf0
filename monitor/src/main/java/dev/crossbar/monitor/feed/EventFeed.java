package dev.crossbar.monitor.feed;

import dev.crossbar.core.event.EventEnvelope;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.messaging.ConsumerLoop;
import dev.crossbar.messaging.DeadLetters;
import dev.crossbar.messaging.ReadResult;
import dev.crossbar.messaging.RecordHeaders;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.monitor.MonitorSettings;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.EventCheck;
import dev.crossbar.monitor.check.Windows;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The monitor's member of its own consumer group on the events topic, a {@link ConsumerLoop} ({@value #LOOP}).
 * Rules:
 * <ul>
 *   <li>each event record starts the check {@link EventRouter} gives it; its offset is committed only once that
 *       check concluded and what it found is in the store (a deferred handler); a check that waits (for a deadline,
 *       for a lagging endpoint) does not hold up the checks of the records after it;</li>
 *   <li>a record that is not a {@code crossbar.event/v1} event goes to the dead-letter topic with the reason, and the
 *       records after it are taken (docs/architecture.md rule 5);</li>
 *   <li>it knows, per chain, the newest block whose events it has taken and whether it has read everything
 *       published: what the self-lag check needs.</li>
 * </ul>
 */
public final class EventFeed {
    /** The name of its supervised loop: the metrics' label and what readiness names while it is down. */
    public static final String LOOP = "monitor-events";

    private final ConsumerLoop<EventEnvelope> loop;
    private final EventRouter router;
    private final CheckRunner runner;
    private final Runnable wakePatrol;
    private final Map<Long, Long> newestBlock = new ConcurrentHashMap<>();

    /**
     * @param consumers makes a consumer of the monitor's group, one per life of the feed (it owns and closes each)
     * @param findings where the checks' findings go
     * @param wakePatrol called for events that change what the patrol looks at
     * @param restart how a failed life of the feed is followed by the next
     */
    public EventFeed(Supplier<Consumer<String, byte[]>> consumers, String topic, MonitoredChains chains,
            MonitorSettings settings, Windows windows, FindingSink findings, MonitorMetrics metrics,
            DeadLetters deadLetters, Runnable wakePatrol, Backoff restart, MeterRegistry meters, Clock clock) {
        this.router = new EventRouter(chains, settings, windows);
        this.runner = new CheckRunner(findings, metrics, settings.endpointLagTolerance(), settings.checkGiveUpAfter(),
                clock);
        this.wakePatrol = wakePatrol;
        this.loop = ConsumerLoop.named(LOOP, EventFeed::read)
                .consumers(consumers, List.of(topic))
                .deferredHandler(this::take)
                .deadLetters(deadLetters)
                .restart(restart, meters)
                .build();
    }

    public EventFeed start() {
        loop.start();
        return this;
    }

    /** Event checks still running or waiting. */
    public int pendingChecks() {
        return runner.pending();
    }

    /** Whether everything published on the events topic (of the partitions it owns) has been taken. */
    public boolean caughtUp() {
        return loop.caughtUp();
    }

    /** The newest block of {@code chainId} whose events it has taken, if any. */
    public Optional<Long> newestBlock(long chainId) {
        return Optional.ofNullable(newestBlock.get(chainId));
    }

    private void take(ReadResult.Valid<EventEnvelope> record, Runnable done) {
        ProtocolEvent event = record.value().event();
        newestBlock.merge(event.ref().chainId(), event.ref().blockNumber(), Math::max);
        Optional<EventCheck> check = router.route(event);
        if (check.isPresent()) {
            runner.submit(check.get(), done);
        } else {
            done.run();
        }
        if (EventRouter.wakesPatrol(event)) {
            wakePatrol.run();
        }
    }

    static ReadResult<EventEnvelope> read(ConsumerRecord<String, byte[]> r) {
        try {
            return new ReadResult.Valid<>(decode(r), r);
        } catch (IllegalArgumentException bad) {
            return new ReadResult.Rejected<>(bad.getMessage(), r);
        }
    }

    private static EventEnvelope decode(ConsumerRecord<String, byte[]> r) {
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

    /**
     * Stops the feed: the loop commits what is finished and closes its consumer (waiting up to {@code max}); checks in
     * progress are abandoned, and their records read again by the next member. Call it off any event loop.
     */
    public void stop(Duration max) {
        loop.stop(max);
        runner.close();
    }
}
