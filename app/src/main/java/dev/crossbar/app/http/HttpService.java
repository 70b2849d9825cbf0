package dev.crossbar.app.http;

import dev.crossbar.app.config.Config;
import dev.crossbar.app.config.HostPort;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.store.MessageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server of a Crossbar process (Vert.x Web), on {@code http.address}:
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the process runs;</li>
 *   <li>{@code GET /health/ready}: 200 when every {@link Readiness} check passes, else 503 naming what is not
 *       ready;</li>
 *   <li>{@code GET /metrics}: Prometheus text ({@link Metrics});</li>
 *   <li>the JSON API under {@code /api/} ({@link ApiRoutes}, {@link AdminRoutes}), described by
 *       {@code GET /api/openapi.yaml};</li>
 *   <li>the operator console at {@code /} ({@link ConsoleRoutes}): static pages reading the API, live through
 *       server-sent events at {@code /api/events}.</li>
 * </ul>
 * With {@code http.pathPrefix} set (say {@code /crossbar}), all of it is served under the prefix
 * ({@code /crossbar/health/ready}, {@code /crossbar/api/status}, the console at {@code /crossbar/}): the routes are
 * one sub-router mounted there, {@code GET /crossbar} redirects to {@code /crossbar/} (the console's URLs are
 * relative to it), and every path outside the prefix is a 404.
 * Errors are JSON {@code {"error": "..."}}, unknown paths included. With {@code http.readToken} set, every
 * {@code /api/} request needs {@code Authorization: Bearer} with the read or the admin token (401 otherwise);
 * the health endpoints and {@code /metrics} stay open, for the kubelet's probes and Prometheus. A query parameter an
 * API, health or metrics operation does not document is a 400 naming it (the console's files take any). No route
 * takes a request body: one is refused with 413. A path served for other methods answers 405 naming the allowed ones.
 */
public final class HttpService implements Service {
    private static final Logger log = LoggerFactory.getLogger(HttpService.class);
    static final String OPENAPI_RESOURCE = "/dev/crossbar/app/http/openapi.yaml";

    private final Vertx vertx;
    private final HostPort address;
    private final String prefix;
    /** Every route, at paths relative to the prefix. */
    private final Router router;
    /** What the server hands requests to: {@link #router}, mounted under the prefix when there is one. */
    private final Router root;
    private final MetricsHistory history;
    private HttpServer server;

    /**
     * @param probes per chain id, a client with a short timeout for fresh heads (readiness uses its own)
     * @param adminToken the resolved admin token (wiped here), or null: admin actions refused
     * @param readToken the resolved read token (wiped here), or null: the read API is open
     */
    public HttpService(Vertx vertx, Config config, MessageStore store, Metrics metrics, Readiness readiness,
            ChainStatusSource chainStatus, Map<Long, EthApi> probes, char[] adminToken, char[] readToken) {
        this.vertx = vertx;
        this.address = config.http().address();
        this.prefix = config.http().pathPrefix();
        this.router = Router.router(vertx);
        BearerToken token = adminToken == null ? null : BearerToken.of(adminToken);
        BearerToken read = readToken == null ? null : BearerToken.of(readToken);
        router.route().handler(HttpService::noBody);
        if (read != null) {
            router.route("/api/*").handler(ctx -> readAccess(ctx, read, token));
        }
        String openapi = openapi();
        // The API's, the probes' and the scrape's query parameters are checked; the console's files are served
        // whatever their query string says (a link with ?utm=..., a cache-buster).
        DocumentedParams params = DocumentedParams.of(openapi);
        for (String checked : List.of("/api/*", "/health/*", "/metrics")) {
            router.route(checked).handler(params::check);
        }
        router.get("/health/live").handler(ctx -> Responses.json(ctx, 200, Map.of("status", "live")));
        router.get("/health/ready").handler(ctx -> ready(ctx, readiness));
        router.get("/metrics").handler(ctx -> vertx.executeBlocking(metrics::scrape, false)
                .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(text))
                .onFailure(e -> Responses.fail(ctx, e)));
        router.get("/api/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml")
                .end(openapi));
        ApiRoutes api = new ApiRoutes(vertx, config, store, chainStatus, probes);
        api.mount(router);
        this.history = new MetricsHistory(vertx, metrics.registry(), api::chains);
        new ConsoleRoutes(vertx, store, api, metrics.registry(), history).mount(router);
        new AdminRoutes(vertx, config, store, token).mount(router);
        router.route().last().handler(this::unrouted);
        router.route().failureHandler(this::failure);
        if (prefix.isEmpty()) {
            this.root = router;
        } else {
            this.root = Router.router(vertx);
            root.route().handler(this::toPrefixWithSlash);
            root.route(prefix + "/*").subRouter(router);
            root.route().last().handler(this::outsidePrefix);
            root.route().failureHandler(this::failure);
        }
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public Future<Void> start() {
        return vertx.createHttpServer().requestHandler(root).listen(address.port(), address.host()).map(s -> {
            server = s;
            history.start();
            log.info("http server listening: address={}:{} endpoints=\"{}/ (console) {}/health/live {}/health/ready"
                    + " {}/metrics {}/api/\"", address.host(), s.actualPort(), prefix, prefix, prefix, prefix, prefix);
            return null;
        });
    }

    @Override
    public Future<Void> stop() {
        history.stop();
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** The port it listens on (the chosen one when the configuration says 0). */
    public int port() {
        if (server == null) {
            throw new IllegalStateException("the http server is not started");
        }
        return server.actualPort();
    }

    /**
     * Its base URL with the path prefix, e.g. {@code http://127.0.0.1:8080} or
     * {@code http://127.0.0.1:8080/crossbar}: API paths are appended to it, the console is at it plus {@code /}.
     */
    public String url() {
        String host = address.host().equals("0.0.0.0") || address.host().equals("::") ? "127.0.0.1" : address.host();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + prefix;
    }

    /** The console's history of this process's meters. */
    MetricsHistory history() {
        return history;
    }

    /** Every route it serves, at paths relative to {@code http.pathPrefix}. */
    public Router router() {
        return router;
    }

    /** The request's path below {@code http.pathPrefix} (where the routes are mounted), as the routes write it. */
    static String routedPath(RoutingContext ctx) {
        String path = ctx.request().path();
        String mount = ctx.mountPoint();
        if (mount != null) {
            mount = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
            if (path.startsWith(mount)) {
                path = path.substring(mount.length());
            }
        }
        return path.isEmpty() ? "/" : path;
    }

    /**
     * {@code GET <prefix>} redirects to {@code <prefix>/}, where the console's relative URLs resolve under the
     * prefix. The location is relative too ({@code crossbar/}), so that it holds behind a proxy that adds a prefix of
     * its own.
     */
    private void toPrefixWithSlash(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        if (ctx.request().path().equals(prefix) && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
            String query = ctx.request().query();
            ctx.response().setStatusCode(301).putHeader("Location",
                    prefix.substring(prefix.lastIndexOf('/') + 1) + "/" + (query == null ? "" : "?" + query)).end();
        } else {
            ctx.next();
        }
    }

    /** A path outside {@code http.pathPrefix}: nothing is served there. */
    private void outsidePrefix(RoutingContext ctx) {
        Responses.error(ctx, 404, "no such endpoint: " + ctx.request().method() + " "
                + ApiRoutes.shown(ctx.request().path()) + " (this server serves under " + prefix + "/; see " + prefix
                + "/api/openapi.yaml)");
    }

    /** No route takes a body: a request with one is refused before anything reads it. */
    private static void noBody(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        String encoding = ctx.request().getHeader("Transfer-Encoding");
        if (encoding != null || (length != null && !length.trim().equals("0"))) {
            ctx.response().putHeader("Connection", "close");
            Responses.error(ctx, 413, "this endpoint takes no request body (the request has "
                    + (encoding != null ? "Transfer-Encoding " + ApiRoutes.shown(encoding)
                            : "Content-Length " + ApiRoutes.shown(length)) + ")");
        } else {
            ctx.next();
        }
    }

    /** The read token or the admin token, as {@code Authorization: Bearer <token>}. */
    private static void readAccess(RoutingContext ctx, BearerToken read, BearerToken admin) {
        String header = ctx.request().getHeader("Authorization");
        // Both compared every time, so the time taken does not tell which one matched.
        boolean isRead = read.matches(header);
        boolean isAdmin = admin != null && admin.matches(header);
        if (isRead | isAdmin) {
            ctx.next();
            return;
        }
        log.warn("api request refused: method={} path={} reason={}", ctx.request().method(),
                ApiRoutes.shown(ctx.request().path()), header == null ? "no-token" : "wrong-token");
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        Responses.error(ctx, 401, "the API needs Authorization: Bearer <token> with the configured http.readToken"
                + " (or http.adminToken); " + (header == null ? "the request has no Authorization header"
                        : "the token given is not one of them"));
    }

    /** 405 naming the allowed methods when the path is served for others, else 404. */
    private void unrouted(RoutingContext ctx) {
        String path = routedPath(ctx);
        Set<String> allowed = new TreeSet<>();
        for (Route r : router.getRoutes()) {
            if (r.getPath() != null && r.methods() != null && !r.getPath().endsWith("*")
                    && path.matches(r.getPath().replaceAll(":\\w+", "[^/]+"))) {
                r.methods().forEach(m -> allowed.add(m.name()));
            }
        }
        String what = ctx.request().method() + " " + ApiRoutes.shown(ctx.request().path());
        if (allowed.isEmpty()) {
            Responses.error(ctx, 404, "no such endpoint: " + what + " (see " + prefix + "/api/openapi.yaml)");
        } else {
            ctx.response().putHeader("Allow", String.join(", ", allowed));
            Responses.error(ctx, 405, "method not allowed: " + what + " (allowed: " + String.join(", ", allowed)
                    + ")");
        }
    }

    private static void ready(RoutingContext ctx, Readiness readiness) {
        readiness.evaluate().onSuccess(results -> {
            List<ReadinessCheck.Result> down = results.stream().filter(r -> !r.ready()).toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", down.isEmpty() ? "ready" : "not ready");
            if (!down.isEmpty()) {
                body.put("error", "not ready: " + down.stream().map(r -> r.name() + " (" + r.detail() + ")")
                        .collect(Collectors.joining(", ")));
            }
            body.put("checks", results);
            Responses.json(ctx, down.isEmpty() ? 200 : 503, body);
        }).onFailure(e -> Responses.fail(ctx, e));
    }

    private void failure(RoutingContext ctx) {
        Throwable e = ctx.failure();
        if (e != null) {
            Responses.fail(ctx, e);
        } else {
            int status = ctx.statusCode() < 0 ? 500 : ctx.statusCode();
            Responses.error(ctx, status, status == 405 ? "method not allowed" : "request failed (" + status + ")");
        }
    }

    private static String openapi() {
        try (InputStream in = HttpService.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document is missing from the jar: " + OPENAPI_RESOURCE);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
