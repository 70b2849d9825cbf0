package dev.crossbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.app.DevConfigFile;
import dev.crossbar.app.config.ChainEntries;
import dev.crossbar.app.config.ConfigLoader;
import dev.crossbar.app.config.LoadedConfig;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.kafka.embedded.KafkaFixture;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules and code cannot drift apart: the chart is rendered with the alert rules and the dashboard on, the image's
 * services run as the chart's pods would (the image's root file system, the Deployments' args, environment,
 * ConfigMap and Secret volumes, user and read-only root; see {@link Pod}) against a devnet, a Kafka broker and
 * PostgreSQL, traffic flows (deposit, withdrawal, fast cross-rollup messages both ways, a wrong output root for
 * the monitor), and every metric an alert rule or a dashboard panel reads must then be in some pod's /metrics,
 * with the labels the expressions select and group by. The one deviation from a pod: all three share the host's
 * network here, so each gets its own port through CROSSBAR_HTTP_ADDRESS.
 */
class LiveMetricsIT {
    static final String JDBC_URL = System.getProperty("crossbar.test.jdbcUrl", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String DB_USER = System.getProperty("crossbar.test.dbUser", "postgres");
    static final Duration METRICS_WAIT = Duration.ofSeconds(180);
    /** The Ingress's path: the chart makes it every pod's {@code http.pathPrefix}. */
    static final String PREFIX = "/ops/crossbar";
    /** Gauges that are NaN while there is nothing to measure (no output or game at risk). */
    static final Set<String> NAN_WHEN_IDLE = Set.of("crossbar_monitor_challenge_window_seconds_left",
            "crossbar_monitor_game_clock_left_seconds");
    /**
     * The monitor's dispute-game gauges: exported only for L2s that settle through dispute games, which this test's
     * devnet (output oracles) has none of. Not exported here is no problem; MetricsCheckTest checks them against
     * what the monitor's meters export through the application's registry.
     */
    static final Set<String> DISPUTE_GAMES_ONLY = Set.of("crossbar_monitor_games", "crossbar_monitor_game_claims",
            "crossbar_monitor_game_clock_left_seconds", "crossbar_monitor_game_bonds_wei");

    @TempDir
    Path dir;

    /** The read API's token, from the Secret the chart creates. */
    String apiToken;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyMetricTheAlertRulesAndTheDashboardUseIsExportedByTheRunningServices() throws Exception {
        String schema = "deploy_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        assertPostgresReachable();
        String bootstrap = KafkaFixture.bootstrapServers();
        Path rootfs = Image.rootfs();
        Map<String, Map<String, byte[]>> secrets = new TreeMap<>();
        List<Pod> pods = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
                DevnetOperator operator = DevnetOperator.running(devnet, Duration.ofMillis(300), Duration.ofSeconds(2))) {
            Path values = dir.resolve("values.yaml");
            Rendered.YAML.writeValue(values.toFile(), values(devnet, bootstrap, schema, secrets));
            Rendered chart = Helm.template("it", "crossbar-it", List.of(values));
            // The Secret the chart creates itself (the read API's token), as the cluster would hold it.
            for (JsonNode secret : chart.ofKind("Secret")) {
                Map<String, byte[]> data = new TreeMap<>();
                secret.path("data").properties().forEach(e -> data.put(e.getKey(),
                        java.util.Base64.getDecoder().decode(e.getValue().asText())));
                secrets.put(secret.path("metadata").path("name").asText(), data);
            }
            for (JsonNode e : chart.container("watcher").path("env")) {
                if (e.path("name").asText().equals("CROSSBAR_READ_TOKEN")) {
                    JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                    apiToken = new String(secretValue(secrets, ref.path("name").asText(), ref.path("key").asText()));
                }
            }
            assertThat(apiToken).as("the chart puts the read API behind a token by default").isNotNull();
            List<Rendered.Expression> used = chart.expressions();
            assertThat(used).as("the rules and the dashboard are rendered").hasSizeGreaterThan(30);

            Path logs = Repo.target().resolve("live-metrics-it");
            Pod.deleteTree(logs);
            for (String role : List.of("watcher", "relayer", "monitor")) {
                int port = freePort();
                ports.put(role, port);
                pods.add(startPod(chart, role, rootfs, secrets, port, logs));
            }
            long t0 = System.nanoTime();
            awaitReady(pods, ports);
            log("pods ready", t0);
            // Something for the monitor to find: its findings' meters then carry their labels.
            operator.misbehave(Misbehaviour.WRONG_OUTPUT, "l2a", null);

            DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
            traffic.deposit(0, "deploy IT deposit", BigInteger.ZERO);
            traffic.withdrawal(0, "deploy IT withdrawal", BigInteger.ZERO);
            traffic.crossRollup(0, 1, "deploy IT l2a to l2b");
            traffic.crossRollup(1, 0, "deploy IT l2b to l2a");
            awaitRelayed(ports.get("watcher"), "CROSS_ROLLUP", pods);
            log("a cross-rollup message relayed", t0);
            consoleBehindTheIngress(chart, ports.get("relayer"));

            Map<String, Map<String, Set<String>>> scrapes = new LinkedHashMap<>();
            Map<String, Set<String>> valued = new LinkedHashMap<>();
            List<String> problems = List.of();
            long deadline = System.nanoTime() + METRICS_WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var e : ports.entrySet()) {
                    String body = get("http://127.0.0.1:" + e.getValue() + PREFIX + "/metrics");
                    if (body != null) {
                        scrapes.put(e.getKey(), Metrics.exported(body));
                        valued.put(e.getKey(), Metrics.withValues(body));
                    }
                }
                Set<String> withValues = new TreeSet<>();
                valued.values().forEach(withValues::addAll);
                problems = check(used, Metrics.union(List.copyOf(scrapes.values())), withValues);
                if (problems.isEmpty()) {
                    break;
                }
                Thread.sleep(2000);
            }
            log("metrics checked", t0);
            assertThat(problems).as("metrics the alert rules and the dashboard use but the services do not export"
                    + " (after %ss of traffic; scraped: %s)%s", METRICS_WAIT.toSeconds(), scrapes.keySet(),
                    podReport(pods)).isEmpty();
            for (Pod p : pods) {
                assertThat(p.alive()).as("%s still runs%s", p.name, podReport(pods)).isTrue();
                // JSON logs (log.format json): one object per line, nothing else on stderr.
                assertThat(p.logText().lines().filter(l -> !l.isBlank() && !l.startsWith("crossbar: ")))
                        .as("%s's log lines", p.name).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
            }
        } finally {
            pods.forEach(Pod::close);
            dropSchema(schema);
        }
    }

    /** Values for this run: the devnet's chains, the test's Kafka and PostgreSQL, the devnet keys as Secrets. */
    static ObjectNode values(Devnet devnet, String bootstrap, String schema, Map<String, Map<String, byte[]>> secrets)
            throws IOException {
        LoadedConfig loaded = ConfigLoader.parse(DevConfigFile.render(devnet.manifest(),
                devnet.config().dataDir().resolve("service"), new DevConfigFile.Options(bootstrap, null, null)),
                "devnet", Map.of());
        // The key file references; no address is read from this YAML (a YAML 1.1 parser takes 0x... for a number).
        JsonNode dev = Rendered.parseYaml(loaded.effectiveYaml());
        ObjectNode v = Rendered.object();
        v.putObject("image").put("repository", "crossbar").put("tag", System.getProperty("project.version",
                "0.1.0-SNAPSHOT"));
        ArrayNode chains = v.putArray("chains");
        for (ChainConfig c : loaded.config().chains()) {
            ObjectNode o = chains.addObject().put("name", c.name()).put("chainId", c.chainId())
                    .put("role", c.role().name()).put("pollInterval", c.pollInterval().toMillis() + "ms");
            String confirmations = c.confirmations().toString();
            if (confirmations.matches("\\d+")) {
                o.put("confirmations", Integer.parseInt(confirmations));
            } else {
                o.put("confirmations", confirmations);
            }
            c.rpc().forEach(u -> o.withArray("rpc").add(u.toString()));
            c.ws().forEach(u -> o.withArray("ws").add(u.toString()));
            for (Settlement st : c.settlements()) {
                o.withArray("settlements").addPOJO(ChainEntries.settlement(st));
            }
            if (c.settlesOn() != null) {
                o.put("settlesOn", c.settlesOn());
                o.putPOJO("contracts", ChainEntries.contracts(c.l2Contracts()));
            }
        }
        ObjectNode kafka = v.putObject("kafka");
        kafka.put("bootstrapServers", bootstrap);
        kafka.putObject("topics").put("prefix", KafkaFixture.uniqueTopic("deploy-it")).put("replicationFactor", 1);
        ObjectNode pg = v.putObject("postgres");
        pg.put("jdbcUrl", JDBC_URL).put("user", DB_USER).putNull("password");
        pg.put("schema", schema);
        secrets.put("crossbar-admin", Map.of("token", "deploy-it-admin-token".getBytes()));
        v.putObject("http").putObject("adminToken").put("secretName", "crossbar-admin").put("key", "token");

        ObjectNode relayer = v.putObject("relayer");
        relayer.put("replicas", 1).put("consumerGroup", "deploy-it-" + UUID.randomUUID().toString().substring(0, 8));
        relayer.put("signerSlots", dev.path("relayer").path("signerSlots").asInt(1));
        ArrayNode signers = relayer.putArray("signers");
        Map<String, byte[]> keys = new TreeMap<>();
        for (JsonNode s : dev.path("relayer").path("signers")) {
            ObjectNode out = signers.addObject().put("chainId", s.path("chainId").asLong());
            ArrayNode outKeys = out.putArray("keys");
            int j = 0;
            for (JsonNode k : s.path("keys")) {
                String name = "relayer-" + s.path("chainId").asLong() + "-" + j++;
                keys.put(name, Files.readAllBytes(Path.of(k.path("file").asText())));
                outKeys.addObject().put("secretName", "devnet-keys").put("key", name);
            }
        }
        ObjectNode monitor = v.putObject("monitor");
        monitor.put("consumerGroup", "deploy-it-monitor-" + UUID.randomUUID().toString().substring(0, 8));
        for (String role : List.of("challengerKey", "guardianKey", "reclaimerKey")) {
            String file = dev.path("monitor").path(role).path("file").asText(null);
            if (file != null) {
                keys.put(role, Files.readAllBytes(Path.of(file)));
                monitor.putObject(role).put("secretName", "devnet-keys").put("key", role);
            }
        }
        secrets.put("devnet-keys", keys);
        // Behind the chart's Ingress at a path prefix: every pod serves under it (the relayer's console included).
        v.putObject("ingress").put("enabled", true).put("path", PREFIX);
        ObjectNode metrics = v.putObject("metrics");
        metrics.putObject("serviceMonitor").put("enabled", true);
        metrics.putObject("prometheusRule").put("enabled", true);
        metrics.putObject("dashboard").put("enabled", true);
        return v;
    }

    /** Starts a role's container as the chart's Deployment describes it. */
    static Pod startPod(Rendered chart, String role, Path rootfs, Map<String, Map<String, byte[]>> secrets, int port,
            Path logs) throws IOException {
        JsonNode deployment = chart.deployment(role);
        JsonNode spec = deployment.path("spec").path("template").path("spec");
        JsonNode c = chart.container(role);
        JsonNode image = Image.archive().containerConfig();
        Path podDir = Files.createDirectories(logs.resolve(role + "-volumes"));

        // Volumes: the ConfigMap and the projected Secrets as files; emptyDirs.
        Map<String, Path> volumes = new LinkedHashMap<>();
        List<String> emptyDirs = new ArrayList<>();
        Map<String, String> emptyByName = new LinkedHashMap<>();
        int fsGroup = spec.path("securityContext").path("fsGroup").asInt();
        for (JsonNode vol : spec.path("volumes")) {
            String name = vol.path("name").asText();
            Path d = Files.createDirectories(podDir.resolve(name));
            if (vol.has("configMap")) {
                JsonNode cm = chart.get("ConfigMap", "-config");
                assertThat(cm.path("metadata").path("name").asText()).isEqualTo(vol.path("configMap").path("name").asText());
                for (var f : (Iterable<Map.Entry<String, JsonNode>>) cm.path("data")::fields) {
                    Files.writeString(d.resolve(f.getKey()), f.getValue().asText());
                }
                volumes.put(name, d);
            } else if (vol.has("projected")) {
                int mode = vol.path("projected").path("defaultMode").asInt(0644);
                for (JsonNode src : vol.path("projected").path("sources")) {
                    String secret = src.path("secret").path("name").asText();
                    for (JsonNode item : src.path("secret").path("items")) {
                        byte[] value = secretValue(secrets, secret, item.path("key").asText());
                        Path f = d.resolve(item.path("path").asText());
                        Files.createDirectories(f.getParent());
                        Files.write(f, value);
                        secretFileOwnership(f, mode, fsGroup);
                    }
                }
                volumes.put(name, d);
            } else if (vol.has("emptyDir")) {
                emptyByName.put(name, "");
            }
        }
        List<Pod.Mount> mounts = new ArrayList<>();
        for (JsonNode m : c.path("volumeMounts")) {
            String name = m.path("name").asText();
            if (emptyByName.containsKey(name)) {
                emptyDirs.add(m.path("mountPath").asText());
            } else {
                mounts.add(new Pod.Mount(m.path("mountPath").asText(), volumes.get(name), m.path("readOnly").asBoolean()));
            }
        }
        // Environment: the image's, then the container's (values and secretKeyRefs), then what the kubelet adds.
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : image.path("Env")) {
            String[] kv = e.asText().split("=", 2);
            env.put(kv[0], kv[1]);
        }
        for (JsonNode e : c.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            } else {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                assertThat(ref.isMissingNode()).as("env %s of %s", e.path("name").asText(), role).isFalse();
                env.put(e.path("name").asText(), new String(secretValue(secrets, ref.path("name").asText(),
                        ref.path("key").asText())));
            }
        }
        String podName = deployment.path("metadata").path("name").asText() + "-0";
        env.put("HOSTNAME", podName);
        env.put("CROSSBAR_HTTP_ADDRESS", "127.0.0.1:" + port); // the shared network: a port per pod
        assertThat(spec.path("enableServiceLinks").asBoolean(true)).isFalse();

        List<String> command = new ArrayList<>(ChartRenderTest.list(image.path("Entrypoint")));
        command.addAll(ChartRenderTest.list(c.path("args")));
        String[] user = image.path("User").asText().split(":");
        int uid = spec.path("securityContext").path("runAsUser").asInt(Integer.parseInt(user[0]));
        int gid = spec.path("securityContext").path("runAsGroup").asInt(Integer.parseInt(user[1]));
        if (!Pod.isolationAvailable(rootfs)) {
            // Host mode: the configuration's container paths become this machine's.
            Path config = volumes.get("config").resolve("crossbar.yaml");
            String text = Files.readString(config);
            for (Pod.Mount m : mounts) {
                text = text.replace(m.containerPath() + "/", m.hostPath() + "/");
            }
            Files.writeString(config, text);
        }
        return Pod.start(role, rootfs, command, env, image.path("WorkingDir").asText("/"), uid, gid, mounts, emptyDirs,
                logs);
    }

    static byte[] secretValue(Map<String, Map<String, byte[]>> secrets, String name, String key) {
        Map<String, byte[]> s = secrets.get(name);
        assertThat(s).as("Secret %s (the test's stand-in for it)", name).isNotNull();
        byte[] v = s.get(key);
        assertThat(v).as("key %s of Secret %s", key, name).isNotNull();
        return v;
    }

    /** As the kubelet projects a Secret: the pod's group (fsGroup) owns it, with the volume's mode. */
    static void secretFileOwnership(Path f, int mode, int fsGroup) throws IOException {
        if (Pod.isolationAvailable(Image.rootfs()) && fsGroup > 0) {
            try {
                Files.setAttribute(f, "unix:gid", fsGroup);
            } catch (UnsupportedOperationException | IOException e) {
                // not root after all: the owner reads it
            }
        }
        StringBuilder p = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            p.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        if (!Pod.isolationAvailable(Image.rootfs())) {
            p.replace(0, 1, "r"); // host mode runs as the file's owner
        }
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(p.toString()));
    }

    /**
     * Waits until every pod answers /health/ready (the readiness probe). A pod that exits first is started again,
     * up to three times, as the kubelet would; the test reports it (a pod needing a restart is worth knowing).
     */
    void awaitReady(List<Pod> pods, Map<String, Integer> ports) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        Set<String> ready = new TreeSet<>();
        while (System.nanoTime() < deadline && ready.size() < pods.size()) {
            for (Pod p : pods) {
                if (ready.contains(p.name)) {
                    continue;
                }
                if (status("http://127.0.0.1:" + ports.get(p.name) + PREFIX + "/health/ready") == 200) {
                    ready.add(p.name);
                } else if (!p.alive() && p.restarts() < 3) {
                    System.out.printf("live metrics IT: pod %s exited with %s before it was ready, restarting it:%n%s%n",
                            p.name, p.exitCode(), p.tail(3));
                    p.restart();
                }
            }
            Thread.sleep(500);
        }
        assertThat(ready).as("pods ready (startup and readiness probes: /health/live, /health/ready)%s",
                podReport(pods)).containsExactlyInAnyOrder("watcher", "relayer", "monitor");
    }

    void awaitRelayed(int watcherPort, String kind, List<Pod> pods) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String body = get("http://127.0.0.1:" + watcherPort + PREFIX + "/api/messages?state=RELAYED&kind=" + kind);
            if (body != null && Rendered.parseJson(body).size() > 0) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no " + kind + " message was relayed in 120s" + podReport(pods));
    }

    /** What is wrong with the exported metrics for these expressions: missing names, missing labels. */
    static List<String> check(List<Rendered.Expression> used, Map<String, Set<String>> exported,
            Set<String> withValues) {
        Map<String, Set<String>> usedBy = new TreeMap<>();
        Map<String, Set<String>> labels = new TreeMap<>();
        for (Rendered.Expression e : used) {
            for (String n : Metrics.namesIn(e.expr())) {
                if (!Metrics.PROMETHEUS_SERIES.contains(n)) {
                    usedBy.computeIfAbsent(n, k -> new TreeSet<>()).add(e.usedBy());
                }
            }
            Metrics.selectorLabels(e.expr()).forEach((n, l) -> labels.computeIfAbsent(n, k -> new TreeSet<>()).addAll(l));
            Metrics.groupingLabels(e.expr()).forEach((n, l) -> labels.computeIfAbsent(n, k -> new TreeSet<>()).addAll(l));
        }
        List<String> problems = new ArrayList<>();
        usedBy.forEach((name, where) -> {
            List<String> series = Metrics.seriesFor(name, exported);
            if (series.isEmpty()) {
                if (!DISPUTE_GAMES_ONLY.contains(name)) {
                    problems.add(name + " is not exported (used by " + String.join(", ", where) + ")");
                }
                return;
            }
            if (!NAN_WHEN_IDLE.contains(name) && series.stream().noneMatch(withValues::contains)) {
                problems.add(name + " is exported only as NaN (used by " + String.join(", ", where) + ")");
            }
            Set<String> have = new TreeSet<>();
            series.forEach(s -> have.addAll(exported.get(s)));
            Set<String> want = new TreeSet<>(labels.getOrDefault(name, Set.of()));
            want.removeAll(Metrics.TARGET_LABELS);
            if (name.endsWith("_bucket")) {
                want.remove("le");
                have.add("le");
            }
            want.removeAll(have);
            if (!want.isEmpty()) {
                problems.add(name + " lacks the labels " + want + " (has " + have + "; used by " + String.join(", ",
                        where) + ")");
            }
        });
        return problems;
    }

    /**
     * The operator console as an operator reaches it through the chart's Ingress: the Ingress routes the prefix to the
     * relayer's Service, and the relayer's pod (the image's launcher, the chart's config) serves the console's page
     * and scripts under the prefix with their Content-Security-Policy, redirects the bare prefix to it, and answers
     * the console's own reads with the read token.
     */
    void consoleBehindTheIngress(Rendered chart, int relayerPort) throws Exception {
        List<JsonNode> ingresses = chart.ofKind("Ingress");
        assertThat(ingresses).hasSize(1);
        JsonNode path = ingresses.getFirst().path("spec").path("rules").get(0).path("http").path("paths").get(0);
        assertThat(path.path("path").asText()).isEqualTo(PREFIX);
        assertThat(path.path("backend").path("service").path("name").asText()).endsWith("relayer");
        String base = "http://127.0.0.1:" + relayerPort + PREFIX;
        HttpResponse<String> bare = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.headers().firstValue("Location")).hasValue("crossbar/");
        for (String file : List.of("/", "/console/app.js", "/console/pages.js", "/console/style.css")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + file)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(file).hasValueSatisfying(
                    csp -> assertThat(csp).contains("script-src 'self'"));
            if (file.equals("/")) {
                assertThat(r.body()).contains("<script type=\"module\" src=\"console/app.js\"");
            }
        }
        assertThat(status(base + "/api/overview")).as("the console's reads need the read token").isEqualTo(401);
        String overview = get(base + "/api/overview");
        assertThat(overview).as("the overview with the read token").isNotNull();
        assertThat(Rendered.JSON.readTree(overview).path("chains").size()).isEqualTo(3);
        assertThat(status("http://127.0.0.1:" + relayerPort + "/console/app.js")).as("outside the prefix")
                .isEqualTo(404);
    }

    static void log(String what, long t0) {
        System.out.printf("live metrics IT: %s after %ds%n", what, (System.nanoTime() - t0) / 1_000_000_000L);
    }

    static String podReport(List<Pod> pods) {
        StringBuilder b = new StringBuilder();
        for (Pod p : pods) {
            b.append("\n--- pod ").append(p.name).append(p.isolated ? " (isolated)" : " (host mode)").append(": ")
                    .append(p.alive() ? "running" : "exited with " + p.exitCode())
                    .append(p.restarts() > 0 ? " (restarted " + p.restarts() + "x)" : "").append("; last log lines:\n")
                    .append(p.tail(15));
        }
        return b.toString();
    }

    /** A GET with the read token (the chart's pods need it for /api/), null unless it answers 200. */
    String get(String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + apiToken).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void assertPostgresReachable() {
        try (Connection c = DriverManager.getConnection(JDBC_URL, DB_USER, null)) {
            assertThat(c.isValid(5)).isTrue();
        } catch (Exception e) {
            throw new AssertionError("the chart's store is PostgreSQL: this test needs one at " + JDBC_URL + " (user "
                    + DB_USER + ", no password; -Dcrossbar.test.jdbcUrl/-Dcrossbar.test.dbUser change it): " + e, e);
        }
    }

    static void dropSchema(String schema) {
        try (Connection c = DriverManager.getConnection(JDBC_URL, DB_USER, null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema.toLowerCase(Locale.ROOT) + " CASCADE");
        } catch (Exception e) {
            // best effort
        }
    }
}
