package dev.crossbar.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.ExitCodes;
import dev.crossbar.app.config.Config;
import dev.crossbar.core.json.Json;
import dev.crossbar.app.DevConfigFile;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.kafka.embedded.KafkaFixture;
import dev.crossbar.testkit.SecretScan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crossbar all --config FILE} as an operator runs it: the packaged launcher against a real devnet (with
 * its operator executing deposits) and a real Kafka broker, configured by a file plus environment overrides, with
 * JSON logs, the read API behind a token. A deposit is watched until RELAYED; the API, the metrics and
 * {@code crossbar messages show} report it; Ctrl-C stops the process cleanly. Then nothing it showed holds a key
 * or a token: its logs, /metrics, every API answer, every record on its Kafka topics, every row of its store.
 */
class ServiceCommandIT {
    static final String TOKEN = "it-admin-token";
    static final String READ_TOKEN = "it-read-token-0123";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /**
     * Each output stream is drained on a thread of its own: on two cores the common pool has one thread, and a
     * stream nobody reads fills its pipe and blocks the service's logging.
     */
    static final java.util.concurrent.Executor OWN_THREAD = r -> Thread.ofPlatform().daemon().start(r);

    /** The service launcher as the image carries it (app's jar, without the dev commands). */
    static final Path SERVICE_JAR = Path.of("..", "app", "target", "crossbar.jar").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void allRunsFromAConfigFileWatchesADepositUntilRelayedAndStopsOnCtrlC() throws Exception {
        String bootstrap = KafkaFixture.bootstrapServers();
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
                DevnetOperator operator = DevnetOperator.running(devnet, Duration.ofMillis(300), Duration.ofSeconds(2))) {
            Path file = dir.resolve("crossbar.yaml");
            Files.writeString(file, DevConfigFile.render(devnet.manifest(), dir.resolve("data"),
                    new DevConfigFile.Options(null, null, null)));
            int port = freePort();
            String url = "http://127.0.0.1:" + port;

            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", SERVICE_JAR.toString(), "all", "--config", file.toString());
            Map<String, String> env = pb.environment();
            env.put("CROSSBAR_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
            env.put("CROSSBAR_KAFKA_TOPICS_PREFIX", KafkaFixture.uniqueTopic("service-it"));
            env.put("CROSSBAR_HTTP_ADDRESS", "127.0.0.1:" + port);
            env.put("CROSSBAR_HTTP_ADMIN_TOKEN", "env:IT_ADMIN_TOKEN");
            env.put("IT_ADMIN_TOKEN", TOKEN);
            env.put("CROSSBAR_HTTP_READ_TOKEN_ENV", "IT_READ_TOKEN");
            env.put("IT_READ_TOKEN", READ_TOKEN);
            String topicPrefix = env.get("CROSSBAR_KAFKA_TOPICS_PREFIX");
            env.put("CROSSBAR_LOG_FORMAT", "json");
            Process p = pb.start();
            List<String> out = new CopyOnWriteArrayList<>();
            List<String> err = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> outReader = CompletableFuture.runAsync(() -> read(p.getInputStream(), out),
                    OWN_THREAD);
            CompletableFuture<Void> errReader = CompletableFuture.runAsync(() -> read(p.getErrorStream(), err),
                    OWN_THREAD);
            try {
                try {
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                        assertThat(p.isAlive()).as("crossbar exited early:\n%s\n%s", out, err).isTrue();
                        return get(url + "/health/ready").statusCode() == 200;
                    });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("crossbar was not ready within 90s; its output:\n" + String.join("\n",
                            out) + "\n" + String.join("\n", err), e);
                }
                assertThat(out).anyMatch(l -> l.startsWith("crossbar running: watcher, relayer") && l.contains("http " + url));

                new DemoTraffic(devnet, DevKeys.USER.credentials()).deposit(0, "hello from the service IT",
                        BigInteger.ZERO);
                JsonNode[] relayed = new JsonNode[1];
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    relayed[0] = Json.MAPPER.readTree(get(url + "/api/messages?state=RELAYED&kind=DEPOSIT").body());
                    return !relayed[0].isEmpty();
                });
                String id = relayed[0].get(0).path("id").asText();

                CommandLineRun show = CommandLineRun.of(Map.of("CROSSBAR_READ_TOKEN", READ_TOKEN), "messages", "show", id,
                        "--url", url);
                assertThat(show.exitCode).as(show.out).isEqualTo(ExitCodes.OK);
                assertThat(show.out).contains("message " + id, "state      RELAYED").containsPattern(
                        "\\(new\\) -> SENT +sent on chain 900").containsPattern("SENT -> RELAYED +.* on chain 901");

                JsonNode chains = Json.MAPPER.readTree(get(url + "/api/chains").body());
                assertThat(chains).hasSize(3).allSatisfy(c -> {
                    assertThat(c.path("source").asText()).isEqualTo("watcher");
                    assertThat(c.path("cursor").asLong()).isPositive();
                });
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    String metrics = get(url + "/metrics").body();
                    assertThat(metrics).contains("crossbar_watcher_events_total{chain=\"l1\"}",
                            "crossbar_watcher_lag_blocks{chain=\"l2a\"}", "crossbar_messages{state=\"RELAYED\"} 1.0",
                            "crossbar_jvm_memory_used_bytes");
                    assertThat(metrics).containsPattern("crossbar_outbox_published_total [1-9]");
                    // What operators need (issue 6), present in a live scrape: events and set-aside logs per chain,
                    // cursor lag, messages per state, relay latency, transactions sent/replaced/failed per key, and
                    // signer balance, Kafka consumer lag, findings by kind and severity, and the time left in the
                    // nearest open challenge window (NaN while no output is at risk).
                    assertThat(metrics).contains("crossbar_watcher_set_aside_total{chain=\"l2a\"}",
                            "crossbar_relay_latency_seconds_bucket{chain=\"l1\",kind=\"WITHDRAWAL\"",
                            "crossbar_txmanager_transactions_sent_total{chain=\"l1\",component=\"relayer\",purpose=\"FINALIZE\"",
                            "crossbar_txmanager_transactions_replaced_total{chain=\"l2a\",component=\"relayer\",purpose=\"RELAY\"",
                            "crossbar_txmanager_transactions_failed_total{chain=\"l2b\",component=\"relayer\",purpose=\"RELAY\"",
                            "crossbar_txmanager_signer_balance_gwei{chain=\"l1\"",
                            "crossbar_txmanager_signer_nonce{chain=\"l1\"",
                            "crossbar_kafka_consumer_lag{component=\"relayer\"",
                            "crossbar_monitor_findings_total{kind=\"BAD_OUTPUT\",severity=\"critical\"} 0.0",
                            "crossbar_monitor_findings_open{severity=\"critical\"} 0.0",
                            "crossbar_monitor_challenge_window_seconds_left{chain=\"l2a\"}");
                });
                HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(
                        URI.create(url + "/api/breakers/l2a/trip")).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(401);
                HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/messages"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(noToken.statusCode()).as("the read API needs its token").isEqualTo(401);
                HttpResponse<String> openMetrics = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(openMetrics.statusCode()).as("/metrics needs none (Prometheus)").isEqualTo(200);

                SecretScan scan = secretScan();
                scan.scan("metrics", "/metrics", openMetrics.body());
                for (String path : apiPaths(url, id)) {
                    if (path.equals(EVENTS)) {
                        scan.scan("api", "GET " + path + " (its first event)", firstEvent(url + path));
                        continue;
                    }
                    HttpResponse<String> r = get(url + path);
                    assertThat(r.statusCode()).as(path).isBetween(200, 404);
                    scan.scan("api", "GET " + path, r.body());
                }

                new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("crossbar stops on Ctrl-C").isTrue();
                outReader.get(10, TimeUnit.SECONDS);
                errReader.get(10, TimeUnit.SECONDS);
                assertThat(p.exitValue()).as("exit code of a clean stop on Ctrl-C:\n%s", err)
                        .isEqualTo(ExitCodes.INTERRUPTED);
                assertThat(err).as("every role runs, the monitor too").anyMatch(l -> l.contains("monitor started"));
                List<String> logLines = err.stream().filter(l -> !l.startsWith("crossbar: ")).toList();
                assertThat(logLines).as("log lines, one JSON object each").hasSizeGreaterThan(10).allSatisfy(l ->
                        assertThat(Json.MAPPER.readTree(l).path("level").asText()).as(l).isNotEmpty());
                assertThat(err).anyMatch(l -> l.contains("service stopped: service=http"))
                        .anyMatch(l -> l.contains("crossbar stopped"));
                assertThat(String.join("\n", err)).doesNotContain(TOKEN);

                for (int i = 0; i < out.size(); i++) {
                    scan.scan("log", "stdout line " + (i + 1), out.get(i));
                }
                for (int i = 0; i < err.size(); i++) {
                    scan.scan("log", "stderr line " + (i + 1), err.get(i));
                }
                scanKafka(scan, bootstrap, topicPrefix);
                scanStore(scan, dir.resolve("data").resolve("store.db"));
                assertThat(scan.scanned()).as("what the scan saw").containsKeys("log", "metrics", "api", "kafka",
                        "store");
                assertThat(scan.scanned().get("api")).isGreaterThanOrEqualTo(10);
                assertThat(scan.scanned().get("kafka")).as("Kafka records").isPositive();
                assertThat(scan.scanned().get("store")).as("store rows").isGreaterThan(10);
                assertThat(scan.findings()).as("keys or tokens in what the service showed (scanned: %s)",
                        scan.scanned()).isEmpty();
            } finally {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    /** Every private key of the devnet (the service holds some of them) and both tokens; checked to find them. */
    private static SecretScan secretScan() {
        SecretScan scan = new SecretScan().token("the admin token", TOKEN).token("the read token", READ_TOKEN);
        for (DevKeys k : DevKeys.all()) {
            scan.privateKey(k.roleName() + " key", k.credentials().getEcKeyPair().getPrivateKey());
        }
        SecretScan probe = new SecretScan();
        BigInteger relayer = DevKeys.RELAYER.credentials().getEcKeyPair().getPrivateKey();
        probe.privateKey("relayer key", relayer);
        probe.token("the read token", READ_TOKEN);
        probe.scan("probe", "upper case with 0X", "{\"k\":\"0X" + String.format("%064X", relayer) + "\"}");
        probe.scan("probe", "base64", java.util.Base64.getEncoder().encodeToString(
                org.web3j.utils.Numeric.toBytesPadded(relayer, 32)));
        probe.scan("probe", "token", "Bearer " + READ_TOKEN.toUpperCase());
        assertThat(probe.findings()).as("the scan finds what it looks for").containsExactly(
                "upper case with 0X: relayer key", "base64: relayer key (base64)", "token: the read token");
        return scan;
    }

    /** Every GET the OpenAPI document describes, with this message's id and game index 0 for the path's holes. */
    private static List<String> apiPaths(String url, String messageId) throws Exception {
        JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(get(url + "/api/openapi.yaml").body());
        List<String> paths = new java.util.ArrayList<>();
        doc.path("paths").properties().forEach(p -> {
            if (p.getValue().has("get")) {
                paths.add(p.getKey().replace("{id}", messageId).replace("{ref}", "0"));
            }
        });
        assertThat(paths).allMatch(p -> !p.contains("{"), "every path parameter is filled in");
        return paths;
    }

    /** Every record of the service's topics, from the beginning: key, value (as text and as hex) and headers. */
    private static void scanKafka(SecretScan scan, String bootstrap, String prefix) {
        var clients = new dev.crossbar.messaging.KafkaClients(dev.crossbar.messaging.KafkaClientConfig.of(bootstrap,
                "secret-scan"));
        try (var consumer = clients.bytesConsumer("secret-scan-" + prefix)) {
            List<org.apache.kafka.common.TopicPartition> partitions = new java.util.ArrayList<>();
            consumer.listTopics(Duration.ofSeconds(10)).forEach((topic, infos) -> {
                if (topic.startsWith(prefix)) {
                    infos.forEach(i -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, i.partition())));
                }
            });
            assertThat(partitions).as("the service's topics (%s...)", prefix).isNotEmpty();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("read every record within 30s").isLessThan(deadline);
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    String where = "kafka " + r.topic() + "-" + r.partition() + "@" + r.offset();
                    StringBuilder text = new StringBuilder(String.valueOf(r.key())).append('\n');
                    if (r.value() != null) {
                        text.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n')
                                .append(java.util.HexFormat.of().formatHex(r.value())).append('\n');
                    }
                    for (var h : r.headers()) {
                        text.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8))
                                .append(java.util.HexFormat.of().formatHex(h.value())).append('\n');
                    }
                    scan.scan("kafka", where, text.toString());
                }
            }
        }
    }

    /** Every row of every table of the service's SQLite store, each column as text (a blob as text and hex). */
    private static void scanStore(SecretScan scan, Path db) throws Exception {
        assertThat(db).exists();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db)) {
            List<String> tables = new java.util.ArrayList<>();
            try (var rs = c.createStatement().executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (var rs = c.createStatement().executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    for (int row = 1; rs.next(); row++) {
                        StringBuilder text = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            Object v = rs.getObject(i);
                            text.append(v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) + " "
                                    + java.util.HexFormat.of().formatHex(b) : String.valueOf(v)).append('\t');
                        }
                        scan.scan("store", "store " + table + " row " + row, text.toString());
                    }
                }
            }
        }
    }

    /** The console's live stream (server-sent events): it never ends, so only its first event is read. */
    private static final String EVENTS = "/api/events";

    /** The first event of a server-sent-events stream, read with the read token; the stream is then closed. */
    private static String firstEvent(String url) throws Exception {
        HttpResponse<java.io.InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + READ_TOKEN).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        StringBuilder event = new StringBuilder();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                event.append(line).append('\n');
                if (line.isEmpty() && event.toString().contains("data:")) {
                    break;
                }
            }
        }
        assertThat(event.toString()).as("the stream's first event").contains("data:");
        return event.toString();
    }

    /** A GET with the read token. */
    private static HttpResponse<String> get(String url) throws Exception {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + READ_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Unanswered(url);
        }
    }

    private static void read(InputStream in, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("<read failed: " + e + ">");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The CLI as an operator runs it: the service's jar in a process of its own, with this environment added. */
    record CommandLineRun(int exitCode, String out) {
        static CommandLineRun of(Map<String, String> env, String... args) throws Exception {
            List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                    "java").toString(), "-jar", SERVICE_JAR.toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            try {
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("crossbar %s ends", List.of(args)).isTrue();
                return new CommandLineRun(p.exitValue(), out);
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /** No answer (the service is not listening yet). */
    private record Unanswered(String url) implements HttpResponse<String> {
        @Override
        public int statusCode() {
            return -1;
        }

        @Override
        public HttpRequest request() {
            return HttpRequest.newBuilder(URI.create(url)).build();
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
        }

        @Override
        public String body() {
            return "";
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        @Override
        public URI uri() {
            return URI.create(url);
        }

        @Override
        public HttpClient.Version version() {
            return HttpClient.Version.HTTP_1_1;
        }
    }
}
