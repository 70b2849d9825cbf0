package dev.crossbar.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.app.testing.Seed;
import dev.crossbar.core.json.Json;
import dev.crossbar.store.Finding;
import dev.crossbar.txmanager.TxMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's server side over a real server and store: its files with their Content-Security-Policy, the
 * overview, the signing keys from the transaction manager's meters, findings with their runbook, the live stream
 * behind the read token, and the scripts' rule that data never goes into the page as markup. (The pages themselves
 * are tested in a real browser: ConsoleBrowserIT in the dev module.)
 */
class ConsoleRoutesTest {
    private static final String READ = "Bearer " + ApiFixture.READ_TOKEN;

    @TempDir
    static Path dir;

    static ApiFixture api;
    static TxMetrics keys;

    @BeforeAll
    static void start() throws Exception {
        // l2a is followed by a watcher in this process (head 100, cursor 90: lag 10); the others' heads are unknown.
        api = new ApiFixture(dir, true, true, id -> id == Seed.L2A ? Optional.of(new ChainProgress(100, 90))
                : Optional.empty());
        Seed.messages(api.store);
        Seed.games(api.store);
        api.store.recordGameVerdict(Seed.GAME_A1, false, "the L2 node gives another output root", "monitor");
        api.store.recordFinding(new Finding(0, "INVALID_ROOT_CLAIM", "critical", Seed.L2A, "invalid-root:" + Seed.GAME_A1,
                "game 1 claims a wrong root", Map.of("game", Seed.GAME_A1), "OPEN", 1, Instant.now(), Instant.now()));
        keys = new TxMetrics(api.metrics.registry(), "relayer");
        keys.registerKey("l2a", "0xAbC0000000000000000000000000000000000001",
                List.of("RELAY"));
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    @Test
    void theConsoleIsServedWithoutATokenAndOnlyItsOwnScriptsMayRun() throws Exception {
        ApiFixture.Response page = api.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<script type=\"module\" src=\"console/app.js\">");
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api.url() + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(raw.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleRoutes.CSP);
        assertThat(ConsoleRoutes.CSP).contains("script-src 'self'").doesNotContain("unsafe");
        for (String f : List.of("app.js", "dom.js", "pages.js")) {
            ApiFixture.Response js = api.get("/console/" + f);
            assertThat(js.status()).as(f).isEqualTo(200);
            assertThat(js.contentType()).as(f).startsWith("text/javascript");
        }
        assertThat(api.get("/console/style.css").contentType()).startsWith("text/css");
        assertThat(api.get("/console/missing.js").status()).isEqualTo(404);
        ApiFixture.Response withQuery = api.get("/?q=%3Cscript%3E&utm_source=mail");
        assertThat(withQuery.status()).as("the page is served whatever the query string").isEqualTo(200);
        assertThat(withQuery.body()).isEqualTo(page.body()).doesNotContain("%3Cscript", "<script>");
        assertThat(api.get("/console/app.js?v=2").status()).isEqualTo(200);
        assertThat(api.get("/api/status?v=2", READ).status()).as("the API's parameters are still checked")
                .isEqualTo(400);
        assertThat(api.get("/health/live?v=2").status()).isEqualTo(400);
    }

