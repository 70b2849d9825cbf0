package dev.crossbar.app.http;

import io.vertx.core.Future;

/** One thing {@code /health/ready} needs: a chain, Kafka, the store. */
public interface ReadinessCheck {
    /** A short name shown in the readiness answer, e.g. {@code chain l1}, {@code kafka}, {@code store}. */
    String name();

    /** Succeeds with a detail (e.g. {@code block 1234}) when ready; fails with the reason when not. */
    Future<String> check();

    /** The outcome of one check. */
    record Result(String name, boolean ready, String detail) {}
}
