package dev.crossbar.devnet.operator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devnet operator's switches over HTTP, on loopback only, so that a second process
 * ({@code crossbar devnet misbehave ...}) can flip them while the devnet runs.
 *
 * <pre>
 * GET  /status                                  what the operator did, which switches are on
 * POST /misbehave?switch=&lt;name&gt;&amp;l2=&lt;l2&gt;[&amp;value=N]   turn a misbehaviour on (N: deposit nonce,
 *                                               game index or game type; {@code nonce=N} is taken too)
 * POST /behave?l2=&lt;l2&gt;                           back to honest
 * POST /shutdown                                stop the devnet
 * </pre>
 */
public final class OperatorAdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OperatorAdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    public OperatorAdminServer(DevnetOperator operator, Runnable onShutdown) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "devnet-operator-admin");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/status", ex -> respond(ex, "GET", () -> Map.of("l2s", operator.status())));
        server.createContext("/misbehave", ex -> respond(ex, "POST", () -> {
            Map<String, String> q = query(ex);
            Misbehaviour what = Misbehaviour.fromSwitch(required(q, "switch"));
            String value = q.containsKey("value") ? q.get("value") : q.get("nonce");
            String done = operator.misbehave(what, required(q, "l2"), value == null ? null : number(value));
            log.warn("operator told to misbehave: {}", done);
            return Map.of("done", done);
        }));
        server.createContext("/behave", ex -> respond(ex, "POST", () -> {
            String l2 = required(query(ex), "l2");
            operator.behave(l2);
            return Map.of("done", "the operator of " + l2 + " is honest again");
        }));
        server.createContext("/shutdown", ex -> {
            // The answer goes out first: the shutdown stops this server, and with it an exchange still open.
            if (respond(ex, "POST", () -> Map.of("done", "stopping"))) {
                Thread.ofPlatform().name("devnet-shutdown").start(onShutdown);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private interface Action {
        Object run() throws Exception;
    }

    /** Answers with what {@code action} returns, or its error; true when the action ran and succeeded. */
    private static boolean respond(HttpExchange ex, String method, Action action) throws IOException {
        int status;
        Object body;
        if (!ex.getRequestMethod().equals(method)) {
            status = 405;
            body = Map.of("error", "use " + method);
        } else {
            try {
                body = action.run();
                status = 200;
            } catch (IllegalArgumentException e) {
                status = 400;
                body = Map.of("error", e.getMessage());
            } catch (Exception e) {
                status = 500;
                body = Map.of("error", String.valueOf(e.getMessage()));
            }
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
        return status == 200;
    }

    private static BigInteger number(String value) {
        try {
            return new BigInteger(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value '" + value + "' is not a whole number");
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String required(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing query parameter '" + name + "'");
        }
        return v;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
