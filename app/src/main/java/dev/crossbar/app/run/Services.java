package dev.crossbar.app.run;

import dev.crossbar.core.lifecycle.Service;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services composed into one: started in order, each only after the one before it runs, and stopped in
 * reverse. When one fails to start, those already started are stopped (in reverse) and the start fails with
 * the first error. A stop goes through every service even when one fails, and reports the first failure.
 * (As linea's {@code LongRunningService.compose}.)
 */
public final class Services implements Service {
    private static final Logger log = LoggerFactory.getLogger(Services.class);

    private final String name;
    private final List<Service> services;
    private final List<Service> started = new ArrayList<>();

    private Services(String name, List<Service> services) {
        this.name = name;
        this.services = List.copyOf(services);
    }

    public static Services of(String name, List<Service> services) {
        return new Services(name, services);
    }

    /** A service that does nothing, standing in for one switched off (no null, no {@code if} around it). */
    public static Service disabled(String name) {
        return of(name, () -> Future.succeededFuture(), () -> Future.succeededFuture());
    }

    /** A service from two actions. */
    public static Service of(String name, Supplier<Future<Void>> start, Supplier<Future<Void>> stop) {
        return new Service() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Future<Void> start() {
                return start.get();
            }

            @Override
            public Future<Void> stop() {
                return stop.get();
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    public List<Service> services() {
        return services;
    }

    @Override
    public synchronized Future<Void> start() {
        return startFrom(0);
    }

    private Future<Void> startFrom(int i) {
        if (i == services.size()) {
            return Future.succeededFuture();
        }
        Service s = services.get(i);
        long t0 = System.nanoTime();
        return call(s::start).compose(v -> {
            synchronized (this) {
                started.add(s);
            }
            log.info("service started: service={} startMs={}", s.name(), (System.nanoTime() - t0) / 1_000_000);
            return startFrom(i + 1);
        }, e -> {
            log.error("service failed to start: service={} error=\"{}\"; stopping the services already started",
                    s.name(), e.toString());
            return stop().transform(ignored -> Future.failedFuture(new IllegalStateException(s.name()
                    + " failed to start: " + (e.getMessage() == null ? e.toString() : e.getMessage()), e)));
        });
    }

    /** Stops the started services, last started first. */
    @Override
    public Future<Void> stop() {
        List<Service> toStop;
        synchronized (this) {
            toStop = new ArrayList<>(started).reversed();
            started.clear();
        }
        return stopEach(toStop, 0, null);
    }

    private Future<Void> stopEach(List<Service> toStop, int i, Throwable firstError) {
        if (i == toStop.size()) {
            return firstError == null ? Future.succeededFuture() : Future.failedFuture(firstError);
        }
        Service s = toStop.get(i);
        return call(s::stop).transform(ar -> {
            Throwable err = firstError;
            if (ar.failed()) {
                log.warn("service failed to stop cleanly: service={} error=\"{}\"", s.name(), ar.cause().toString());
                err = err == null ? ar.cause() : err;
            } else {
                log.info("service stopped: service={}", s.name());
            }
            return stopEach(toStop, i + 1, err);
        });
    }

    private static Future<Void> call(Supplier<Future<Void>> action) {
        try {
            Future<Void> f = action.get();
            return f == null ? Future.succeededFuture() : f;
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
