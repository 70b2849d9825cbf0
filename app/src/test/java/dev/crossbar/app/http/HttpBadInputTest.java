package dev.crossbar.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.app.testing.Seed;
import dev.crossbar.core.json.Json;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import io.vertx.ext.web.Route;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to every route the server serves, enumerated from its router (so a route added later is walked too,
 * and a parameter without bad values here fails the walk): malformed path values, every documented query
 * parameter with wrong values (limits of 0, -1, huge, not numbers, SQL-like strings, script, oversized), unknown
 * parameters, wrong methods and request bodies. Each answer is a 4xx JSON error naming the cause, and the store
 * is unchanged after each. The requests carry the admin token, so they pass the read and admin gates and reach
 * the validation behind them.
 */
class HttpBadInputTest {
    private static final String ADMIN = "Bearer " + ApiFixture.TOKEN;
    private static final String SQL = "' OR '1'='1'; DROP TABLE messages; --";
    private static final String SCRIPT = "<script>alert(1)</script>";
    private static final String HUGE = "99999999999999999999999999";
    private static final String OVERSIZED = "a".repeat(300);
    /** Bad values of each path parameter, by its name in the route. */
    private static final Map<String, List<String>> BAD_PATH = Map.of(
            "id", List.of("nothing", "0x1234", "0x" + "g".repeat(64), "0x" + "a".repeat(65), "0", "-1", HUGE, SQL,
                    SCRIPT, "0x" + "a".repeat(2000)),
            "ref", List.of("nothing", "0x1234", "-1", HUGE, SQL, SCRIPT, "0x" + "a".repeat(2000)),
            "chain", List.of("l9", "0", "-1", HUGE, SQL, SCRIPT, OVERSIZED));
    /** A good value of each path parameter, for the cases about something else. */
    private static final Map<String, String> GOOD_PATH = Map.of("id", Seed.WAITING, "ref", "0", "chain", "l2a");
    /** Bad values of each documented query parameter, by its name. */
    private static final Map<String, List<String>> BAD_QUERY = Map.of(
            "limit", List.of("0", "-1", "1001", HUGE, "abc", "1.5", "1; DROP TABLE messages", SCRIPT, OVERSIZED),
            "chain", List.of("l9", "-1", HUGE, SQL, SCRIPT, OVERSIZED),
            "source", List.of("l9", SQL, SCRIPT),
            "destination", List.of("l9", SQL, SCRIPT),
            "state", List.of("DELIVERED", SQL, SCRIPT, OVERSIZED),
            "kind", List.of("TELEPORT", SQL, SCRIPT),
            "status", List.of("CLOSED", SQL, SCRIPT, OVERSIZED),
            "type", List.of("-1", "abc", HUGE, SQL, SCRIPT),
            "sender", List.of("bob", "0x1234", SQL, SCRIPT, "0x" + "a".repeat(64)),
            "reason", List.of(OVERSIZED, "forged\n2026-01-01 INFO a line that was never logged", "tab\tin it"));
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");

    @TempDir
    static Path dir;

    static ApiFixture api;
    static String before;
    static JsonNode openapi;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(dir);
        api = new ApiFixture(dir, true, true, ChainStatusSource.none());
        Seed.messages(api.store);
        Seed.games(api.store);
        api.store.transition(Seed.WAITING, dev.crossbar.core.model.MessageState.FAILED, "reverted on chain 902");
        before = snapshot();
        openapi = new ObjectMapper(new YAMLFactory()).readTree(api.get("/api/openapi.yaml", ADMIN).body());
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    /** One served route: a method and a path template ({@code /api/messages/:id}). */
    record Served(String method, String path) {
        List<String> pathParams() {
            List<String> out = new ArrayList<>();
            Matcher m = Pattern.compile(":(\\w+)").matcher(path);
            while (m.find()) {
                out.add(m.group(1));
            }
            return out;
        }