    @Test
    void theScriptsPutDataIntoThePageAsTextOnly() throws Exception {
        for (String f : List.of("app.js", "dom.js", "pages.js")) {
            String js = api.get("/console/" + f).body();
            assertThat(js).as(f).doesNotContain("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                    "eval(", "new Function");
        }
    }

    @Test
    void theOverviewHasChainsMessagesFindingsSignersAndGamesAtRisk() throws Exception {
        assertThat(api.get("/api/overview").status()).isEqualTo(401);
        JsonNode o = api.get("/api/overview", READ).json();
        assertThat(o.path("chains")).hasSize(3);
        assertThat(o.path("messages").path("RELAYED").asLong()).isPositive();
        assertThat(o.path("findings").path("open").asInt()).isEqualTo(1);
        assertThat(o.path("findings").path("bySeverity").path("CRITICAL").asInt()).isEqualTo(1);
        assertThat(o.path("gamesAtRisk")).hasSize(1);
        assertThat(o.path("gamesAtRisk").get(0).path("address").asText()).isEqualTo(Seed.GAME_A1);
        assertThat(o.path("gamesAtRisk").get(0).has("timeLeftSeconds")).isTrue();
        assertThat(o.path("signers")).hasSize(1);
        assertThat(o.path("messagesByKind").path("CROSS_ROLLUP").path("RELAYED").asLong()).isEqualTo(1);
        assertThat(o.path("messagesByKind").path("CROSS_ROLLUP").path("READY").asLong()).isEqualTo(1);
        assertThat(o.path("messagesByKind").path("DEPOSIT").path("SENT").asLong()).isEqualTo(1);
        assertThat(o.path("messagesByKind").has("WITHDRAWAL")).as("kinds with none are absent").isFalse();
    }

    @Test
    void theOverviewIsTheStatusWithSignersAndGamesAtRisk() throws Exception {
        JsonNode status = api.get("/api/status", READ).json();
        JsonNode o = api.get("/api/overview", READ).json();
        for (String field : List.of("chains", "messages", "messagesByKind", "findings")) {
            assertThat(o.path(field)).as(field).isEqualTo(status.path(field));
        }
        // What crossbar status reads is still there.
        assertThat(status.path("messages").path("SENT").asLong()).isEqualTo(1);
        assertThat(status.path("findings").path("open").asInt()).isEqualTo(1);
        assertThat(status.path("findings").path("latest").get(0).path("kind").asText()).isEqualTo("INVALID_ROOT_CLAIM");
        assertThat(status.path("findings").path("bySeverity").path("CRITICAL").asInt()).isEqualTo(1);
        assertThat(status.has("signers") || status.has("gamesAtRisk")).isFalse();
    }

    @Test
    void theHistoryHasWhatWasRelayedItsLatencyAndEachChainsLag() throws Exception {
        assertThat(api.get("/api/history").status()).isEqualTo(401);
        MetricsHistory history = api.http.history();
        history.sample().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        Counter.builder(MetricsHistory.RELAYED).tag("kind", "WITHDRAWAL").tag("result", "relayed")
                .register(api.metrics.registry()).increment(3);
        Counter.builder(MetricsHistory.RELAYED).tag("kind", "WITHDRAWAL").tag("result", "dead_lettered")
                .register(api.metrics.registry()).increment(5);
        Timer.builder(MetricsHistory.LATENCY).tag("kind", "WITHDRAWAL").tag("chain", "l1")
                .register(api.metrics.registry()).record(Duration.ofSeconds(3));
        history.sample().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

        JsonNode h = api.get("/api/history", READ).json();
        assertThat(h.path("intervalSeconds").asInt()).isEqualTo(10);
        assertThat(h.path("windowSeconds").asInt()).isEqualTo(3600);
        List<JsonNode> samples = new java.util.ArrayList<>();
        h.path("samples").forEach(samples::add);
        assertThat(samples).hasSizeGreaterThanOrEqualTo(2);
        // The periodic sampler may have taken a sample in between: what was relayed is the sum over the intervals.
        assertThat(samples.stream().mapToLong(x -> x.path("relayed").asLong()).sum()).as("relayed only")
                .isEqualTo(3);
        assertThat(samples.stream().filter(x -> !x.path("latencyMs").isNull()).map(x -> x.path("latencyMs")
                .asDouble())).containsExactly(3000.0);
        JsonNode last = samples.getLast();
        assertThat(last.path("lag").path("l2a").asLong()).isEqualTo(10);
        assertThat(last.path("lag").has("l1") && last.path("lag").path("l1").isNull()).as("unknown head").isTrue();
        assertThat(Instant.parse(last.path("at").asText())).isCloseTo(Instant.now(), within(1, ChronoUnit.MINUTES));
    }

    @Test
    void signersComeFromTheTransactionManagersMeters() throws Exception {
        JsonNode s = api.get("/api/signers", READ).json();
        assertThat(s).hasSize(1);
        assertThat(s.get(0).path("component").asText()).isEqualTo("relayer");
        assertThat(s.get(0).path("chain").asText()).isEqualTo("l2a");
        assertThat(s.get(0).path("address").asText()).isEqualTo("0xabc0000000000000000000000000000000000001");
        assertThat(s.get(0).has("nonce") && s.get(0).has("pending") && s.get(0).has("balanceGwei")).isTrue();
        keys.balance("l2a", "0xabc0000000000000000000000000000000000001",
                BigInteger.valueOf(2_000_000_000_000_000_000L));
        assertThat(api.get("/api/signers", READ).json().get(0).path("balanceGwei").asLong()).isEqualTo(2_000_000_000L);
    }

    @Test
    void findingsCarryTheirRunbook() throws Exception {
        JsonNode f = api.get("/api/findings", READ).json().get(0);
        assertThat(f.path("kind").asText()).isEqualTo("INVALID_ROOT_CLAIM");
        assertThat(f.path("runbook").asText()).contains("An honest challenger must counter it");
        assertThat(f.path("misbehaviour").asBoolean()).isFalse();
    }

    @Test
    void theLiveStreamNeedsTheTokenAndSendsTheOverview() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThat(api.get("/api/events").status()).isEqualTo(401);
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/events"))
                .header("Authorization", READ).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String data = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (line.startsWith("data: ")) {
                            return line.substring(6);
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
            JsonNode o = Json.MAPPER.readTree(data);
            assertThat(o.path("chains")).hasSize(3);
            assertThat(o.path("gamesAtRisk")).hasSize(1);
        }
    }
}
