package dev.crossbar.monitor.feed;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.check.EventCheck;
import dev.crossbar.monitor.check.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs event checks until they conclude, several at a time, each on a virtual thread. Rules:
 * <ul>
 *   <li>a check that waits ({@link Outcome.Wait}) is run again after its delay; one that fails (an RPC error) is
 *       run again after a capped backoff: nothing is dropped;</li>
 *   <li>endpoints behind the block asked about hold a check back only for {@code endpointLagTolerance} after its
 *       first run;</li>
 *   <li>a check still inconclusive after {@code giveUpAfter} is reported as CHECK_INCONCLUSIVE with its last reason,
 *       and ends;</li>
 *   <li>{@code onDone} runs once the check concluded and what it found is recorded.</li>
 * </ul>
 * The loop that hands due checks to the workers is a {@link SupervisedLoop} named {@code monitor-checks}.
 */
final class CheckRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);
    private static final int PARALLEL = 8;

    private final DelayQueue<Scheduled> queue = new DelayQueue<>();
    private final Semaphore slots = new Semaphore(PARALLEL);
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final FindingSink findings;
    private final MonitorMetrics metrics;
    private final Duration lagTolerance;
    private final Duration giveUpAfter;
    private final Clock clock;
    private final AtomicInteger pending = new AtomicInteger();
    private final SupervisedLoop loop;
    private volatile boolean running = true;

    CheckRunner(FindingSink findings, MonitorMetrics metrics, Duration lagTolerance, Duration giveUpAfter,
            Clock clock) {
        this.findings = findings;
        this.metrics = metrics;
        this.lagTolerance = lagTolerance;
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
        this.loop = new SupervisedLoop("monitor-checks", SupervisedLoop.RESTART, metrics.registry(), this::life)
                .start();
    }

    /** A check with its schedule. */
    private final class Scheduled implements Delayed {
        final EventCheck check;
        final Runnable onDone;
        final Instant firstRun;
        final int failures;
        final String lastReason;
        final long dueNanos;

        Scheduled(EventCheck check, Runnable onDone, Instant firstRun, int failures, String lastReason,
                Duration delay) {
            this.check = check;
            this.onDone = onDone;
            this.firstRun = firstRun;
            this.failures = failures;
            this.lastReason = lastReason;
            this.dueNanos = System.nanoTime() + delay.toNanos();
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Scheduled) o).dueNanos);
        }
    }

    void submit(EventCheck check, Runnable onDone) {
        pending.incrementAndGet();
        metrics.pendingChecks(pending.get());
        queue.add(new Scheduled(check, onDone, null, 0, null, Duration.ZERO));
    }

    int pending() {
        return pending.get();
    }

    /** One life of the loop: hands each check that is due to a worker, until stopped. */
    private void life(SupervisedLoop supervisor) throws InterruptedException {
        while (!supervisor.stopping()) {
            Scheduled s = queue.take();
            slots.acquire();
            try {
                workers.submit(() -> {
                    try {
                        run(s);
                    } finally {
                        slots.release();
                    }
                });
            } catch (RuntimeException e) {
                slots.release();
                queue.add(s); // not lost: the next life takes it again
                throw e;
            }
        }
    }

    private void run(Scheduled s) {
        Instant first = s.firstRun == null ? clock.instant() : s.firstRun;
        Duration age = Duration.between(first, clock.instant());
        Outcome outcome;
        try {
            outcome = s.check.run(age.compareTo(lagTolerance) < 0);
        } catch (RuntimeException e) {
            metrics.checked(s.check.check(), "error");
            int failures = s.failures + 1;
            Duration delay = Duration.ofMillis(Math.min(30_000, 500L << Math.min(failures, 6)));
            log.warn("check failed, retrying check={} subject=\"{}\" attempt={} inMs={} error=\"{}\"",
                    s.check.check().tag(), s.check.describe(), failures, delay.toMillis(), e.toString());
            again(s, first, failures, e.toString(), delay, age);
            return;
        }
        switch (outcome) {
            case Outcome.Passed p -> {
                metrics.checked(s.check.check(), "passed");
                log.debug("check passed check={} subject=\"{}\" note=\"{}\"", s.check.check().tag(),
                        s.check.describe(), p.note());
                done(s);
            }
            case Outcome.Found f -> {
                metrics.checked(s.check.check(), "found");
                try {
                    f.observations().forEach(findings::report);
                } catch (RuntimeException e) {
                    again(s, first, s.failures + 1, "recording the finding failed: " + e, Duration.ofSeconds(2), age);
                    return;
                }
                done(s);
            }
            case Outcome.Wait w -> {
                metrics.checked(s.check.check(), "wait");
                again(s, first, s.failures, w.reason(), w.after(), age);
            }
        }
    }

    private void again(Scheduled s, Instant first, int failures, String reason, Duration delay, Duration age) {
        if (age.compareTo(giveUpAfter) >= 0) {
            findings.report(new Observation(FindingKind.CHECK_INCONCLUSIVE, s.check.chainId(), "CHECK_INCONCLUSIVE:"
                    + s.check.describe(), "the " + s.check.check().tag() + " check of " + s.check.describe()
                    + " could not conclude in " + age.toMinutes() + " minutes", evidence("check", s.check.check().tag(),
                            "subject", s.check.describe(), "since", first, "lastReason", reason)));
            done(s);
            return;
        }
        if (running) {
            queue.add(new Scheduled(s.check, s.onDone, first, failures, reason, delay));
        }
    }

    private void done(Scheduled s) {
        pending.decrementAndGet();
        metrics.pendingChecks(pending.get());
        s.onDone.run();
    }

    @Override
    public void close() {
        running = false;
        loop.stop(Duration.ofSeconds(5), loop::interrupt);
        workers.shutdownNow();
    }
}
