package dev.crossbar.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.config.Config;
import dev.crossbar.app.http.ChainStatusSource;
import dev.crossbar.app.http.Checks;
import dev.crossbar.app.http.HttpService;
import dev.crossbar.app.http.Metrics;
import dev.crossbar.app.http.Readiness;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.json.Json;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.MessageStores;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on a free port over a real SQLite store (in {@code dir}), for API and CLI tests; every
 * chain's endpoint is whatever the configuration says (a closed port makes heads unknown).
 */
public final class ApiFixture implements AutoCloseable {
    public static final String TOKEN = "s3cret-admin-token";
    public static final String READ_TOKEN = "s3cret-read-token";

    public final Vertx vertx = Vertx.vertx();
    public final Config config;
    public final MessageStore store;
    public final Metrics metrics = Metrics.create();
    public final Readiness readiness;
    public final HttpService http;
    private final Map<Long, EthApi> probes = new LinkedHashMap<>();
    /**
     * Every request has a timeout: one GET of this fixture once waited forever under CI load (the server's event
     * loops idle, the cause not found; 23,000 requests in a loop did not reproduce it). HTTP/1.1, as the CLI speaks.
     */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final java.time.Duration TIMEOUT = java.time.Duration.ofSeconds(30);

    /** With the admin token {@link #TOKEN} when {@code withToken}, else none; the read API open. */
    public ApiFixture(Path dir, boolean withToken, ChainStatusSource status) throws Exception {
        this(dir, withToken, false, status);
    }

    /** With the admin token {@link #TOKEN} when {@code withToken}, the read token {@link #READ_TOKEN} when
     * {@code withReadToken}. */
    public ApiFixture(Path dir, boolean withToken, boolean withReadToken, ChainStatusSource status) throws Exception {
        this(dir, withToken, withReadToken, "", status);
    }

    /** As above, everything served under {@code pathPrefix} ({@code http.pathPrefix}; empty: none). */
    public ApiFixture(Path dir, boolean withToken, boolean withReadToken, String pathPrefix, ChainStatusSource status)
            throws Exception {
        this(TestConfigs.config(TestConfigs.yaml("http://127.0.0.1:9", "http://127.0.0.1:9", "http://127.0.0.1:9", """
                store: {sqlite: {path: %s}}
                http: {address: "127.0.0.1:0"%s%s%s}
                """.formatted(dir.resolve("store.db"), withToken ? ", adminToken: {env: TEST_ADMIN_TOKEN}" : "",
                withReadToken ? ", readToken: {env: TEST_READ_TOKEN}" : "",
                pathPrefix.isEmpty() ? "" : ", pathPrefix: \"" + pathPrefix + "\"")), Map.of()), withToken, status);
    }

    public ApiFixture(Config config, boolean withToken, ChainStatusSource status) throws Exception {
        this.config = config;
        this.store = MessageStores.open(config.store().storeConfig(), config.topology());
        this.readiness = new Readiness(vertx, Duration.ofSeconds(5));
        readiness.add(Checks.store(vertx, store));
        for (ChainConfig c : config.chains()) {
            probes.put(c.chainId(), EthApi.connect(vertx, c, Duration.ofSeconds(2), Duration.ofSeconds(1)));
        }
        Map<String, String> env = Map.of("TEST_ADMIN_TOKEN", TOKEN, "TEST_READ_TOKEN", READ_TOKEN);
        char[] token = withToken ? config.http().adminToken().resolve(env::get) : null;
        char[] read = config.http().readToken() == null ? null : config.http().readToken().resolve(env::get);
        this.http = new HttpService(vertx, config, store, metrics, readiness, status, probes, token, read);
        http.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The server's base URL, with its path prefix if it has one (request paths are appended to it). */
    public String url() {
        return http.url();
    }

    public Response get(String path) throws Exception {
        return get(path, null);
    }

    /** A GET with this {@code Authorization} header (none when null). */
    public Response get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(TIMEOUT).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    /** Any request: a method, a path, headers (name, value, ...) and a body (none when null). */
    public Response request(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b.build());
    }

    public Response post(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return send(b.build());
    }

    private Response send(HttpRequest request) throws Exception {
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** An answer as the test sees it. */
    public record Response(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        http.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        probes.values().forEach(EthApi::close);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        store.close();
        metrics.close();
    }
}
