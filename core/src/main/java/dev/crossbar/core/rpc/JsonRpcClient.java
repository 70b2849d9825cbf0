package dev.crossbar.core.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.core.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A non-blocking JSON-RPC client for one endpoint of a chain, over HTTP.
 *
 * <p>An endpoint that cannot be reached, answers with an HTTP error (5xx, 429), with a body that is not JSON, or not
 * in time fails the call with {@link RpcException.Transport}; a JSON-RPC error object is the node's answer and fails
 * it with {@link RpcException.Remote}. Failover across a chain's endpoints is a decorator over the synchronous chain
 * API ({@code dev.crossbar.core.chain.FailoverEthApi}), composed by {@code EthApi.connect}.
 */
public final class JsonRpcClient implements AutoCloseable {
    private final String chain;
    private final URI endpoint;
    /** The endpoint as errors name it: scheme, host and port, never a path or query (they may hold an API key). */
    private final String where;
    private final HttpClientAgent http;
    private final Vertx vertx;
    /** Where calls made from threads outside Vert.x are issued (see {@link #send}). */
    private final Context home;
    private final Duration timeout;
    private final AtomicLong ids = new AtomicLong();

    /** One call of a batch. */
    public record Call(String method, List<?> params) {}

    /**
     * @param chain the name of the chain (or of this endpoint of it), used in errors
     * @param endpoint an HTTP(S) URL
     * @param timeout how long one request may take before it fails as a transport failure
     */
    public JsonRpcClient(Vertx vertx, String chain, URI endpoint, Duration timeout) {
        this.chain = Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(endpoint, () -> "chain " + chain + ": RPC endpoint");
        String scheme = endpoint.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("chain " + chain + ": RPC endpoint " + where(endpoint)
                    + " is not an http(s) URL");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("chain " + chain + ": RPC timeout must be positive, was " + timeout);
        }
        this.endpoint = endpoint;
        this.where = where(endpoint);
        this.vertx = vertx;
        this.home = vertx.getOrCreateContext();
        this.timeout = timeout;
        this.http = httpClient(vertx, endpoint, timeout);
    }

    /** With a 10 s timeout. */
    public JsonRpcClient(Vertx vertx, String chain, URI endpoint) {
        this(vertx, chain, endpoint, Duration.ofSeconds(10));
    }

    public String chain() {
        return chain;
    }

    /** Calls {@code method} and returns its {@code result} (JSON null when the node returned null). */
    public Future<JsonNode> call(String method, List<?> params) {
        ObjectNode req = request(method, params);
        return send(Json.write(req), method).map(body -> result(method, body));
    }

    /** Calls {@code method} and maps its result onto {@code type} with the system's JSON mapping. */
    public <T> Future<T> call(String method, List<?> params, Class<T> type) {
        return call(method, params).map(convert(method, type));
    }

    /**
     * One answer of a batch: the call's result, or the node's error answer to that call alone.
     *
     * @param result the result (JSON null when the node returned null); null when {@code error} is set
     */
    public record Answer(JsonNode result, RpcException.Remote error) {
        /** The result, or the node's error answer thrown. */
        public JsonNode orThrow() {
            if (error != null) {
                throw error;
            }
            return result;
        }
    }

    /** Sends several calls in one JSON-RPC batch; results come back in the order of {@code calls}. */
    public Future<List<JsonNode>> batch(List<Call> calls) {
        return batchAnswers(calls).map(answers -> answers.stream().map(Answer::orThrow).toList());
    }

    /**
     * Sends several calls in one JSON-RPC batch; each answer comes back in the order of {@code calls}, a node's
     * error answer to one call failing that call only. A batch the endpoint did not answer, or answered with
     * something that is not a batch answer, fails as a whole.
     */
    public Future<List<Answer>> batchAnswers(List<Call> calls) {
        if (calls.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        Map<Long, Integer> position = new HashMap<>();
        for (int i = 0; i < calls.size(); i++) {
            ObjectNode r = request(calls.get(i).method(), calls.get(i).params());
            position.put(r.get("id").asLong(), i);
            array.add(r);
        }
        String label = calls.getFirst().method() + " x" + calls.size();
        return send(Json.write(array), label).map(body -> {
            if (!body.isArray()) {
                // Some nodes answer a whole batch with one error object.
                result(label, body);
                throw new RpcException.Malformed(chain + ": batch answered with a non-array: " + abbreviate(body));
            }
            Answer[] out = new Answer[calls.size()];
            for (JsonNode item : body) {
                Integer i = position.get(item.path("id").asLong(-1));
                if (i == null) {
                    throw new RpcException.Malformed(chain + ": batch answer with unknown id: " + abbreviate(item));
                }
                try {
                    out[i] = new Answer(result(calls.get(i).method(), item), null);
                } catch (RpcException.Remote e) {
                    out[i] = new Answer(null, e);
                }
            }
            for (int i = 0; i < out.length; i++) {
                if (out[i] == null) {
                    throw new RpcException.Malformed(chain + ": batch answer lacks call " + i + " ("
                            + calls.get(i).method() + ")");
                }
            }
            return List.of(out);
        });
    }

    /** Maps a JSON result onto {@code type}, failing with {@link RpcException.Malformed} when it does not fit. */
    public static <T> Function<JsonNode, T> convert(String method, Class<T> type) {
        return node -> {
            try {
                return Json.MAPPER.treeToValue(node, type);
            } catch (Exception e) {
                throw new RpcException.Malformed(method + " returned something that is not a " + type.getSimpleName()
                        + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * Connections are kept alive and reused, up to 8. (Stalls once blamed on reused connections to anvil came from
     * requests issued outside Vert.x threads; see {@link #send}.)
     */
    private static HttpClientAgent httpClient(Vertx vertx, URI uri, Duration timeout) {
        boolean tls = "https".equals(uri.getScheme());
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setSsl(tls)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())),
                new PoolOptions().setHttp1MaxSize(8));
    }

    private static String where(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private ObjectNode request(String method, List<?> params) {
        ObjectNode req = JsonNodeFactory.instance.objectNode();
        req.put("jsonrpc", "2.0");
        req.put("id", ids.incrementAndGet());
        req.put("method", method);
        req.set("params", Json.MAPPER.valueToTree(params == null ? List.of() : params));
        return req;
    }

    private JsonNode result(String method, JsonNode body) {
        JsonNode error = body.get("error");
        if (error != null && !error.isNull()) {
            JsonNode data = error.get("data");
            throw new RpcException.Remote(method, error.path("code").asInt(), error.path("message").asText("(no message)"),
                    data == null || data.isNull() ? null : (data.isTextual() ? data.asText() : data.toString()));
        }
        if (!body.has("result")) {
            throw new RpcException.Malformed(chain + ": " + method + " answer has neither result nor error: "
                    + abbreviate(body));
        }
        return body.get("result");
    }

    /**
     * Issues the exchange on an event loop: the caller's when it is on one, otherwise this client's own context.
     * Requests issued straight from other threads (the relayer's and the monitor's workers) were seen to lose their
     * answer now and then, about one in a thousand, each costing a whole timeout; a worker thread of Vert.x's that
     * waits for the answer must not be the one to deliver it either.
     */
    private Future<JsonNode> send(String payload, String label) {
        Promise<JsonNode> promise = Promise.promise();
        if (Context.isOnEventLoopThread()) {
            exchange(payload, label, promise);
        } else {
            home.runOnContext(v -> exchange(payload, label, promise));
        }
        return promise.future();
    }

    private void exchange(String payload, String label, Promise<JsonNode> promise) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(endpoint.toString()).setTimeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json");
        // A guard of our own besides the client's timeout: whatever stalls an exchange, it fails in time.
        Promise<Buffer> exchange = Promise.promise();
        long guard = vertx.setTimer(timeout.toMillis() + 1000, id -> exchange.tryFail("no answer within "
                + timeout.toMillis() + " ms"));
        http.request(options)
                .compose(req -> req.send(Buffer.buffer(payload)))
                .compose(resp -> {
                    if (resp.statusCode() >= 500 || resp.statusCode() == 429) {
                        return Future.failedFuture("HTTP " + resp.statusCode());
                    }
                    return resp.body();
                })
                .onComplete(ar -> {
                    vertx.cancelTimer(guard);
                    if (ar.succeeded()) {
                        exchange.tryComplete(ar.result());
                    } else {
                        exchange.tryFail(ar.cause());
                    }
                });
        exchange.future()
                .onSuccess(buffer -> {
                    try {
                        promise.complete(Json.MAPPER.readTree(buffer.getBytes()));
                    } catch (Exception e) {
                        // Not an answer of the node's (a cut-off body, a gateway's page): as if none came, so that
                        // the call is retried or goes to another endpoint.
                        promise.fail(new RpcException.Transport(chain + ": " + label + " failed at " + where
                                + ": the answer is not JSON: " + e.getMessage(), e));
                    }
                })
                .onFailure(err -> {
                    String why = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
                    promise.fail(new RpcException.Transport(chain + ": " + label + " failed at " + where + ": " + why,
                            err));
                });
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Override
    public void close() {
        http.close();
    }
}
