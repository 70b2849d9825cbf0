package dev.crossbar.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.app.testing.Seed;
import dev.crossbar.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server with {@code http.pathPrefix: /ops/crossbar}: the console, the API (read and admin), health and
 * metrics answer under the prefix, {@code /ops/crossbar} redirects to {@code /ops/crossbar/}, and nothing answers
 * outside it.
 */
class HttpPathPrefixTest {
    private static final String PREFIX = "/ops/crossbar";
    private static final String READ = "Bearer " + ApiFixture.READ_TOKEN;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static ApiFixture api;
    static String origin;
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        api = new ApiFixture(dir, true, true, PREFIX, ChainStatusSource.none());
        Seed.messages(api.store);
        origin = "http://127.0.0.1:" + api.http.port();
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin + path)).timeout(TIMEOUT).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String error(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body()).path("error").asText();
    }

    @Test
    void theBaseUrlCarriesThePrefix() {
        assertThat(api.url()).isEqualTo(origin + PREFIX);
    }

    @Test
    void theConsoleItsScriptsTheApiHealthAndMetricsAnswerUnderThePrefix() throws Exception {
        HttpResponse<String> index = get(PREFIX + "/", null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(index.body()).contains("src=\"console/app.js\"", "href=\"console/style.css\"");
        for (String file : List.of("app.js", "dom.js", "pages.js", "style.css")) {
            HttpResponse<String> r = get(PREFIX + "/console/" + file, null);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(file).contains(ConsoleRoutes.CSP);
        }
        assertThat(get(PREFIX + "/console/app.js", null).headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/javascript");

        HttpResponse<String> status = get(PREFIX + "/api/status", READ);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(status.body()).path("messages").path("RELAYED").asInt()).isEqualTo(1);
        assertThat(Json.MAPPER.readTree(get(PREFIX + "/api/messages/" + Seed.RELAYED, READ).body())
                .path("message").path("id").asText()).isEqualTo(Seed.RELAYED);
        assertThat(get(PREFIX + "/api/overview", READ).statusCode()).isEqualTo(200);
        assertThat(get(PREFIX + "/api/openapi.yaml", READ).statusCode()).isEqualTo(200);
        HttpResponse<String> noToken = get(PREFIX + "/api/status", null);
        assertThat(noToken.statusCode()).as("the read token guards the API under the prefix too").isEqualTo(401);

        HttpResponse<String> live = get(PREFIX + "/health/live", null);
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(live.body()).path("status").asText()).isEqualTo("live");
        HttpResponse<String> ready = get(PREFIX + "/health/ready", null);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(ready.body()).path("status").asText()).isEqualTo("ready");
        HttpResponse<String> metrics = get(PREFIX + "/metrics", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(metrics.body()).contains("crossbar_process_uptime_seconds");
    }

    @Test
    void adminActionsAnswerUnderThePrefix() throws Exception {
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(origin + PREFIX
                + "/api/breakers/l2a/trip")).timeout(TIMEOUT).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        HttpResponse<String> tripped = client.send(HttpRequest.newBuilder(URI.create(origin + PREFIX
                + "/api/breakers/l2a/trip?reason=test")).timeout(TIMEOUT).header("Authorization", "Bearer "
                + ApiFixture.TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tripped.statusCode()).as(tripped.body()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(tripped.body()).path("tripped").asBoolean()).isTrue();
        client.send(HttpRequest.newBuilder(URI.create(origin + PREFIX + "/api/breakers/l2a/reset")).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + ApiFixture.TOKEN).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
    }

    @Test
    void routesKnowTheirPathsBelowThePrefix() throws Exception {
        HttpResponse<String> unknownParam = get(PREFIX + "/api/messages?colour=red", READ);
        assertThat(unknownParam.statusCode()).isEqualTo(400);
        assertThat(error(unknownParam)).startsWith("unknown parameter 'colour' for GET /api/messages");
        HttpResponse<String> wrongMethod = client.send(HttpRequest.newBuilder(URI.create(origin + PREFIX
                + "/health/live")).timeout(TIMEOUT).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).contains("GET");
        HttpResponse<String> unknown = get(PREFIX + "/api/nothing", READ);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).isEqualTo("no such endpoint: GET " + PREFIX + "/api/nothing (see " + PREFIX
                + "/api/openapi.yaml)");
    }

    @Test
    void thePrefixWithoutItsSlashRedirectsToTheConsole() throws Exception {
        HttpResponse<String> r = get(PREFIX, null);
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("Location")).as("relative: it holds behind a proxy's own prefix")
                .contains("crossbar/");
        assertThat(get(PREFIX + "?x=1", null).headers().firstValue("Location")).contains("crossbar/?x=1");
        HttpClient following = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<String> followed = following.send(HttpRequest.newBuilder(URI.create(origin + PREFIX))
                .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(followed.uri()).isEqualTo(URI.create(origin + PREFIX + "/"));
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).contains("src=\"console/app.js\"");
        // its relative script URL resolves under the prefix
        assertThat(followed.uri().resolve("console/app.js")).isEqualTo(URI.create(origin + PREFIX
                + "/console/app.js"));
    }

    @Test
    void nothingAnswersOutsideThePrefix() throws Exception {
        for (String path : List.of("/", "/console/app.js", "/api/status", "/api/openapi.yaml", "/health/live",
                "/health/ready", "/metrics", "/ops", "/ops/", "/ops/crossbarx/api/status", "/crossbar/api/status",
                "/ops/api/status")) {
            HttpResponse<String> r = get(path, READ);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(error(r)).as(path).isEqualTo("no such endpoint: GET " + path + " (this server serves under "
                    + PREFIX + "/; see " + PREFIX + "/api/openapi.yaml)");
        }
    }
}
