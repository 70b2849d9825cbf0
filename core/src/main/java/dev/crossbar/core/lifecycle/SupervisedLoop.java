package dev.crossbar.core.lifecycle;

import dev.crossbar.core.policy.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one long-running loop (a Kafka consumer, a patrol) running on its own thread. When its body fails (throws,
 * or returns without being asked to stop), the failure is logged and counted
 * ({@code crossbar_loop_restarts_total{loop}}), the loop is down with the reason ({@link #down()},
 * {@code crossbar_loop_up{loop} 0}, what {@code /health/ready} reports), and the body runs again after a capped
 * exponential backoff; a body that ran for {@link #HEALTHY_AFTER} before it failed starts the backoff over. Nothing
 * but {@link #stop(Duration)} ends it.
 *
 * <p>A loop that is not a thread but a chain of Vert.x timers (a chain watcher, a periodic refresh) is
 * {@link #driven}: it has no body, and reports each pass itself, {@link #failed} (counted and down the same way; it
 * answers the backoff to wait before the next pass) or {@link #ran} (up again, the backoff starts over). A threaded
 * body may report a failed pass the same way without ending its life (a patrol round whose steps failed).
 *
 * <p>Every loop that runs is listed in {@link #running()}, so that readiness can name the ones that are down.
 */
public final class SupervisedLoop {
    private static final Logger log = LoggerFactory.getLogger(SupervisedLoop.class);
    /** A body that ran this long before it failed was healthy: the next failure backs off from the start. */
    static final Duration HEALTHY_AFTER = Duration.ofMinutes(1);
    private static final Set<SupervisedLoop> RUNNING = ConcurrentHashMap.newKeySet();
    /** How the services' loops restart: from 1 s, doubling, up to 30 s. */
    public static final Backoff RESTART = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);

    /** One life of the loop: runs until {@link SupervisedLoop#stopping()} or until it throws. */
    @FunctionalInterface
    public interface Body {
        void run(SupervisedLoop loop) throws Exception;
    }

    private final String name;
    private final Backoff backoff;
    private final Body body;
    private final Counter restarts;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile String down;
    private int failures;
    private boolean started;
    private Thread thread;

    /**
     * @param name a fixed name from the code (a metric label and a readiness line), e.g. {@code relayer-consumer}
     */
    public SupervisedLoop(String name, Backoff backoff, MeterRegistry meters, Body body) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a supervised loop needs a name");
        }
        this.name = name;
        this.backoff = backoff;
        this.body = body;
        this.restarts = Counter.builder("crossbar.loop.restarts").description("times a long-running loop failed and"
                + " was started again").tag("loop", name).register(meters);
        // By name over every running loop: a loop started again in this process (a restarted service) reports
        // through the same gauge.
        Gauge.builder("crossbar.loop.up", () -> RUNNING.stream().anyMatch(l -> l.name.equals(name))
                        && RUNNING.stream().noneMatch(l -> l.name.equals(name) && l.down != null) ? 1 : 0)
                .description("1 while a long-running loop runs, 0 while it is down waiting to restart (or stopped)")
                .tag("loop", name).strongReference(true).register(meters);
    }

    /**
     * A loop that drives itself (Vert.x timers): {@link #start} lists it, and it reports every pass with {@link #failed}
     * or {@link #ran}.
     *
     * @param name a fixed name from the code (a metric label and a readiness line), e.g. {@code watcher-l1}
     */
    public static SupervisedLoop driven(String name, Backoff backoff, MeterRegistry meters) {
        return new SupervisedLoop(name, backoff, meters, null);
    }

    /** The loops started and not stopped, in no order. */
    public static List<SupervisedLoop> running() {
        return List.copyOf(RUNNING);
    }

    public String name() {
        return name;
    }

    /** Why it is down (its last failure) while it waits to run again; empty while it runs. */
    public Optional<String> down() {
        return Optional.ofNullable(down);
    }

    /** Whether it was asked to stop: a body's loop ends when this is true. */
    public boolean stopping() {
        return stopping;
    }

    public synchronized SupervisedLoop start() {
        if (started) {
            throw new IllegalStateException("loop " + name + " was started already");
        }
        started = true;
        RUNNING.add(this);
        if (body != null) {
            thread = Thread.ofPlatform().name(name).start(this::supervise);
        }
        return this;
    }

    /**
     * A pass of the loop failed: logged, counted, and the loop is down with the reason until a pass runs. Returns how
     * long to wait before the next pass (the backoff after this many failures in a row).
     */
    public Duration failed(Throwable failure) {
        String reason = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        Duration wait;
        int n;
        synchronized (this) {
            n = ++failures;
            wait = backoff.delay(n);
            down = reason;
        }
        restarts.increment();
        if (n == 1) {
            log.error("loop failed, restarting loop={} failures={} inMs={} error=\"{}\"", name, n, wait.toMillis(),
                    reason, failure);
        } else {
            log.error("loop failed, restarting loop={} failures={} inMs={} error=\"{}\"", name, n, wait.toMillis(),
                    reason);
        }
        return wait;
    }

    /** A pass of the loop ran: it is up, and the next failure backs off from the start. */
    public synchronized void ran() {
        failures = 0;
        down = null;
    }

    private void supervise() {
        while (!stopping) {
            Instant began = Instant.now();
            Throwable failure;
            try {
                down = null;
                body.run(this);
                failure = stopping ? null : new IllegalStateException("it ended without being asked to stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = stopping ? null : e;
            } catch (Exception | Error e) {
                failure = e;
            }
            if (stopping || failure == null) {
                break;
            }
            if (Duration.between(began, Instant.now()).compareTo(HEALTHY_AFTER) >= 0) {
                synchronized (this) {
                    failures = 0;
                }
            }
            Duration wait = failed(failure);
            try {
                if (stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        RUNNING.remove(this);
    }

    /** Interrupts the body's thread (a wake for {@link #stop(Duration, Runnable)}: a body blocked in a queue's take). */
    public void interrupt() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    /** Asks it to stop and waits up to {@code max} for the body to return. Call it off any event loop. */
    public void stop(Duration max) {
        stop(max, () -> {});
    }

    /**
     * Asks it to stop, then runs {@code wake} (which wakes a body blocked in a call, e.g. {@code consumer.wakeup()} or a
     * semaphore it waits on: after {@link #stopping()} is true, so that the woken body ends rather than fails), then
     * waits up to {@code max} for the body to return. Call it off any event loop.
     */
    public void stop(Duration max, Runnable wake) {
        stopping = true;
        stopSignal.countDown();
        RUNNING.remove(this);
        wake.run();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return;
        }
        try {
            t.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
