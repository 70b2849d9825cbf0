package dev.crossbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.CrossbarCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The chart and the service agree on the configuration: the crossbar.yaml the chart renders passes the launcher's
 * own {@code crossbar config check}, and the chart's schema knows exactly the settings docs/configuration.md (the
 * reference generated from the service's declarations) lists, so that neither can drift from the other.
 */
class ChartConfigTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void theRenderedConfigurationPassesTheLaunchersConfigCheck(String which) throws Exception {
        Rendered r = which.equals("default") ? Helm.template("c", "n", List.of())
                : Helm.template("c", "n", List.of(Repo.productionValues()));
        Path file = dir.resolve("crossbar.yaml");
        Files.writeString(file, r.configText());
        StringWriter out = new StringWriter();
        int code = new CommandLine(new CrossbarCommand()).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true)).execute("config", "check", file.toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString()).contains("is valid");
        if (which.equals("default")) {
            // OP Mainnet settles through fault proofs
            assertThat(out.toString()).contains("kind: disputeGames",
                    "disputeGameFactory: 0xe5965ab5962edc7477c8520243a95517cd252fa9");
        }
        if (which.equals("production")) {
            assertThat(out.toString()).contains("kind: outputOracle");
            assertThat(out.toString()).contains("relayer.signers[2].keys[0] {keystore: "
                    + "/var/run/secrets/crossbar/relayer/7777777-0.json, passwordEnv: RELAYER_KEYSTORE_PASSWORD_7777777_0}",
                    "kafka.properties.sasl.jaas.config {file: /var/run/secrets/crossbar/kafka/sasl.jaas.config}");
        }
    }

    @Test
    void theSchemaKnowsEverySettingOfTheConfigurationReference() throws Exception {
        Map<String, Set<String>> docs = referenceKeys(Files.readString(Repo.root().resolve("docs/configuration.md")));
        JsonNode s = Rendered.parseJson(Files.readString(Repo.chart().resolve("values.schema.json")));
        JsonNode chain = s.at("/properties/chains/items/properties");
        JsonNode kafka = s.at("/properties/kafka/properties");
        JsonNode relayer = s.at("/properties/relayer/properties");
        JsonNode rs = relayer.at("/settings/properties");
        JsonNode monitor = s.at("/properties/monitor/properties");
        JsonNode ms = monitor.at("/settings/properties");

        // Per section of the reference: the keys the chart takes, where it takes them (values that the chart
        // itself sets or maps from its own values are named explicitly).
        Map<String, Set<String>> chart = new LinkedHashMap<>();
        chart.put("chains[]", keysWithout(chain, "settlements", "contracts"));
        chart.put("chains[].settlements[]", keys(chain.at("/settlements/items/properties")));
        chart.put("chains[].contracts", keys(chain.at("/contracts/properties")));
        chart.put("store", Set.of("backend")); // the chart sets backend: postgres
        chart.put("store.postgres", keys(s.at("/properties/postgres/properties")));
        chart.put("kafka", union(Set.of("bootstrapServers", "clientId", "properties"),
                keys(kafka.at("/settings/properties"))));
        chart.put("kafka.topics", keysWithout(kafka.at("/topics/properties"), "events", "messages", "control",
                "deadletter"));
        for (String t : List.of("events", "messages", "control", "deadletter")) {
            chart.put("kafka.topics." + t, keys(kafka.at("/topics/properties/" + t + "/properties")));
        }
        // instanceId: the chart leaves it to its default, relayer-/monitor-$HOSTNAME (the pod's name).
        chart.put("relayer", union(Set.of("group", "signerSlots", "instanceId"), keysWithout(rs, "fees", "retry",
                "replay", "batching", "interop")));
        chart.put("relayer.signers[]", Set.of("chainId", "keys"));
        chart.put("relayer.interop", keysWithout(rs.at("/interop/properties"), "levels", "routes"));
        chart.put("relayer.interop.levels", keys(rs.at("/interop/properties/levels/properties")));
        chart.put("relayer.interop.routes[]", keys(rs.at("/interop/properties/routes/items/properties")));
        for (String sub : List.of("fees", "retry", "replay", "batching")) {
            chart.put("relayer." + sub, keys(rs.at("/" + sub + "/properties")));
        }
        chart.put("monitor", union(Set.of("group", "challengerKey", "guardianKey", "reclaimerKey", "instanceId"),
                keysWithout(ms, "webhooks", "checks", "alertDelivery", "fees")));
        chart.put("monitor.exits", Set.of("accounts")); // from monitor.exitAccounts, as mounted files
        chart.put("monitor.alertDelivery", keys(ms.at("/alertDelivery/properties")));
        chart.put("monitor.fees", keys(ms.at("/fees/properties")));
        chart.put("monitor.webhooks[]", keys(ms.at("/webhooks/items/properties")));
        chart.put("monitor.checks[]", keys(ms.at("/checks/items/properties")));
        // address from http.port, pathPrefix from ingress.path
        chart.put("http", Set.of("address", "adminToken", "readToken", "pathPrefix"));
        assertThat(s.at("/properties/ingress/properties").has("path")).isTrue();
        chart.put("log", keys(s.at("/properties/log/properties")));

        assertThat(relayer.has("consumerGroup") && relayer.has("signerSlots") && relayer.has("signers")).isTrue();
        assertThat(monitor.has("challengerKey") && monitor.has("guardianKey") && monitor.has("reclaimerKey")
                && monitor.has("exitAccounts") && monitor.has("consumerGroup")).isTrue();
        // store.sqlite is the embedded store: the chart runs several pods against PostgreSQL only.
        docs.remove("store.sqlite");
        assertThat(chart.keySet()).containsExactlyInAnyOrderElementsOf(docs.keySet());
        docs.forEach((section, keys) -> assertThat(chart.get(section)).as("settings of %s", section)
                .containsExactlyInAnyOrderElementsOf(keys));
    }

    @Test
    void anIngressPathIsThePodsPathPrefixAndProbesMetricsAndTheCliFollowIt() throws Exception {
        String prefix = "/ops/crossbar";
        Rendered r = Helm.template("c", "n", List.of(), "ingress.enabled=true", "ingress.path=" + prefix,
                "ingress.className=nginx", "ingress.hosts[0]=ops.example.net", "ingress.tls[0].secretName=ops-tls",
                "ingress.tls[0].hosts[0]=ops.example.net", "ingress.annotations.team=bridge",
                "metrics.serviceMonitor.enabled=true");
        JsonNode ingress = r.get("Ingress", "-crossbar");
        assertThat(ingress.at("/spec/ingressClassName").asText()).isEqualTo("nginx");
        assertThat(ingress.at("/metadata/annotations/team").asText()).isEqualTo("bridge");
        assertThat(ingress.at("/spec/tls/0/secretName").asText()).isEqualTo("ops-tls");
        assertThat(ingress.at("/spec/rules")).hasSize(1);
        JsonNode rule = ingress.at("/spec/rules/0");
        assertThat(rule.path("host").asText()).isEqualTo("ops.example.net");
        JsonNode path = rule.at("/http/paths/0");
        assertThat(path.path("path").asText()).isEqualTo(prefix);
        assertThat(path.path("pathType").asText()).isEqualTo("Prefix");
        String service = path.at("/backend/service/name").asText();
        assertThat(service).as("the relayer's, by default").endsWith("-relayer");
        assertThat(r.get("Service", service).at("/spec/ports/0/name").asText()).isEqualTo(
                path.at("/backend/service/port/name").asText());

        // The pods serve under the same path: the configuration carries it and the launcher accepts it.
        assertThat(r.config().at("/http/pathPrefix").asText()).isEqualTo(prefix);
        String check = configCheck(r.configText());
        assertThat(check).contains("is valid", "pathPrefix: " + prefix);
        for (String role : List.of("watcher", "relayer", "monitor")) {
            JsonNode c = r.container(role);
            assertThat(c.at("/startupProbe/httpGet/path").asText()).as(role).isEqualTo(prefix + "/health/live");
            assertThat(c.at("/livenessProbe/httpGet/path").asText()).as(role).isEqualTo(prefix + "/health/live");
            assertThat(c.at("/readinessProbe/httpGet/path").asText()).as(role).isEqualTo(prefix + "/health/ready");
            assertThat(env(c, "CROSSBAR_URL")).as(role).isEqualTo("http://127.0.0.1:8080" + prefix);
        }
        assertThat(r.get("ServiceMonitor", "-crossbar").at("/spec/endpoints/0/path").asText())
                .isEqualTo(prefix + "/metrics");

        // Any host when none is named; the monitor's Service when asked.
        JsonNode anyHost = Helm.template("c", "n", List.of(), "ingress.enabled=true", "ingress.path=" + prefix,
                "ingress.component=monitor").get("Ingress", "-crossbar").at("/spec/rules/0");
        assertThat(anyHost.has("host")).isFalse();
        assertThat(anyHost.at("/http/paths/0/backend/service/name").asText()).endsWith("-monitor");
    }

    @Test
    void noIngressAndNoPrefixByDefaultNorWithThePathAtTheRoot() throws Exception {
        Rendered defaults = Helm.template("c", "n", List.of(), "metrics.serviceMonitor.enabled=true");
        Rendered root = Helm.template("c", "n", List.of(), "ingress.enabled=true",
                "metrics.serviceMonitor.enabled=true");
        Rendered off = Helm.template("c", "n", List.of(), "ingress.path=/crossbar",
                "metrics.serviceMonitor.enabled=true");
        assertThat(defaults.ofKind("Ingress")).isEmpty();
        assertThat(off.ofKind("Ingress")).as("a path alone does not turn it on").isEmpty();
        assertThat(root.get("Ingress", "-crossbar").at("/spec/rules/0/http/paths/0/path").asText()).isEqualTo("/");
        for (Rendered r : List.of(defaults, root, off)) {
            assertThat(r.config().path("http").has("pathPrefix")).as(r.configText()).isFalse();
            JsonNode c = r.container("relayer");
            assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
            assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
            assertThat(env(c, "CROSSBAR_URL")).isEqualTo("http://127.0.0.1:8080");
            assertThat(r.get("ServiceMonitor", "-crossbar").at("/spec/endpoints/0/path").asText())
                    .isEqualTo("/metrics");
        }
    }

    /** The chart (schema and checks) and the launcher take the same prefixes. */
    @ParameterizedTest
    @ValueSource(strings = {"/crossbar", "/ops/crossbar-1", "/a.b_c~d", "crossbar", "/crossbar/", "/ops//crossbar",
            "/ops/../admin", "/ops/./x", "/a..b", "/a b", "/a:b", "/a*"})
    void theChartAndTheLauncherAgreeOnWhichPrefixesAreValid(String prefix) throws Exception {
        Helm.Result chart = Helm.templateResult("c", "n", List.of(), "ingress.enabled=true", "ingress.path=" + prefix);
        String config = Helm.template("c", "n", List.of(), "ingress.enabled=true", "ingress.path=/placeholder")
                .configText().replace("pathPrefix: /placeholder", "pathPrefix: '" + prefix + "'");
        assertThat(config).contains("pathPrefix: '" + prefix + "'");
        String launcher = configCheck(config);
        assertThat(chart.exitCode() == 0).as("chart: %s\nlauncher: %s", chart.err(), launcher)
                .isEqualTo(launcher.contains("is valid"));
        if (chart.exitCode() != 0) {
            assertThat(launcher).contains("http.pathPrefix: '" + prefix + "'");
        }
    }

    /** {@code crossbar config check} of {@code yaml}: its whole output. */
    private String configCheck(String yaml) throws Exception {
        Path file = Files.createTempFile(dir, "crossbar", ".yaml");
        Files.writeString(file, yaml);
        StringWriter out = new StringWriter();
        new CommandLine(new CrossbarCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(out, true))
                .execute("config", "check", file.toString());
        return out.toString();
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        throw new AssertionError("no " + name + " in " + container.path("env"));
    }

    /** Section path -> keys, from the Markdown tables of the configuration reference. */
    static Map<String, Set<String>> referenceKeys(String markdown) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        Pattern heading = Pattern.compile("^#{2,6} `([^`]+)`$");
        Pattern row = Pattern.compile("^\\| `([a-zA-Z0-9]+)` \\|");
        String section = null;
        for (String line : markdown.split("\n")) {
            Matcher h = heading.matcher(line);
            if (h.matches()) {
                section = h.group(1);
                out.put(section, new TreeSet<>());
                continue;
            }
            Matcher k = row.matcher(line);
            if (section != null && k.find()) {
                out.get(section).add(k.group(1));
            }
        }
        out.values().removeIf(Set::isEmpty);
        return out;
    }

    static Set<String> keys(JsonNode properties) {
        assertThat(properties.isObject()).as("schema properties %s", properties).isTrue();
        Set<String> out = new TreeSet<>();
        properties.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static Set<String> keysWithout(JsonNode properties, String... left) {
        Set<String> out = keys(properties);
        out.removeAll(Set.of(left));
        return out;
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }
}
