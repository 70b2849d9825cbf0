package dev.crossbar.core.lifecycle;

import io.vertx.core.Future;

/**
 * A long-running part (a chain watcher, the outbox publisher, the relayer, the monitor). The launcher starts
 * services in order and stops them in reverse; dev mode and production wire the same services.
 */
public interface Service {
    /** A short name for logs and health checks. */
    String name();

    /** Starts it; the future completes once it runs. */
    Future<Void> start();

    /** Stops it; the future completes once it has stopped and released what it holds. */
    Future<Void> stop();
}