        /** The path with every parameter good but {@code param}, which is {@code value}. */
        String with(String param, String value) {
            String out = path;
            for (String p : pathParams()) {
                String v = p.equals(param) ? value : GOOD_PATH.get(p);
                out = out.replace(":" + p, URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
            }
            return out;
        }

        /** One of the console's static files (the page and its scripts), not under /api/. */
        boolean consoleFile() {
            return path.equals("/") || path.startsWith("/console/");
        }

        /** Its query parameters, from the OpenAPI document. */
        List<String> queryParams() {
            JsonNode op = openapi.path("paths").path(path.replaceAll(":(\\w+)", "{$1}"))
                    .path(method.toLowerCase(Locale.ROOT));
            List<String> out = new ArrayList<>();
            for (JsonNode p : op.path("parameters")) {
                JsonNode resolved = p.has("$ref") ? openapi.at(p.path("$ref").asText().substring(1)) : p;
                if (resolved.path("in").asText().equals("query")) {
                    out.add(resolved.path("name").asText());
                }
            }
            return out;
        }
    }

    static List<Served> served() {
        Set<String> seen = new TreeSet<>();
        List<Served> out = new ArrayList<>();
        for (Route r : api.http.router().getRoutes()) {
            if (r.getPath() != null && r.methods() != null && !r.getPath().endsWith("*")) {
                r.methods().forEach(m -> {
                    if (seen.add(m.name() + " " + r.getPath())) {
                        out.add(new Served(m.name(), r.getPath()));
                    }
                });
            }
        }
        return out;
    }

