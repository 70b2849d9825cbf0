package dev.crossbar.watcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC endpoint in front of a real node, for tests: forwards HTTP and WebSocket traffic on loopback, and
 * can be told to die (refuse connections), to refuse {@code eth_getLogs} over more than a number of blocks
 * (the way hosted nodes do), or to drop its WebSockets.
 */
final class RpcProxy implements AutoCloseable {
    private final Vertx vertx;
    private final URI target;
    private final HttpClientAgent http;
    private final WebSocketClient ws;
    private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong maxLogRange = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger refusedRanges = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;
    private int port;

    RpcProxy(Vertx vertx, URI target) {
        this.vertx = vertx;
        this.target = target;
        this.http = vertx.createHttpClient();
        this.ws = vertx.createWebSocketClient();
    }

    RpcProxy start() throws Exception {
        return start(0);
    }

    private RpcProxy start(int onPort) throws Exception {
        server = vertx.createHttpServer()
                .webSocketHandler(this::bridge)
                .requestHandler(req -> req.body().onSuccess(body -> forward(body).onComplete(ar -> {
                    if (ar.succeeded()) {
                        req.response().putHeader("Content-Type", "application/json").end(ar.result());
                    } else {
                        req.response().setStatusCode(502).end();
                    }
                })));
        server.listen(onPort, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
        return this;
    }

    URI httpUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    URI wsUrl() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    /** Refuse {@code eth_getLogs} spanning more than {@code blocks} blocks, like a hosted node. */
    void limitLogRange(long blocks) {
        maxLogRange.set(blocks);
    }

    int refusedRanges() {
        return refusedRanges.get();
    }

    int requests() {
        return requests.get();
    }

    /** Stops listening: connections are refused, as if the node died. */
    void kill() throws Exception {
        dropSockets();
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Listens again on the same port. */
    void revive() throws Exception {
        start(port);
    }

    void dropSockets() {
        sockets.forEach(ServerWebSocket::close);
        sockets.clear();
    }

    private Future<Buffer> forward(Buffer body) {
        requests.incrementAndGet();
        try {
            JsonNode req = Json.MAPPER.readTree(body.getBytes());
            if (!req.isArray() && "eth_getLogs".equals(req.path("method").asText())) {
                JsonNode filter = req.path("params").path(0);
                long from = Long.decode(filter.path("fromBlock").asText("0x0"));
                long to = Long.decode(filter.path("toBlock").asText("0x0"));
                if (to - from + 1 > maxLogRange.get()) {
                    refusedRanges.incrementAndGet();
                    String error = "{\"jsonrpc\":\"2.0\",\"id\":" + req.path("id") + ",\"error\":{\"code\":-32005,"
                            + "\"message\":\"query exceeds max block range " + maxLogRange.get() + "\"}}";
                    return Future.succeededFuture(Buffer.buffer(error));
                }
            }
        } catch (Exception ignored) {
            // not JSON: forward as is
        }
        return http.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.toString())
                        .putHeader("Content-Type", "application/json"))
                .compose(r -> r.send(body)).compose(r -> r.body());
    }

    private void bridge(ServerWebSocket client) {
        sockets.add(client);
        client.pause(); // hold the client's first messages until the upstream socket is there

        String wsTarget = target.toString().replaceFirst("^http", "ws");
        ws.connect(new WebSocketConnectOptions().setAbsoluteURI(wsTarget)).onComplete(ar -> {
            if (ar.failed()) {
                client.close();
                return;
            }
            var upstream = ar.result();
            upstream.textMessageHandler(client::writeTextMessage);
            client.textMessageHandler(upstream::writeTextMessage);
            client.closeHandler(v -> upstream.close());
            upstream.closeHandler(v -> client.close());
            client.resume();
        });
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception ignored) {
            // closing anyway
        }
        http.close();
        ws.close();
    }
}
