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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-blocking JSON-RPC client for one chain over HTTP, with failover across several endpoints.
 *
 * <p>Endpoints are tried in the configured order. When one cannot be reached, answers with an HTTP error or
 * not in time, it is set aside for a cool-down and the call goes to the next; only when every endpoint
 * failed does the call fail, with {@link RpcException.Transport} naming each endpoint's problem. A JSON-RPC
 * error object is the node's answer and fails the call with {@link RpcException.Remote}, without failover.
 */
public final class JsonRpcClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsonRpcClient.class);

    private final String chain;
    private final List<Endpoint> endpoints;
    private final Vertx vertx;
    /** Where calls made from threads outside Vert.x are issued (see {@link #send}). */
    private final Context home;
    private final Duration timeout;
    private final Duration cooldown;
    private final AtomicLong ids = new AtomicLong();
    private volatile FailoverListener listener = (from, to, why) -> {};

    /** Told when calls move from one endpoint to another. */
    public interface FailoverListener {
        void failedOver(URI from, URI to, String why);
    }

    /** One call of a batch. */
    public record Call(String method, List<?> params) {}

    private static final class Endpoint {
        final URI uri;
        final HttpClientAgent http;
        volatile long downUntilNanos;

        Endpoint(URI uri, HttpClientAgent http) {
            this.uri = uri;
            this.http = http;
        }

        boolean isUp(long now) {
            return now >= downUntilNanos;
        }
    }

    /**
     * @param chain the chain's name, used in errors and logs
     * @param endpoints HTTP(S) URLs, most preferred first
     * @param timeout how long one request may take before its endpoint counts as failed
     * @param cooldown how long a failed endpoint is skipped
     */
    public JsonRpcClient(Vertx vertx, String chain, List<URI> endpoints, Duration timeout, Duration cooldown) {
        this.chain = Objects.requireNonNull(chain, "chain");
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("chain " + chain + ": at least one RPC endpoint is needed");
        }
        for (URI u : endpoints) {
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new IllegalArgumentException("chain " + chain + ": RPC endpoint " + u + " is not an http(s) URL");
            }
        }
        this.vertx = vertx;
        this.home = vertx.getOrCreateContext();
        this.timeout = timeout;
        this.cooldown = cooldown;
        this.endpoints = endpoints.stream().map(u -> new Endpoint(u, httpClient(vertx, u, timeout))).toList();
    }

    public JsonRpcClient(Vertx vertx, String chain, List<URI> endpoints) {
        this(vertx, chain, endpoints, Duration.ofSeconds(10), Duration.ofSeconds(15));
    }

    public void onFailover(FailoverListener l) {
        this.listener = Objects.requireNonNull(l);
    }

    public String chain() {
        return chain;
    }

    /** The endpoint calls go to now (the first one not cooling down). */
    public URI currentEndpoint() {
        long now = System.nanoTime();
        return endpoints.stream().filter(e -> e.isUp(now)).findFirst().orElse(endpoints.getFirst()).uri;
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

    /** Sends several calls in one JSON-RPC batch; results come back in the order of {@code calls}. */
    public Future<List<JsonNode>> batch(List<Call> calls) {
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
            JsonNode[] out = new JsonNode[calls.size()];
            for (JsonNode item : body) {
                Integer i = position.get(item.path("id").asLong(-1));
                if (i == null) {
                    throw new RpcException.Malformed(chain + ": batch answer with unknown id: " + abbreviate(item));
                }
                out[i] = result(calls.get(i).method(), item);
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
     * Connections are kept alive and reused, up to 8 per endpoint. (Stalls once blamed on reused connections to
     * anvil came from requests issued outside Vert.x threads; see {@link #send}.)
     */
    private static HttpClientAgent httpClient(Vertx vertx, URI uri, Duration timeout) {
        boolean tls = "https".equals(uri.getScheme());
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setSsl(tls)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis())),
                new PoolOptions().setHttp1MaxSize(8));
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
     * Issues the exchange on a Vert.x thread: from the caller's context when it has one, otherwise on this client's
     * own. Requests issued straight from other threads (the relayer's and the monitor's workers) were seen to lose
     * their answer now and then, about one in a thousand, each costing a whole timeout.
     */
    private Future<JsonNode> send(String payload, String label) {
        Promise<JsonNode> promise = Promise.promise();
        if (Vertx.currentContext() != null) {
            attempt(payload, label, 0, new ArrayList<>(), promise);
        } else {
            home.runOnContext(v -> attempt(payload, label, 0, new ArrayList<>(), promise));
        }
        return promise.future();
    }

    private void attempt(String payload, String label, int tried, List<String> problems, Promise<JsonNode> promise) {
        long now = System.nanoTime();
        Endpoint endpoint = pick(now, tried);
        if (endpoint == null) {
            promise.fail(new RpcException.Transport(chain + ": " + label + " failed on every endpoint: "
                    + String.join("; ", problems), null));
            return;
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(endpoint.uri.toString()).setTimeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json");
        // A guard of our own besides the client's timeout: whatever stalls an exchange, it fails over in time.
        Promise<Buffer> exchange = Promise.promise();
        long guard = vertx.setTimer(timeout.toMillis() + 1000, id -> exchange.tryFail("no answer within "
                + timeout.toMillis() + " ms"));
        endpoint.http.request(options)
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
                        promise.fail(new RpcException.Malformed(chain + ": " + label + " answer from " + endpoint.uri
                                + " is not JSON: " + e.getMessage(), e));
                    }
                })
                .onFailure(err -> {
                    String why = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
                    problems.add(endpoint.uri + ": " + why);
                    endpoint.downUntilNanos = System.nanoTime() + cooldown.toNanos();
                    Endpoint next = pick(System.nanoTime(), tried + 1);
                    if (next != null && next != endpoint) {
                        log.warn("rpc failover chain={} from={} to={} reason={}", chain, endpoint.uri, next.uri, why);
                        listener.failedOver(endpoint.uri, next.uri, why);
                    }
                    attempt(payload, label, tried + 1, problems, promise);
                });
    }

    /** The first endpoint that is up, skipping none; after {@code tried} failures, the next ones in order. */
    private Endpoint pick(long now, int tried) {
        if (tried >= endpoints.size()) {
            return null;
        }
        for (Endpoint e : endpoints) {
            if (e.isUp(now)) {
                return e;
            }
        }
        // All are cooling down: try them in order anyway rather than fail without asking.
        return endpoints.get(tried);
    }

    private static String abbreviate(JsonNode node) {
        String s = node.toString();
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    @Override
    public void close() {
        endpoints.forEach(e -> e.http.close());
    }
}
