package dev.crossbar.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook receiver on loopback, started by a test: records every POST (path, JSON body, arrival time) and answers
 * 200, or 500 for the first {@link #failFirst} requests (to exercise retries). {@code /api/v2/alerts} receives the
 * Alertmanager format, {@code /hook} the generic JSON.
 */
final class WebhookReceiver implements AutoCloseable {
    static final String ALERTMANAGER_PATH = "/api/v2/alerts";
    static final String JSON_PATH = "/hook";

    /** One request as it arrived. */
    record Received(String path, JsonNode body, Instant at, int answered) {}

    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    private final HttpServer server;

    WebhookReceiver(Vertx vertx) throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(ar -> {
            if (ar.failed()) {
                System.out.println("RECEIVER body failed " + ar.cause());
                req.response().setStatusCode(400).end();
                return;
            }
            JsonNode body;
            try {
                body = Json.read(ar.result().toString(), JsonNode.class);
            } catch (RuntimeException e) {
                System.out.println("RECEIVER bad body '" + ar.result() + "': " + e);
                req.response().setStatusCode(400).end();
                return;
            }
            int status = failFirst.getAndDecrement() > 0 ? 500 : 200;
            received.add(new Received(req.path(), body, Instant.now(), status));
            req.response().setStatusCode(status).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    URI alertmanagerUrl() {
        return URI.create("http://127.0.0.1:" + server.actualPort() + ALERTMANAGER_PATH);
    }

    URI jsonUrl() {
        return URI.create("http://127.0.0.1:" + server.actualPort() + JSON_PATH);
    }

    /** The Alertmanager alerts received and accepted (one entry per alert of every array). */
    List<JsonNode> alertmanagerAlerts() {
        List<JsonNode> out = new ArrayList<>();
        for (Received r : received) {
            if (r.path().equals(ALERTMANAGER_PATH) && r.answered() == 200) {
                r.body().forEach(out::add);
            }
        }
        return out;
    }

    /** The generic JSON alerts received and accepted. */
    List<JsonNode> jsonAlerts() {
        return received.stream().filter(r -> r.path().equals(JSON_PATH) && r.answered() == 200).map(Received::body)
                .toList();
    }

    /** When the first accepted Alertmanager alert of {@code kind} on {@code chain} arrived. */
    Optional<Instant> firstAlert(String kind, String chain) {
        for (Received r : received) {
            if (!r.path().equals(ALERTMANAGER_PATH) || r.answered() != 200) {
                continue;
            }
            for (JsonNode a : r.body()) {
                if (a.path("labels").path("kind").asText().equals(kind)
                        && (chain == null || a.path("labels").path("chain").asText().equals(chain))) {
                    return Optional.of(r.at());
                }
            }
        }
        return Optional.empty();
    }

    /** The first accepted Alertmanager alert of {@code kind}. */
    Optional<JsonNode> alert(String kind) {
        return alertmanagerAlerts().stream().filter(a -> a.path("labels").path("kind").asText().equals(kind))
                .findFirst();
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