    @Test
    void everyRouteIsWalked() {
        List<Served> routes = served();
        assertThat(routes).extracting(Served::path).contains("/api/messages", "/api/messages/:id",
                "/api/messages/:id/retry", "/api/breakers/:chain/trip", "/api/games/:ref", "/metrics", "/health/live");
        for (Served s : routes) {
            for (String p : s.pathParams()) {
                assertThat(BAD_PATH).as("bad values for path parameter %s of %s %s", p, s.method, s.path)
                        .containsKey(p);
            }
            for (String p : s.queryParams()) {
                assertThat(BAD_QUERY).as("bad values for query parameter %s of %s %s", p, s.method, s.path)
                        .containsKey(p);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> badPathValues() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Served s : served()) {
            for (String p : s.pathParams()) {
                for (String v : BAD_PATH.get(p)) {
                    tests.add(DynamicTest.dynamicTest(s.method + " " + s.path + " " + p + "=" + ApiRoutes.shown(v),
                            () -> refused(s.method, s.with(p, v), null, p, v)));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> badQueryValues() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Served s : served()) {
            String path = s.with(null, null);
            for (String p : s.queryParams()) {
                for (String v : BAD_QUERY.get(p)) {
                    tests.add(DynamicTest.dynamicTest(s.method + " " + s.path + "?" + p + "=" + ApiRoutes.shown(v),
                            () -> refused(s.method, path + "?" + p + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8),
                                    null, p, v)));
                }
                tests.add(DynamicTest.dynamicTest(s.method + " " + s.path + " " + p + " twice", () -> refused(s.method,
                        path + "?" + p + "=1&" + p + "=2", null, p, null)));
            }
            if (s.consoleFile()) {
                // The console's files are served whatever the query string (a link with ?utm_source=..., a
                // cache-buster): only the API, the probes and the scrape check their parameters.
                tests.add(DynamicTest.dynamicTest(s.method + " " + s.path + " any query string", () -> assertThat(
                        api.request(s.method, path + "?lmit=5&q=%3Cscript%3E", null).status()).isEqualTo(200)));
                continue;
            }
            tests.add(DynamicTest.dynamicTest(s.method + " " + s.path + " unknown parameter", () -> {
                JsonNode error = refused(s.method, path + "?lmit=5", null, "lmit", null);
                assertThat(error.asText()).startsWith("unknown parameter 'lmit' for " + s.method);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> wrongMethodsAndBodies() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Served> routes = served();
        for (Served s : routes) {
            String path = s.with(null, null);
            Set<String> allowed = new TreeSet<>();
            routes.stream().filter(o -> o.path.equals(s.path)).forEach(o -> allowed.add(o.method));
            for (String m : METHODS) {
                if (!allowed.contains(m)) {
                    tests.add(DynamicTest.dynamicTest(m + " " + s.path, () -> {
                        JsonNode error = refused(m, path, null, null, null);
                        assertThat(error.asText()).isEqualTo("method not allowed: " + m + " " + path + " (allowed: "
                                + String.join(", ", allowed) + ")");
                    }));
                }
            }
            for (String body : List.of("{\"state\": \"READY\"}", "x".repeat(64 * 1024))) {
                tests.add(DynamicTest.dynamicTest(s.method + " " + s.path + " with a body of " + body.length(), () -> {
                    ApiFixture.Response r = api.request(s.method, path, body, "Authorization", ADMIN,
                            "Content-Type", "application/json");
                    assertThat(r.status()).as(r.body()).isEqualTo(413);
                    assertThat(r.json().path("error").asText()).isEqualTo("this endpoint takes no request body (the"
                            + " request has Content-Length " + body.length() + ")");
                    assertThat(snapshot()).as("the store is unchanged").isEqualTo(before);
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void unknownPathsAreA404NamingThem() throws Exception {
        for (String path : List.of("/api/nothing", "/api/messages/" + Seed.WAITING + "/delete", "/API/MESSAGES",
                "/api/messages/" + Seed.WAITING + "/retry/now", "/admin", "/api/breakers/l2a", "/%2e%2e/etc/passwd")) {
            ApiFixture.Response r = api.get(path, ADMIN);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.json().path("error").asText()).as(path).startsWith("no such endpoint: GET /");
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anOversizedRequestLineOrHeaderIsRefusedByTheServer() throws Exception {
        ApiFixture.Response line = api.get("/api/messages?state=" + "A".repeat(10_000), ADMIN);
        assertThat(line.status()).isEqualTo(414);
        ApiFixture.Response header = api.request("GET", "/api/messages", null, "Authorization", ADMIN,
                "X-Big", "b".repeat(20_000));
        assertThat(header.status()).isEqualTo(431);
        assertThat(snapshot()).isEqualTo(before);
    }

    /**
     * Sends the request and checks it was refused with a 4xx JSON error naming {@code param} or showing
     * {@code value}, and that the store did not change; returns the error.
     */
    private static JsonNode refused(String method, String path, String body, String param, String value)
            throws Exception {
        ApiFixture.Response r = api.request(method, path, body, "Authorization", ADMIN);
        assertThat(r.status()).as("%s %s: %s", method, path, r.body()).isBetween(400, 499);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode error = r.json().path("error");
        assertThat(error.asText()).as("%s %s", method, path).isNotBlank();
        if (param != null) {
            String shown = value == null ? param : ApiRoutes.shown(value).substring(0, Math.min(40, value.length()));
            assertThat(error.asText().contains(param) || error.asText().contains(shown))
                    .as("the error of %s %s names %s or shows its value: %s", method, path, param, error.asText())
                    .isTrue();
        }
        assertThat(snapshot()).as("the store is unchanged by %s %s", method, path).isEqualTo(before);
        return error;
    }

    /** Everything the routes read or write, as JSON. */
    private static String snapshot() {
        Map<String, Object> all = new LinkedHashMap<>();
        List<MessageRecord> messages = api.store.messages(new MessageQuery(null, null, null, null, null, null, 1000));
        all.put("messages", messages);
        for (MessageRecord m : messages) {
            all.put("history " + m.id(), api.store.history(m.id()));
            all.put("transactions " + m.id(), api.store.transactionsOf(m.id()));
        }
        all.put("breakers", api.store.breakers());
        all.put("findings", api.store.findings(null, 1000));
        all.put("outputs", api.store.outputs(null, 1000));
        all.put("games", api.store.games(new dev.crossbar.store.GameQuery(null, null, null, 1000)));
        return Json.write(all);
    }
}
