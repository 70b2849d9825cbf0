package dev.crossbar.app.run;

import dev.crossbar.app.config.Config;
import dev.crossbar.app.http.Readiness;
import dev.crossbar.core.chain.Chains;
import dev.crossbar.messaging.KafkaClients;
import dev.crossbar.messaging.OutboxPublisher;
import dev.crossbar.store.MessageStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * What one process's services share, built once by {@link ServiceRuntime} and handed to each role's
 * {@link RoleFactory}: the configuration, Vert.x, the store, the meters, the Kafka clients, the outbox publisher
 * (wake it after writing to the store's outbox), the chain registry ({@link Chains}: a client per chain, with its
 * endpoints' failover and retries), the readiness checks (a role adds what it needs) and the chain-progress board
 * ({@code /api/chains}).
 *
 * @param env how environment variables are read (secret references resolve through it)
 */
public record SharedParts(Config config, Vertx vertx, MessageStore store, MeterRegistry meters, KafkaClients kafka,
        OutboxPublisher outbox, Chains chains, Readiness readiness, ChainProgressBoard progress,
        Function<String, String> env) {}
