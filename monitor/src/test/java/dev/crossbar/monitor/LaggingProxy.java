package dev.crossbar.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.core.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.web3j.utils.Numeric;

/**
 * A second endpoint of a devnet chain that lags: a JSON-RPC proxy in front of the real node whose head is {@code lag}
 * blocks behind it. It answers {@code eth_blockNumber} and {@code latest} with its lagging head, has no block above it
 * ({@code eth_getBlockByNumber} answers null, state queries fail with "header not found"), and forwards the rest.
 * With it, the monitor has two endpoints per L2, one of them always behind.
 */
final class LaggingProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClientAgent client;
    private final URI upstream;
    private final long lag;

    LaggingProxy(Vertx vertx, URI upstream, long lag) throws Exception {
        this.upstream = upstream;
        this.lag = lag;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        this.server = vertx.createHttpServer().requestHandler(req -> req.body()
                .compose(body -> handle(Json.read(body.toString(), JsonNode.class)))
                .onSuccess(answer -> req.response().putHeader("Content-Type", "application/json").end(Json.write(answer)))
                .onFailure(e -> req.response().setStatusCode(502).end())).listen(0, "127.0.0.1").toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    private Future<JsonNode> handle(JsonNode request) {
        if (!request.isObject()) {
            return forward(request);
        }
        String method = request.path("method").asText();
        return switch (method) {
            case "eth_blockNumber", "eth_getBlockByNumber", "eth_getProof", "eth_getStorageAt", "eth_call" ->
                    head().compose(head -> lagging((ObjectNode) request, method, Math.max(0, head - lag)));
            default -> forward(request);
        };
    }

    private Future<JsonNode> lagging(ObjectNode request, String method, long cap) {
        ArrayNode params = (ArrayNode) request.path("params");
        if (method.equals("eth_blockNumber")) {
            return Future.succeededFuture(answer(request, JsonNodeFactory.instance.textNode(Numeric.toHexStringWithPrefix(
                    java.math.BigInteger.valueOf(cap)))));
        }
        int tagAt = switch (method) {
            case "eth_getBlockByNumber" -> 0;
            case "eth_call" -> 1;
            default -> 2;
        };
        String tag = params.path(tagAt).asText("latest");
        long block = tag.startsWith("0x") ? Numeric.toBigInt(tag).longValueExact() : cap;
        if (block > cap) {
            if (method.equals("eth_getBlockByNumber")) {
                return Future.succeededFuture(answer(request, JsonNodeFactory.instance.nullNode()));
            }
            ObjectNode error = JsonNodeFactory.instance.objectNode().put("code", -32000).put("message",
                    "header not found");
            ObjectNode a = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
            a.set("id", request.get("id"));
            a.set("error", error);
            return Future.succeededFuture(a);
        }
        params.set(tagAt, JsonNodeFactory.instance.textNode(Numeric.toHexStringWithPrefix(
                java.math.BigInteger.valueOf(block))));
        return forward(request);
    }

    private Future<Long> head() {
        ObjectNode r = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0").put("id", 1)
                .put("method", "eth_blockNumber");
        r.putArray("params");
        return forward(r).map(a -> Numeric.toBigInt(a.path("result").asText()).longValueExact());
    }

    private static JsonNode answer(JsonNode request, JsonNode result) {
        ObjectNode a = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        a.set("id", request.get("id"));
        a.set("result", result);
        return a;
    }

    private Future<JsonNode> forward(JsonNode request) {
        return client.request(new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(upstream.toString())
                .putHeader("Content-Type", "application/json"))
                .compose(req -> req.send(Buffer.buffer(Json.write(request))))
                .compose(resp -> resp.body())
                .map(b -> Json.read(b.toString(), JsonNode.class));
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client.close();
    }
}
