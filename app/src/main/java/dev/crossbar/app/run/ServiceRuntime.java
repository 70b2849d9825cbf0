package dev.crossbar.app.run;

import dev.crossbar.app.config.Config;
import dev.crossbar.app.config.ConfigException;
import dev.crossbar.app.config.ConfigProblem;
import dev.crossbar.app.http.Checks;
import dev.crossbar.app.http.HttpService;
import dev.crossbar.app.http.Metrics;
import dev.crossbar.app.http.Readiness;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.OutboxPublisher;
import dev.crossbar.messaging.TopicAdmin;
import dev.crossbar.messaging.TopicStatus;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Crossbar process, wired from its {@link Config}: the chains' clients, with every settlement's contracts
 * checked on its L1 first ({@link SettlementCheck}), the store, Kafka (topics ensured, the outbox
 * publisher), the services of each selected {@link Role} (watchers: one per chain; relayer and monitor where
 * this build has them, see {@link Roles}), the store gauges and the HTTP server with readiness checks for every
 * chain, Kafka and the store. Services start in that order and stop in reverse ({@link Services}); then the
 * clients, Vert.x and the store are closed. Dev mode and production wire the same parts.
 */
public final class ServiceRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceRuntime.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final List<AutoCloseable> resources;
    private final Services services;
    private final HttpService http;
    private final CountDownLatch closed = new CountDownLatch(1);

    private ServiceRuntime(List<AutoCloseable> resources, Services services, HttpService http) {
        this.resources = resources;
        this.services = services;
        this.http = http;
    }

    /**
     * Starts every part; returns once all run.
     *
     * @param roles the roles to run; each must be {@link Roles#available() available}
     * @throws IllegalArgumentException when a role is not available in this build
     * @throws ConfigException when a settlement's contracts on its L1 are not what the configuration says (see
     *     {@link SettlementCheck}); nothing was started
     * @throws Exception when a part cannot start (what was started is stopped again)
     */
    public static ServiceRuntime start(Config config, Set<Role> roles, Function<String, String> env)
            throws Exception {
        for (Role r : roles) {
            if (Roles.factory(r).isEmpty()) {
                throw new IllegalArgumentException(r.command() + " is not available in this build");
            }
        }
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            return wire(config, roles, env, resources);
        } catch (Exception | Error e) {
            closeAll(resources);
            throw e;
        }
    }

    private static ServiceRuntime wire(Config config, Set<Role> roles, Function<String, String> env,
            List<AutoCloseable> resources) throws Exception {
        Metrics metrics = Metrics.create();
        resources.add(metrics);
        Vertx vertx = Vertx.vertx();
        resources.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));

        Chains chains = Chains.connect(vertx, config.chains());
        resources.add(chains);
        // Probes of their own, with short timeouts: a health check must answer quickly, and not queue behind work.
        Map<Long, EthApi> probes = new LinkedHashMap<>();
        Readiness readiness = new Readiness(vertx, Duration.ofSeconds(5));
        for (ChainConfig c : config.chains()) {
            EthApi probe = EthApi.connect(vertx, c, Duration.ofSeconds(3), Duration.ofSeconds(1));
            resources.add(probe);
            probes.put(c.chainId(), probe);
            readiness.add(Checks.chain(vertx, c.name(), probe));
        }
        // Before the store and Kafka are touched: contracts that are not what the configuration says stop the start.
        List<ConfigProblem> problems = SettlementCheck.problems(config.chains(), probes::get);
        if (!problems.isEmpty()) {
            throw new ConfigException(null, problems);
        }

        MessageStore store = openStore(config, env);
        resources.add(store);
        KafkaClients kafka = new KafkaClients(config.kafka().clientConfig(env));
        Admin admin = kafka.admin();
        resources.add(() -> admin.close(Duration.ofSeconds(5)));
        readiness.add(Checks.kafka(vertx, admin, Duration.ofSeconds(3), Duration.ofSeconds(3)));
        readiness.add(Checks.store(vertx, store));
        readiness.add(Checks.loops());

        Producer<String, String> producer = kafka.stringProducer();
        resources.add(() -> producer.close(Duration.ofSeconds(5)));
        OutboxPublisher outbox = new OutboxPublisher(store, producer, config.kafka().topics(), Duration.ofSeconds(1),
                metrics.registry());
        ChainProgressBoard board = new ChainProgressBoard();
        SharedParts parts = new SharedParts(config, vertx, store, metrics.registry(), kafka, outbox, chains, readiness,
                board, env);

        List<Service> list = new ArrayList<>();
        list.add(Services.of("kafka-topics", () -> vertx.executeBlocking(() -> ensureTopics(admin, config), false),
                Future::succeededFuture));
        list.add(Services.of(outbox.name(), outbox::start, outbox::stop));
        for (Role role : Role.values()) {
            if (roles.contains(role)) {
                list.add(Services.of(role.command(), Roles.factory(role).orElseThrow().services(parts)));
            }
        }
        list.add(new StoreGauges(vertx, store, metrics.registry(), Duration.ofSeconds(10)));
        HttpService http = new HttpService(vertx, config, store, metrics, readiness, board, probes,
                config.http().adminToken() == null ? null : config.http().adminToken().resolve(env),
                config.http().readToken() == null ? null : config.http().readToken().resolve(env));
        list.add(http);

        Services services = Services.of("crossbar", list);
        try {
            services.start().toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (java.util.concurrent.TimeoutException e) {
            services.stop();
            throw new java.util.concurrent.TimeoutException("the services did not start within "
                    + START_TIMEOUT.toSeconds() + "s");
        }
        log.info("crossbar running: roles={} chains={} http={}", roles.stream().map(Role::command).toList(),
                config.chains().stream().map(ChainConfig::name).toList(), http.url());
        return new ServiceRuntime(resources, services, http);
    }

    private static MessageStore openStore(Config config, Function<String, String> env) {
        char[] password = config.store().password(env);
        try {
            return MessageStores.open(config.store().storeConfig(), config.topology(), password);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private static Void ensureTopics(Admin admin, Config config) {
        for (TopicStatus s : new TopicAdmin(admin).ensureTopics(config.kafka().topics(),
                TopicAdmin.PartitionGrowth.REPORT)) {
            if (s.outcome() == TopicStatus.Outcome.MISMATCH) {
                log.warn("kafka topic differs from the configuration: {}", s);
            } else {
                log.info("kafka topic ready: {}", s);
            }
        }
        return null;
    }

    public HttpService http() {
        return http;
    }

    public List<Service> services() {
        return services.services();
    }

    /** Blocks until {@link #close()} finished. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    /** Stops the services (reverse order), then closes clients, Vert.x and the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) {
            return;
        }
        try {
            services.stop().toCompletionStage().toCompletableFuture().get(STOP_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("services did not all stop cleanly: error=\"{}\"", e.toString());
        }
        closeAll(resources);
        log.info("crossbar stopped");
        closed.countDown();
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                log.warn("closing failed: resource={} error=\"{}\"", r, e.toString());
            }
        }
    }
}
