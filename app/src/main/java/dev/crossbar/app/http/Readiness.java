package dev.crossbar.app.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every registered {@link ReadinessCheck}, run together; ready only when all pass. A check that does not answer
 * within its timeout counts as not ready. Checks can be added while the process starts (a service registers
 * what it needs).
 */
public final class Readiness {
    private final Vertx vertx;
    private final Duration timeout;
    private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();

    public Readiness(Vertx vertx, Duration timeout) {
        this.vertx = vertx;
        this.timeout = timeout;
    }

    public Readiness add(ReadinessCheck check) {
        checks.add(check);
        return this;
    }

    public List<ReadinessCheck> checks() {
        return List.copyOf(checks);
    }

    /** Runs every check; the results are in registration order. */
    public Future<List<ReadinessCheck.Result>> evaluate() {
        List<Future<ReadinessCheck.Result>> results = new ArrayList<>();
        for (ReadinessCheck c : checks) {
            results.add(bounded(c).map(detail -> new ReadinessCheck.Result(c.name(), true, detail))
                    .otherwise(e -> new ReadinessCheck.Result(c.name(), false, reason(e))));
        }
        // Each result future succeeds (a failed check is a result), so all of them complete.
        return Future.all(results).map(cf -> results.stream().map(Future::result).toList());
    }

    private Future<String> bounded(ReadinessCheck c) {
        Promise<String> p = Promise.promise();
        long timer = vertx.setTimer(timeout.toMillis(), id -> p.tryFail("no answer within " + timeout.toMillis()
                + "ms"));
        Future<String> f;
        try {
            f = c.check();
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
            vertx.cancelTimer(timer);
            if (ar.succeeded()) {
                p.tryComplete(ar.result());
            } else {
                p.tryFail(ar.cause());
            }
        });
        return p.future();
    }

    static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
