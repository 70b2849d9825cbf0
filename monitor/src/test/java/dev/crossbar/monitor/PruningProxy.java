package dev.crossbar.monitor;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.web3j.utils.Numeric;

/**
 * An endpoint of a devnet chain whose node has dropped old state, as anvil does with {@code --prune-history} or when
 * it is restarted from a state file: a JSON-RPC proxy in front of the real node that, once told to {@link #keep}
 * only the newest blocks' state, answers state queries at an older block with anvil 1.7.1's own error ({@code
 * {"code":-32602,"message":"BlockOutOfRangeError: block height is 20 but requested was 2"}}) while block headers are
 * still served (anvil keeps those). It can also fail every {@code eth_getProof} the way a broken node does (an
 * internal error, not missing state). Everything else is forwarded.
 */
final class PruningProxy implements AutoCloseable {
    /** State queries and the position of their block parameter. */
    private static final Map<String, Integer> STATE = Map.of("eth_getProof", 2, "eth_getStorageAt", 2, "eth_call", 1,
            "eth_getBalance", 1, "eth_getCode", 1, "eth_getTransactionCount", 1);

    private final HttpServer server;
    private final HttpClientAgent client;
    private final URI upstream;
    private volatile long keep = -1;
    private volatile boolean failProofs;
    /** State queries answered "out of range". */
    final AtomicInteger pruned = new AtomicInteger();

    PruningProxy(Vertx vertx, URI upstream) throws Exception {
        this.upstream = upstream;
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

    /** From now on keeps the state of the newest {@code blocks} blocks only (below that: out of range). */
    PruningProxy keep(long blocks) {
        keep = blocks;
        return this;
    }

    /** Serves every block's state again. */
    PruningProxy keepAll() {
        keep = -1;
        return this;
    }

    /** Whether every {@code eth_getProof} fails with an internal error (a broken node, not missing state). */
    PruningProxy failProofs(boolean fail) {
        failProofs = fail;
        return this;
    }

    private Future<JsonNode> handle(JsonNode request) {
        if (!request.isObject()) {
            return forward(request);
        }
        String method = request.path("method").asText();
        if (failProofs && method.equals("eth_getProof")) {
            return Future.succeededFuture(error(request, -32603, "internal error"));
        }
        Integer at = STATE.get(method);
        long kept = keep;
        String tag = at == null ? "" : request.path("params").path(at.intValue()).asText("latest");
        if (kept < 0 || !tag.startsWith("0x")) {
            return forward(request);
        }
        long block = Numeric.toBigInt(tag).longValueExact();
        return head().compose(head -> {
            if (block >= head - kept) {
                return forward(request);
            }
            pruned.incrementAndGet();
            return Future.succeededFuture(error(request, -32602, "BlockOutOfRangeError: block height is " + head
                    + " but requested was " + block));
        });
    }

    private static JsonNode error(JsonNode request, int code, String message) {
        ObjectNode a = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        a.set("id", request.get("id"));
        a.set("error", JsonNodeFactory.instance.objectNode().put("code", code).put("message", message));
        return a;
    }

    private Future<Long> head() {
        ObjectNode r = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0").put("id", 1)
                .put("method", "eth_blockNumber");
        r.putArray("params");
        return forward(r).map(a -> Numeric.toBigInt(a.path("result").asText()).longValueExact());
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
