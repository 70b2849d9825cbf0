package dev.crossbar.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.ExitCodes;
import dev.crossbar.app.config.ConfigDocs;
import dev.crossbar.app.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code crossbar config check|docs}, and the service commands' refusals. */
class ConfigCommandTest {
    static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    @TempDir
    Path dir;

    @Test
    void checkPrintsTheEffectiveConfigurationWithSecretsOnlyAsReferences() throws Exception {
        Path key = Files.writeString(dir.resolve("relayer.key"), KEY + "\n");
        Path file = Files.writeString(dir.resolve("crossbar.yaml"), TestConfigs.yaml("http://a:1", "http://b:2",
                "http://c:3", """
                relayer:
                  signers: [{chainId: 901, keys: [{file: %s}]}]
                http:
                  adminToken: {env: ADMIN_TOKEN}
                """.formatted(key)));
        Cli cli = Cli.run(Map.of("ADMIN_TOKEN", "tok-123", "CROSSBAR_LOG_FORMAT", "json"), "config", "check",
                file.toString());
        assertThat(cli.exitCode).as(cli.toString()).isZero();
        assertThat(cli.out).contains("is valid", "pollInterval: 2s", "format: json", "file: " + key,
                "env: ADMIN_TOKEN", "relayer.signers[0].keys[0] {file: " + key + "}: resolves here",
                "http.adminToken {env: ADMIN_TOKEN}: resolves here");
        assertThat(cli.out).doesNotContain(KEY.substring(2, 20)).doesNotContain("tok-123");

        Cli unresolved = Cli.run(Map.of(), "config", "check", file.toString());
        assertThat(unresolved.exitCode).as("a secret missing here is reported, not an error").isZero();
        assertThat(unresolved.out).contains("http.adminToken {env: ADMIN_TOKEN}: does NOT resolve here");
    }

    @Test
    void checkOfABadFileExitsWith2NamingEveryKey() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), TestConfigs.yaml("htp://x", "http://b:2", "http://c:3",
                "relayer: {fees: {maxFeeCap: 5 gwie}}\nstore: {backnd: sqlite}\n"));
        Cli cli = Cli.run(Map.of(), "config", "check", file.toString());
        assertThat(cli.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err).contains("is not valid (3 problems)", "chains[0].rpc[0]: 'htp://x' is not an http(s) URL",
                "relayer.fees.maxFeeCap: '5 gwie' is not an amount (examples: 30gwei, 0.1ether, 1000wei)",
                "store.backnd: unknown key (did you mean 'backend'?)");
        assertThat(Cli.run(Map.of(), "config", "check", dir.resolve("none.yaml").toString()).err)
                .contains("does not exist");
    }

    @Test
    void docsPrintsTheGeneratedReference() throws Exception {
        Cli cli = Cli.run("config", "docs");
        assertThat(cli.exitCode).isZero();
        assertThat(cli.out).isEqualTo(ConfigDocs.markdown());
        Path out = dir.resolve("configuration.md");
        assertThat(Cli.run("config", "docs", "-o", out.toString()).exitCode).isZero();
        assertThat(Files.readString(out)).isEqualTo(ConfigDocs.markdown());
    }

    @Test
    void serviceCommandsRefuseWhatThisBuildCannotRunAndBadConfigurations() throws Exception {
        Cli relayer = Cli.run("relayer", "--config", "x.yaml");
        assertThat(relayer.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(relayer.err).contains("x.yaml").contains("does not exist");
        Cli monitor = Cli.run("monitor", "--config", "x.yaml");
        assertThat(monitor.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(monitor.err).contains("x.yaml").contains("does not exist");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "chains: []\n");
        Cli watcher = Cli.run("watcher", "--config", bad.toString());
        assertThat(watcher.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(watcher.err).contains("chains: needs at least one entry");
        assertThat(Cli.run("all", "--help").out).contains("--config=FILE");
    }
}
