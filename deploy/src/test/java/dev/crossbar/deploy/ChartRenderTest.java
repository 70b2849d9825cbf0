package dev.crossbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chart rendered (helm template) with its default values and with the production-like values file, and the
 * objects checked: what runs, how it is probed and secured, how many replicas in which consumer group, and that
 * no key material is anywhere while every secret the configuration references is mounted where it points.
 */
class ChartRenderTest {
    static final List<String> ROLES = List.of("watcher", "relayer", "monitor");
    /** A private key or other 32-byte secret in hex, with or without 0x. */
    static final Pattern HEX_KEY = Pattern.compile("(?i)(?<![0-9a-fx])(0x)?[0-9a-f]{64}(?![0-9a-f])");
    static final Pattern PEM_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");

    static Rendered defaults;
    static Rendered production;

    @BeforeAll
    static void render() {
        defaults = Helm.template("crossbar", "default", List.of());
        production = Helm.template("prod", "bridge", List.of(Repo.productionValues()));
    }

    static Rendered rendered(String which) {
        return which.equals("default") ? defaults : production;
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void everyRoleRunsFromTheImageWithItsArgumentTheConfigMapAndAService(String which) {
        Rendered r = rendered(which);
        JsonNode config = r.config();
        assertThat(config.path("store").path("backend").asText()).isEqualTo("postgres");
        assertThat(config.path("http").path("address").asText()).isEqualTo("0.0.0.0:8080");
        for (String role : ROLES) {
            JsonNode pod = r.deployment(role).path("spec").path("template").path("spec");
            JsonNode c = r.container(role);
            assertThat(list(c.path("args"))).as(role).containsExactly(role, "--config", "/etc/crossbar/crossbar.yaml");
            assertThat(c.has("command")).as("%s keeps the image's entrypoint (the launcher)", role).isFalse();
            assertThat(mountPath(c, "config")).isEqualTo("/etc/crossbar");
            assertThat(volume(pod, "config").path("configMap").path("name").asText())
                    .isEqualTo(r.get("ConfigMap", "-config").path("metadata").path("name").asText());
            JsonNode svc = r.get("Service", "-" + role);
            assertThat(svc.path("spec").path("selector").path("app.kubernetes.io/component").asText()).isEqualTo(role);
            assertThat(svc.path("spec").path("ports").get(0).path("targetPort").asText()).isEqualTo("http");
            assertThat(r.deployment(role).path("spec").path("selector").path("matchLabels"))
                    .isEqualTo(svc.path("spec").path("selector"));
            assertThat(c.path("resources").path("requests").path("memory").asText()).isNotEmpty();
            assertThat(c.path("resources").path("limits").path("memory").asText()).isNotEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void probesHitTheHealthEndpointsOnThePortTheServiceListensOn(String which) {
        Rendered r = rendered(which);
        int listens = Integer.parseInt(r.config().path("http").path("address").asText().replaceAll(".*:", ""));
        for (String role : ROLES) {
            JsonNode c = r.container(role);
            JsonNode port = StreamSupport.stream(c.path("ports").spliterator(), false)
                    .filter(p -> p.path("name").asText().equals("http")).findFirst().orElseThrow();
            assertThat(port.path("containerPort").asInt()).as("%s: the container port is http.address's", role)
                    .isEqualTo(listens);
            Map<String, String> probes = Map.of("livenessProbe", "/health/live", "readinessProbe", "/health/ready",
                    "startupProbe", "/health/live");
            probes.forEach((probe, path) -> {
                JsonNode get = c.path(probe).path("httpGet");
                assertThat(get.path("path").asText()).as("%s %s", role, probe).isEqualTo(path);
                String p = get.path("port").asText();
                assertThat(p.equals("http") || p.equals(Integer.toString(listens))).as("%s %s port %s", role, probe, p)
                        .isTrue();
            });
        }
    }

    @Test
    void replicasAndConsumerGroupAreAsSet() {
        assertThat(defaults.deployment("relayer").path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(defaults.config().path("relayer").path("group").asText()).isEqualTo("crossbar-relayer");
        assertThat(production.deployment("relayer").path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(production.config().path("relayer").path("group").asText()).isEqualTo("bridge-relayer-prod");
        assertThat(production.config().path("relayer").path("signerSlots").asInt()).isEqualTo(2);

        Rendered set = Helm.template("x", "ns", List.of(Repo.productionValues()), "relayer.replicas=5",
                "relayer.consumerGroup=group-from-set", "monitor.replicas=0");
        assertThat(set.deployment("relayer").path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(set.config().path("relayer").path("group").asText()).isEqualTo("group-from-set");
        assertThat(set.deployment("monitor").path("spec").path("replicas").asInt()).isZero();
        assertThat(set.find("PodDisruptionBudget", "-monitor")).as("no PDB for a role scaled to 0").isEmpty();

        for (Rendered r : List.of(defaults, production)) {
            // One watcher and one monitor, never two at once; relayers roll one by one within their group.
            for (String single : List.of("watcher", "monitor")) {
                assertThat(r.deployment(single).path("spec").path("replicas").asInt()).isEqualTo(1);
                assertThat(r.deployment(single).path("spec").path("strategy").path("type").asText()).isEqualTo("Recreate");
            }
            assertThat(r.deployment("relayer").path("spec").path("strategy").path("type").asText())
                    .isEqualTo("RollingUpdate");
            for (String role : ROLES) {
                JsonNode pdb = r.get("PodDisruptionBudget", "-" + role);
                assertThat(pdb.path("spec").path("selector").path("matchLabels"))
                        .isEqualTo(r.deployment(role).path("spec").path("selector").path("matchLabels"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void podsRunNonRootOnAReadOnlyRootWithoutPrivilegesOrServiceLinks(String which) {
        Rendered r = rendered(which);
        for (String role : ROLES) {
            JsonNode pod = r.deployment(role).path("spec").path("template").path("spec");
            JsonNode c = r.container(role);
            assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
            assertThat(pod.path("securityContext").path("runAsUser").asInt()).isEqualTo(65532);
            assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(c.path("securityContext").path("allowPrivilegeEscalation").isBoolean()).isTrue();
            assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean()).isFalse();
            assertThat(list(c.path("securityContext").path("capabilities").path("drop"))).containsExactly("ALL");
            // Writable scratch space on the read-only root: /tmp (the JVM unpacks native libraries there).
            assertThat(volume(pod, "tmp").has("emptyDir")).isTrue();
            assertThat(mountPath(c, "tmp")).isEqualTo("/tmp");
            // Kubernetes would otherwise inject CROSSBAR_<ROLE>_SERVICE_HOST, which the launcher reads as settings.
            assertThat(pod.path("enableServiceLinks").isBoolean()).isTrue();
            assertThat(pod.path("enableServiceLinks").asBoolean()).isFalse();
            assertThat(pod.path("automountServiceAccountToken").asBoolean()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void noKeyMaterialAnywhereAndEverySecretIsAReference(String which) {
        Rendered r = rendered(which);
        assertThat(HEX_KEY.matcher(r.text()).results().map(m -> m.group()).toList())
                .as("64-hex strings (private keys) in the rendered objects").isEmpty();
        assertThat(r.text()).doesNotContainPattern(PEM_KEY);
        // The chart creates no Secret but the read API's token when no existing one is named: keys and passwords
        // always come from the operator's own Secrets.
        assertThat(r.ofKind("Secret")).extracting(s -> s.path("metadata").path("name").asText())
                .as("Secrets the chart creates").containsExactlyElementsOf(which.equals("default")
                        ? List.of("crossbar-read-token") : List.of());
        // Every secret in the configuration is a {file:}, {env:} or {keystore:, passwordEnv:} reference ...
        JsonNode config = r.config();
        List<JsonNode> refs = secretRefs(config);
        assertThat(refs).isNotEmpty();
        for (JsonNode ref : refs) {
            Set<String> keys = new TreeSet<>();
            ref.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as("secret reference %s", ref).isSubsetOf(Set.of("file", "env", "keystore", "passwordEnv"))
                    .isNotEmpty();
        }
        // ... that the pods can resolve: each file is mounted from a Secret, each variable comes from a secretKeyRef.
        for (String role : ROLES) {
            JsonNode c = r.container(role);
            for (JsonNode env : c.path("env")) {
                String name = env.path("name").asText();
                if (name.matches("(?i).*(password|token|secret|key).*")) {
                    assertThat(env.has("value")).as("%s: %s must come from a Secret", role, name).isFalse();
                    assertThat(env.path("valueFrom").has("secretKeyRef")).as("%s: %s", role, name).isTrue();
                }
            }
        }
        Set<String> envEverywhere = new HashSet<>(envNames(r.container("watcher")));
        for (String role : ROLES) {
            envEverywhere.retainAll(envNames(r.container(role)));
        }
        for (JsonNode ref : refs) {
            if (ref.has("env")) {
                assertThat(envEverywhere).as("every pod resolves %s (the store and HTTP need it everywhere)", ref)
                        .contains(ref.path("env").asText());
            }
        }
        JsonNode relayer = config.path("relayer");
        for (JsonNode s : relayer.path("signers")) {
            for (JsonNode k : s.path("keys")) {
                String file = k.has("file") ? k.path("file").asText() : k.path("keystore").asText();
                assertThat(secretFiles(r, "relayer")).as("relayer pod mounts %s", file).contains(file);
                if (k.has("passwordEnv")) {
                    assertThat(envNames(r.container("relayer"))).contains(k.path("passwordEnv").asText());
                }
            }
        }
        List<JsonNode> monitorKeys = new ArrayList<>();
        for (String key : List.of("challengerKey", "guardianKey", "reclaimerKey")) {
            monitorKeys.add(config.path("monitor").path(key));
        }
        config.path("monitor").path("exits").path("accounts").forEach(monitorKeys::add);
        for (JsonNode k : monitorKeys) {
            if (!k.isMissingNode()) {
                assertThat(secretFiles(r, "monitor")).contains(k.path("file").asText());
                assertThat(secretFiles(r, "relayer")).as("the relayer does not get the monitor's keys")
                        .doesNotContain(k.path("file").asText());
            }
        }
        assertThat(secretFiles(r, "watcher")).as("the watcher holds no signing key")
                .noneMatch(f -> f.contains("/relayer/") || f.contains("/monitor/"));
    }

    @Test
    void theReadApiNeedsATokenByDefaultFromASecretTheChartCreatesOnceOrAnExistingOne() {
        JsonNode secret = defaults.get("Secret", "crossbar-read-token");
        String token = new String(java.util.Base64.getDecoder().decode(secret.path("data").path("token").asText()));
        assertThat(token).matches("[A-Za-z0-9]{48}");
        assertThat(defaults.config().path("http").path("readToken").path("env").asText())
                .isEqualTo("CROSSBAR_READ_TOKEN");
        for (String role : ROLES) {
            assertThat(secretKeyRef(defaults.container(role), "CROSSBAR_READ_TOKEN")).as(role)
                    .isEqualTo("crossbar-read-token/token");
            assertThat(secretKeyRef(production.container(role), "CROSSBAR_READ_TOKEN")).as(role)
                    .isEqualTo("crossbar-read/token");
        }
        assertThat(production.ofKind("Secret")).as("an existing Secret is named: none is created").isEmpty();

        Rendered open = Helm.template("o", "n", List.of(), "http.readToken.enabled=false");
        assertThat(open.ofKind("Secret")).isEmpty();
        assertThat(open.config().path("http").has("readToken")).isFalse();
        for (String role : ROLES) {
            assertThat(envNames(open.container(role))).as(role).doesNotContain("CROSSBAR_READ_TOKEN");
        }
    }

    @Test
    void theNetworkPolicyLetsOnlyTheNamespaceAndPrometheusReachTheHttpPortAndLeavesEgressOpen(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (Rendered r : List.of(defaults, production)) {
            JsonNode np = r.ofKind("NetworkPolicy").getFirst();
            assertThat(r.ofKind("NetworkPolicy")).hasSize(1);
            JsonNode spec = np.path("spec");
            for (String role : ROLES) {
                JsonNode podLabels = r.deployment(role).path("spec").path("template").path("metadata").path("labels");
                spec.path("podSelector").path("matchLabels").properties().forEach(e ->
                        assertThat(podLabels.path(e.getKey()).asText()).as("the policy selects the %s pods", role)
                                .isEqualTo(e.getValue().asText()));
                int port = r.container(role).path("ports").get(0).path("containerPort").asInt();
                assertThat(spec.path("ingress")).as("one rule").hasSize(1);
                List<String> ports = new ArrayList<>();
                spec.at("/ingress/0/ports").forEach(p -> ports.add(p.path("port").asText() + "/"
                        + p.path("protocol").asText()));
                assertThat(ports).as("only the HTTP port").containsExactly(port + "/TCP");
            }
            assertThat(spec.path("podSelector").path("matchLabels").size()).isEqualTo(2);
            assertThat(list(spec.path("policyTypes"))).as("egress open: chains, Kafka, PostgreSQL are elsewhere")
                    .containsExactly("Ingress");
            assertThat(spec.has("egress")).isFalse();
        }
        List<JsonNode> from = new ArrayList<>();
        defaults.ofKind("NetworkPolicy").getFirst().at("/spec/ingress/0/from").forEach(from::add);
        assertThat(from).hasSize(2);
        assertThat(from.get(0).toString()).as("the release's own namespace").isEqualTo("{\"podSelector\":{}}");
        assertThat(from.get(1).at("/podSelector/matchLabels/app.kubernetes.io~1name").asText()).isEqualTo("prometheus");
        assertThat(production.ofKind("NetworkPolicy").getFirst().at("/spec/ingress/0/from")).hasSize(3);

        // No peer at all is no ingress, never "from anywhere" (an empty from would be).
        Rendered closed = Helm.template("c", "n", List.of(write(dir, "closed.yaml", """
                networkPolicy: {ingress: {sameNamespace: false, prometheus: [], from: []}}
                """)));
        JsonNode closedSpec = closed.ofKind("NetworkPolicy").getFirst().path("spec");
        assertThat(closedSpec.path("ingress").isArray()).isTrue();
        assertThat(closedSpec.path("ingress")).isEmpty();
        // Egress rules given: only those.
        Path values = write(dir, "egress.yaml", """
                networkPolicy:
                  egress:
                    - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
                    - to: [{ipBlock: {cidr: 10.0.0.0/8}}]
                """);
        JsonNode egress = Helm.template("e", "n", List.of(values)).ofKind("NetworkPolicy").getFirst().path("spec");
        assertThat(list(egress.path("policyTypes"))).containsExactly("Ingress", "Egress");
        assertThat(egress.path("egress")).hasSize(2);
        assertThat(egress.at("/egress/1/to/0/ipBlock/cidr").asText()).isEqualTo("10.0.0.0/8");
        JsonNode none = Helm.template("e", "n", List.of(write(dir, "none.yaml", "networkPolicy: {egress: []}\n")))
                .ofKind("NetworkPolicy").getFirst().path("spec");
        assertThat(list(none.path("policyTypes"))).containsExactly("Ingress", "Egress");
        assertThat(none.path("egress").isArray() && none.path("egress").isEmpty()).as("[] denies all egress").isTrue();
        assertThat(Helm.template("x", "n", List.of(), "networkPolicy.enabled=false").ofKind("NetworkPolicy")).isEmpty();
    }

    @Test
    void productionValuesSwitchOnTheServiceMonitorTheRulesAndTheDashboard() {
        assertThat(defaults.ofKind("ServiceMonitor")).isEmpty();
        assertThat(defaults.ofKind("PrometheusRule")).isEmpty();
        assertThat(defaults.find("ConfigMap", "-dashboard")).isEmpty();

        JsonNode sm = production.get("ServiceMonitor", "prod-crossbar");
        assertThat(sm.path("metadata").path("labels").path("release").asText()).isEqualTo("kube-prometheus-stack");
        JsonNode ep = sm.path("spec").path("endpoints").get(0);
        assertThat(ep.path("port").asText()).isEqualTo("http");
        assertThat(ep.path("path").asText()).isEqualTo("/metrics");
        for (String role : ROLES) {
            JsonNode svcLabels = production.get("Service", "-" + role).path("metadata").path("labels");
            sm.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(e ->
                    assertThat(svcLabels.path(e.getKey()).asText()).as("ServiceMonitor selects the %s Service", role)
                            .isEqualTo(e.getValue().asText()));
        }
        JsonNode dash = production.get("ConfigMap", "-dashboard");
        assertThat(dash.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
        assertThat(dash.path("metadata").path("annotations").path("grafana_folder").asText()).isEqualTo("Bridges");
        JsonNode json = Rendered.parseJson(dash.path("data").path("crossbar.json").asText());
        assertThat(json.path("title").asText()).isEqualTo("Crossbar");
        assertThat(json.path("panels").size()).isGreaterThan(10);

        Rendered off = Helm.template("p", "n", List.of(Repo.productionValues()),
                "metrics.serviceMonitor.enabled=false", "metrics.prometheusRule.enabled=false",
                "metrics.dashboard.enabled=false");
        assertThat(off.ofKind("ServiceMonitor")).isEmpty();
        assertThat(off.ofKind("PrometheusRule")).isEmpty();
        assertThat(off.find("ConfigMap", "-dashboard")).isEmpty();
    }

    @Test
    void everyAlertHasASummaryADescriptionARunbookAndAnExpressionThatParses() throws Exception {
        JsonNode rule = production.get("PrometheusRule", "prod-crossbar");
        Set<String> alerts = new TreeSet<>();
        for (JsonNode g : rule.path("spec").path("groups")) {
            assertThat(g.path("rules").size()).as("group %s", g.path("name").asText()).isPositive();
            for (JsonNode a : g.path("rules")) {
                String name = a.path("alert").asText();
                alerts.add(name);
                JsonNode ann = a.path("annotations");
                assertThat(ann.path("summary").asText()).as(name).isNotBlank();
                assertThat(ann.path("description").asText()).as(name).isNotBlank();
                assertThat(ann.path("runbook").asText()).as(name).hasSizeGreaterThan(40);
                assertThat(ann.path("runbook_url").asText()).as(name)
                        .startsWith("https://git.example.com/bridge/crossbar/-/blob/main/helm/README.md#crossbar");
                assertThat(a.path("labels").path("severity").asText()).as(name).isIn("critical", "warning", "info");
                String expr = a.path("expr").asText();
                assertThat(Metrics.balanced(expr)).as("%s: %s", name, expr).isTrue();
                assertThat(expr).as(name).doesNotContain("{{", "}}", "<no value>", "%!");
                // Scoped to this release's pods.
                if (!expr.startsWith("absent(up")) {
                    assertThat(expr).as(name).contains("namespace=\"bridge\"", "job=~\"prod-crossbar-(watcher|relayer|monitor)\"");
                }
                if (a.has("for")) {
                    assertThat(a.path("for").asText()).matches("[0-9]+(ms|s|m|h|d)");
                }
            }
        }
        // What the issue asks the rules to cover.
        assertThat(alerts).contains("CrossbarWatcherLagging", "CrossbarMessagesStuck", "CrossbarRelayTransactionsFailing",
                "CrossbarMessagesDeadLettered", "CrossbarSignerBalanceLow", "CrossbarKafkaConsumerLag",
                "CrossbarFindingCritical", "CrossbarFindingWarning", "CrossbarFindingInfo",
                "CrossbarChallengeWindowClosingUnchecked", "CrossbarMonitorLagging", "CrossbarGameAtRisk",
                "CrossbarGameResolvedAgainstVerdict", "CrossbarBondsUnclaimed");
        // The README documents every alert (its runbook anchors), and the schema knows every name (values
        // metrics.prometheusRule.disabled).
        String readme = Files.readString(Repo.root().resolve("helm/README.md"));
        JsonNode schema = Rendered.parseJson(Files.readString(Repo.chart().resolve("values.schema.json")));
        List<String> known = list(schema.at("/properties/metrics/properties/prometheusRule/properties/disabled/items/enum"));
        for (String alert : alerts) {
            assertThat(readme).as("helm/README.md has a section for %s", alert).containsPattern("(?m)^#+ +" + alert + "\\b");
            assertThat(known).as("values.schema.json lists %s", alert).contains(alert);
        }
        assertThat(alerts).containsAll(known);
        // Switching one off.
        Rendered without = Helm.template("p", "n", List.of(Repo.productionValues()),
                "metrics.prometheusRule.disabled={CrossbarWatcherReorgs,CrossbarDown}");
        assertThat(without.expressions()).noneMatch(e -> e.usedBy().equals("alert CrossbarWatcherReorgs")
                || e.usedBy().equals("alert CrossbarDown"));
    }

    @Test
    void rulesAndDashboardReadOnlyCrossbarMetricsAndThePrometheusUpSeries() {
        List<Rendered.Expression> exprs = production.expressions();
        assertThat(exprs.stream().filter(e -> e.usedBy().startsWith("panel"))).hasSizeGreaterThan(15);
        List<String> foreign = new ArrayList<>();
        for (Rendered.Expression e : exprs) {
            assertThat(Metrics.balanced(e.expr())).as(e.usedBy() + ": " + e.expr()).isTrue();
            Set<String> names = Metrics.namesIn(e.expr());
            assertThat(names).as("%s reads some metric: %s", e.usedBy(), e.expr()).isNotEmpty();
            names.stream().filter(n -> !n.startsWith("crossbar_") && !Metrics.PROMETHEUS_SERIES.contains(n))
                    .forEach(n -> foreign.add(e.usedBy() + ": " + n));
        }
        assertThat(foreign).as("metrics that are not Crossbar's").isEmpty();
    }

    @Test
    void theChartsAppVersionIsTheProjectsVersion() throws Exception {
        JsonNode chart = Rendered.parseYaml(Files.readString(Repo.chart().resolve("Chart.yaml")));
        String version = System.getProperty("project.version");
        if (version != null) {
            assertThat(chart.path("appVersion").asText()).isEqualTo(version);
        }
        JsonNode c = defaults.container("watcher");
        assertThat(c.path("image").asText()).isEqualTo("crossbar:" + chart.path("appVersion").asText());
        assertThat(production.container("watcher").path("image").asText())
                .isEqualTo("registry.example.com/crossbar/crossbar:0.1.0");
    }

    // --- helpers

    static List<String> list(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static String mountPath(JsonNode container, String volume) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("name").asText().equals(volume)) {
                return m.path("mountPath").asText();
            }
        }
        return null;
    }

    static JsonNode volume(JsonNode podSpec, String name) {
        for (JsonNode v : podSpec.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name + " in " + podSpec.path("volumes"));
    }

    /** The {@code secretName/key} a container's variable comes from, or null. */
    static String secretKeyRef(JsonNode container, String variable) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(variable)) {
                JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                return ref.path("name").asText() + "/" + ref.path("key").asText();
            }
        }
        return null;
    }

    static Set<String> envNames(JsonNode container) {
        Set<String> out = new TreeSet<>();
        container.path("env").forEach(e -> out.add(e.path("name").asText()));
        return out;
    }

    /** The files a role's pods get from Secrets: mount path of the secrets volume plus each item's path. */
    static Set<String> secretFiles(Rendered r, String role) {
        Set<String> out = new TreeSet<>();
        JsonNode pod = r.deployment(role).path("spec").path("template").path("spec");
        String mount = mountPath(r.container(role), "secrets");
        if (mount == null) {
            return out;
        }
        for (JsonNode src : volume(pod, "secrets").path("projected").path("sources")) {
            for (JsonNode item : src.path("secret").path("items")) {
                out.add(mount + "/" + item.path("path").asText());
            }
        }
        return out;
    }

    /** The secret references of a crossbar.yaml: every value that the configuration takes as a secret. */
    static List<JsonNode> secretRefs(JsonNode config) {
        List<JsonNode> out = new ArrayList<>();
        addIfPresent(out, config.at("/store/postgres/password"));
        addIfPresent(out, config.at("/http/adminToken"));
        addIfPresent(out, config.at("/http/readToken"));
        addIfPresent(out, config.at("/monitor/challengerKey"));
        addIfPresent(out, config.at("/monitor/guardianKey"));
        addIfPresent(out, config.at("/monitor/reclaimerKey"));
        config.at("/relayer/signers").forEach(s -> s.path("keys").forEach(out::add));
        config.at("/kafka/properties").fields().forEachRemaining(e -> {
            if (e.getKey().matches("(?i).*(password|secret|jaas|token).*|.*\\.key")) {
                out.add(e.getValue());
            }
        });
        return out;
    }

    private static void addIfPresent(List<JsonNode> out, JsonNode n) {
        if (!n.isMissingNode() && !n.isNull()) {
            out.add(n);
        }
    }

    static Path write(Path dir, String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
