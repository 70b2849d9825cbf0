package dev.crossbar.app.http;

import dev.crossbar.core.json.Json;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator console: a few static files (plain ES modules and one style sheet, no build step) served at
 * {@code /} and {@code /console/}, and what it reads besides the JSON API:
 * <ul>
 *   <li>{@code GET /api/overview}: the status ({@code /api/status}: chains, messages by state and by kind and state,
 *       open findings) with the signing keys and the games at risk, in one answer;</li>
 *   <li>{@code GET /api/history}: the last hour of this process's own meters, sampled every ten seconds
 *       ({@link MetricsHistory}): messages relayed, relay latency, each chain's lag;</li>
 *   <li>{@code GET /api/signers}: each signing key of the transaction managers running in this process (chain,
 *       address, next nonce, transactions in flight, balance), read from their meters;</li>
 *   <li>{@code GET /api/events}: server-sent events, one stream per open console: the overview as
 *       {@code event: overview} when it changed (looked at every {@link #TICK_MS} ms, once for all streams), a
 *       comment line otherwise, so that pages refresh on change without polling.</li>
 * </ul>
 * The console uses only relative URLs and routes its pages in the URL's fragment ({@code #/messages/0x...}), so it
 * works under any path prefix: one an ingress strips (no setting), or {@code http.pathPrefix} (the routes below are
 * then mounted under it). The pages are served with a Content-Security-Policy
 * that allows only their own scripts, and the scripts put every value into the page as text, never as markup.
 */
final class ConsoleRoutes {
    static final long TICK_MS = 2_000;
    /** A comment line on an idle stream this often, so that proxies keep it open. */
    private static final long KEEPALIVE_MS = 15_000;
    private static final String RESOURCES = "/dev/crossbar/app/console/";
    private static final List<String> FILES = List.of("index.html", "app.js", "dom.js", "pages.js", "style.css");
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
            + " img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Vertx vertx;
    private final MessageStore store;
    private final ApiRoutes api;
    private final MeterRegistry meters;
    private final MetricsHistory history;
    private final Map<String, byte[]> files = new TreeMap<>();
    private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
    /** The ticker and what it last sent, guarded by {@code this} (streams may live on several event loops). */
    private long timer = -1;
    private String last = "";
    private long lastWrite;
    private boolean ticking;

    ConsoleRoutes(Vertx vertx, MessageStore store, ApiRoutes api, MeterRegistry meters, MetricsHistory history) {
        this.vertx = vertx;
        this.store = store;
        this.api = api;
        this.meters = meters;
        this.history = history;
        for (String f : FILES) {
            files.put(f, resource(f));
        }
    }

    void mount(Router router) {
        router.get("/").handler(ctx -> file(ctx, "index.html"));
        for (String f : FILES) {
            if (!f.equals("index.html")) {
                router.get("/console/" + f).handler(ctx -> file(ctx, f));
            }
        }
        router.get("/api/overview").handler(ctx -> Responses.reply(ctx, overview()));
        router.get("/api/history").handler(ctx -> Responses.json(ctx, 200, history.view()));
        router.get("/api/signers").handler(ctx -> Responses.json(ctx, 200, signers()));
        router.get("/api/events").handler(this::events);
    }

    private void file(RoutingContext ctx, String name) {
        String type = name.endsWith(".html") ? "text/html; charset=utf-8"
                : name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
        ctx.response().putHeader("Content-Type", type).putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-cache")
                .end(io.vertx.core.buffer.Buffer.buffer(files.get(name)));
    }

    /** The status ({@link ApiRoutes#status}) with the signing keys and the games at risk. */
    Future<Map<String, Object>> overview() {
        return api.status().compose(status -> api.blocking(() -> {
            Map<String, Object> out = new LinkedHashMap<>(status);
            out.put("signers", signers());
            long now = Instant.now().getEpochSecond();
            List<Map<String, Object>> atRisk = new ArrayList<>();
            for (GameRecord g : store.games(new GameQuery(null, EnumSet.of(GameRecord.Status.IN_PROGRESS), null,
                    1000))) {
                if ("INVALID".equals(g.verdict())) {
                    atRisk.add(ApiRoutes.gameView(g, store.claims(g.address()), now));
                }
            }
            out.put("gamesAtRisk", atRisk);
            return out;
        }));
    }

    /** The signing keys of this process's transaction managers, from their {@code crossbar_txmanager_signer_*} gauges. */
    List<Map<String, Object>> signers() {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (String[] g : List.of(new String[] {"crossbar.txmanager.signer.nonce", "nonce"},
                new String[] {"crossbar.txmanager.signer.pending", "pending"},
                new String[] {"crossbar.txmanager.signer.balance.gwei", "balanceGwei"})) {
            for (Gauge gauge : meters.find(g[0]).gauges()) {
                String component = gauge.getId().getTag("component");
                String chain = gauge.getId().getTag("chain");
                String signer = gauge.getId().getTag("signer");
                Map<String, Object> row = rows.computeIfAbsent(component + "|" + chain + "|" + signer, k -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("component", component);
                    r.put("chain", chain);
                    r.put("address", signer);
                    return r;
                });
                row.put(g[1], (long) gauge.value());
            }
        }
        return new ArrayList<>(rows.values());
    }

    /** The runbook of a finding's kind, or null for a kind this build does not know. */
    static String runbook(String kind) {
        try {
            return FindingKind.valueOf(kind.toUpperCase(Locale.ROOT)).runbook();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether a finding's kind proves misbehaviour (then the monitor tripped the chain's breaker). */
    static Boolean misbehaviour(String kind) {
        try {
            return FindingKind.valueOf(kind.toUpperCase(Locale.ROOT)).misbehaviour();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void events(RoutingContext ctx) {
        HttpServerResponse r = ctx.response();
        r.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        r.write("retry: 3000\n\n");
        r.closeHandler(v -> closed(r));
        r.exceptionHandler(e -> closed(r));
        synchronized (this) {
            streams.add(r);
            if (!last.isEmpty()) {
                r.write(last);
            }
            if (timer < 0) {
                timer = vertx.setPeriodic(1, TICK_MS, id -> tick());
            }
        }
    }

    private synchronized void closed(HttpServerResponse r) {
        streams.remove(r);
        if (streams.isEmpty() && timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
            last = "";
        }
    }

    /** One overview for every open stream; written when it changed, a comment line now and then otherwise. */
    private synchronized void tick() {
        if (ticking) {
            return;
        }
        ticking = true;
        overview().onComplete(this::sent);
    }

    /** Writes the overview (or a keep-alive comment) to every open stream. */
    private synchronized void sent(io.vertx.core.AsyncResult<Map<String, Object>> ar) {
        ticking = false;
        long now = System.currentTimeMillis();
        String frame;
        if (ar.succeeded()) {
            String event = "event: overview\ndata: " + Json.write(ar.result()) + "\n\n";
            frame = event.equals(last) ? null : event;
            last = event;
        } else {
            frame = "event: problem\ndata: " + Json.write(Map.of("error", String.valueOf(
                    ar.cause().getMessage()))) + "\n\n";
        }
        if (frame == null && now - lastWrite < KEEPALIVE_MS) {
            return;
        }
        lastWrite = now;
        String out = frame == null ? ": idle\n\n" : frame;
        for (HttpServerResponse r : List.copyOf(streams)) {
            if (r.closed() || r.ended()) {
                closed(r);
            } else if (!r.writeQueueFull()) {
                r.write(out);
            }
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the console file is missing from the jar: " + RESOURCES + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
