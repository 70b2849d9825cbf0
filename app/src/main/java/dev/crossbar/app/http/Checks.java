package dev.crossbar.app.http;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** The readiness checks the services need: a chain answers, Kafka answers, the store answers. */
public final class Checks {
    private Checks() {}

    /**
     * The chain is reachable: {@code eth_blockNumber} answers on one of its endpoints ({@code rpc} fails over), asked
     * on a worker thread. Give it a client of its own with a short timeout, so that readiness does not wait on the
     * watcher's.
     */
    public static ReadinessCheck chain(Vertx vertx, String chainName, EthApi rpc) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return "chain " + chainName;
            }

            @Override
            public Future<String> check() {
                return vertx.executeBlocking(rpc::blockNumber, false).map(n -> "block " + n);
            }
        };
    }

    /**
     * Kafka is reachable: {@code describeCluster} answers within {@code timeout}. The answer is kept for
     * {@code cacheFor}, so that frequent probes do not load the brokers; concurrent probes share one request.
     */
    public static ReadinessCheck kafka(Vertx vertx, Admin admin, Duration timeout, Duration cacheFor) {
        return new ReadinessCheck() {
            private Future<String> last;
            private long lastAt;

            @Override
            public String name() {
                return "kafka";
            }

            @Override
            public synchronized Future<String> check() {
                long now = System.nanoTime();
                if (last != null && (!last.isComplete() || now - lastAt < cacheFor.toNanos())) {
                    return last;
                }
                lastAt = now;
                var options = new DescribeClusterOptions().timeoutMs((int) timeout.toMillis());
                var cluster = admin.describeCluster(options);
                last = Future.fromCompletionStage(cluster.clusterId().toCompletionStage(), vertx.getOrCreateContext())
                        .compose(id -> Future.fromCompletionStage(cluster.nodes().toCompletionStage())
                                .map(nodes -> "cluster " + id + ", " + nodes.size() + " broker(s)"))
                        .recover(e -> Future.failedFuture("not reachable: " + Readiness.reason(unwrap(e))));
                return last;
            }
        };
    }

    /**
     * Every supervised loop of the process runs (a Kafka consumer, the outbox publisher, a chain watcher, the monitor's
     * patrol...): fails while one is down waiting to restart, naming it and its last failure.
     */
    public static ReadinessCheck loops() {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return "loops";
            }

            @Override
            public Future<String> check() {
                List<SupervisedLoop> loops = SupervisedLoop.running();
                List<String> down = loops.stream().filter(l -> l.down().isPresent())
                        .map(l -> l.name() + " is down (" + l.down().get() + "), restarting").sorted().toList();
                return down.isEmpty() ? Future.succeededFuture(loops.size() + " running")
                        : Future.failedFuture(String.join("; ", down));
            }
        };
    }

    /** The store answers a cheap query (the circuit breakers: a handful of rows). */
    public static ReadinessCheck store(Vertx vertx, MessageStore store) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return "store";
            }

            @Override
            public Future<String> check() {
                return vertx.executeBlocking(() -> {
                    store.breakers();
                    return "answers";
                }, false);
            }
        };
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
