package dev.crossbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Wrong values fail before anything reaches the cluster, with a message naming the value: values.schema.json
 * (checked by helm install, upgrade, template and lint) and the chart's own checks for rules across values.
 */
class ChartSchemaTest {
    @TempDir
    Path dir;

    /** Values whose one chain is an L1 with one settlement of {@code kind} (none: null) with {@code keys} set. */
    static String settlement(String kind, String... keys) {
        StringBuilder entry = new StringBuilder("{l2ChainId: 10").append(kind == null ? "" : ", kind: " + kind);
        for (String key : keys) {
            entry.append(", ").append(key).append(": \"0x").append("11".repeat(20)).append('"');
        }
        return "chains:\n  - {name: l1, chainId: 1, role: L1, rpc: [\"https://a\"], settlements: [" + entry + "}]}\n";
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("negative replicas", "relayer:\n  replicas: -1\n",
                        List.of("/relayer/replicas", "minimum")),
                Arguments.of("a typo'd key", "relayer:\n  replica: 3\n",
                        List.of("/relayer", "additional properties 'replica' not allowed")),
                Arguments.of("a typo'd top-level key", "postgress:\n  user: x\n",
                        List.of("additional properties 'postgress' not allowed")),
                Arguments.of("two watchers", "watcher:\n  replicas: 2\n", List.of("/watcher/replicas", "maximum")),
                Arguments.of("a password instead of a Secret reference", "postgres:\n  password: hunter2\n",
                        List.of("/postgres/password", "want null or object")),
                Arguments.of("a signing key in the values", "relayer:\n  signers:\n    - chainId: 1\n      keys: "
                        + "[\"0x" + "ab".repeat(32) + "\"]\n", List.of("/relayer/signers/0/keys/0", "want object")),
                Arguments.of("a Kafka secret as a plain property", "kafka:\n  properties:\n    sasl.jaas.config: x\n",
                        List.of("/kafka/properties/sasl.jaas.config", "kafka.secretProperties")),
                Arguments.of("a password in the JDBC URL", "postgres:\n  jdbcUrl: "
                        + "jdbc:postgresql://db:5432/x?password=secret\n", List.of("/postgres/jdbcUrl")),
                Arguments.of("a writable root filesystem", "securityContext:\n  readOnlyRootFilesystem: false\n",
                        List.of("/securityContext/readOnlyRootFilesystem")),
                Arguments.of("running as root", "podSecurityContext:\n  runAsNonRoot: false\n",
                        List.of("/podSecurityContext/runAsNonRoot")),
                Arguments.of("a bad RPC URL", "chains:\n  - {name: l1, chainId: 1, role: L1, rpc: [\"htp://x\"]}\n",
                        List.of("/chains/0/rpc/0")),
                Arguments.of("an L2 without settlesOn", "chains:\n  - {name: l1, chainId: 1, role: L1, rpc: "
                        + "[\"https://a\"]}\n  - {name: op, chainId: 10, role: L2, rpc: [\"https://b\"]}\n",
                        List.of("/chains/1", "settlesOn")),
                Arguments.of("a settlement without its kind", settlement(null, "portal", "l1Messenger",
                        "outputOracle"), List.of("/chains/0/settlements/0", "kind")),
                Arguments.of("a dispute-game settlement without its factory", settlement("disputeGames", "portal",
                        "l1Messenger", "anchorStateRegistry", "superchainConfig"),
                        List.of("/chains/0/settlements/0", "disputeGameFactory")),
                Arguments.of("an output oracle on a dispute-game settlement", settlement("disputeGames", "portal",
                        "l1Messenger", "disputeGameFactory", "anchorStateRegistry", "superchainConfig", "outputOracle"),
                        List.of("/chains/0/settlements/0/outputOracle", "false schema")),
                Arguments.of("bootstrap servers without a port", "kafka:\n  bootstrapServers: kafka\n",
                        List.of("/kafka/bootstrapServers")),
                Arguments.of("a relayer setting that does not exist", "relayer:\n  settings:\n    fees: {maxFee: 1gwei}\n",
                        List.of("/relayer/settings/fees", "'maxFee' not allowed")),
                Arguments.of("an unknown alert switched off", "metrics:\n  prometheusRule:\n    disabled: [CrossbarTypo]\n",
                        List.of("/metrics/prometheusRule/disabled/0")),
                Arguments.of("fewer keys than signer slots", "relayer:\n  signerSlots: 2\n",
                        List.of("relayer.signers[0] (chain 1) has 1 keys, fewer than relayer.signerSlots=2")),
                Arguments.of("a relayer without keys", "relayer:\n  signers: []\n",
                        List.of("relayer.signers is empty")),
                Arguments.of("an ingress path with a trailing slash", "ingress:\n  enabled: true\n  path: /crossbar/\n",
                        List.of("/ingress/path", "does not match pattern")),
                Arguments.of("an ingress path with '..'", "ingress:\n  enabled: true\n  path: /ops/../admin\n",
                        List.of("ingress.path '/ops/../admin' has '..' or a '.' segment")),
                Arguments.of("an Ingress to a disabled role", "ingress:\n  enabled: true\n  component: monitor\n"
                        + "monitor:\n  enabled: false\n", List.of("ingress.component is monitor, which is not enabled")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aWrongValueFailsInstallTemplateAndLintWithAClearMessage(String what, String values, List<String> message)
            throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, values);
        Helm.Result template = Helm.templateResult("x", "ns", List.of(file));
        assertThat(template.exitCode()).as("helm template with %s:\n%s", what, template.all()).isNotZero();
        assertThat(template.err()).as("helm template with %s", what).contains(message);

        Helm.Result install = Helm.run("install", "x", Repo.chart().toString(), "--dry-run=client", "--values",
                file.toString());
        assertThat(install.exitCode()).as("helm install with %s:\n%s", what, install.all()).isNotZero();
        assertThat(install.err()).as("helm install with %s", what).contains("INSTALLATION FAILED").contains(message);

        // helm lint fails on what the schema refuses; the chart's own checks (template `fail`) it only reports.
        Helm.Result lint = Helm.run("lint", "--strict", Repo.chart().toString(), "--values", file.toString());
        assertThat(lint.all()).as("helm lint with %s", what).contains(message);
        if (!template.err().contains("execution error at (crossbar/templates/validate.yaml")) {
            assertThat(lint.exitCode()).as("helm lint with %s:\n%s", what, lint.all()).isNotZero();
        }
    }

    @Test
    void theDefaultsAndTheProductionValuesInstall() {
        for (List<String> values : List.of(List.<String>of(), List.of("--values", Repo.productionValues().toString()))) {
            String[] args = Stream.concat(Stream.of("install", "crossbar", Repo.chart().toString(), "--dry-run=client"),
                    values.stream()).toArray(String[]::new);
            Helm.Result r = Helm.run(args);
            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.out()).contains("STATUS: pending-install");
        }
    }
}
