package dev.crossbar.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.WalletUtils;

/** Secret references resolve from a file, the environment or a keystore, and never show the secret. */
class SecretRefTest {
    static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
    static final String ADDRESS = Credentials.create(KEY).getAddress();

    @TempDir
    Path dir;

    @Test
    void aFileReferenceResolvesWithoutItsNewline() throws Exception {
        Path file = Files.writeString(dir.resolve("relayer.key"), KEY + "\n");
        SecretRef ref = new SecretRef.FromFile(file);
        assertThat(new String(ref.resolve())).isEqualTo(KEY);
        assertThat(ref.credentials().getAddress()).isEqualTo(ADDRESS);
        assertThat(ref.toString()).isEqualTo("{file: " + file + "}").doesNotContain(KEY.substring(2));
        assertThat(ref.reference()).isEqualTo(Map.of("file", file.toString()));
    }

    @Test
    void anEnvironmentReferenceResolvesThroughTheEnvironment() {
        SecretRef ref = new SecretRef.FromEnv("RELAYER_KEY");
        assertThat(ref.credentials(Map.of("RELAYER_KEY", KEY)::get).getAddress()).isEqualTo(ADDRESS);
        assertThatThrownBy(() -> ref.resolve(n -> null)).isInstanceOf(SecretRef.SecretException.class)
                .hasMessage("secret {env: RELAYER_KEY}: the environment variable RELAYER_KEY is not set");
    }

    @Test
    void aKeystoreReferenceDecryptsWithThePasswordFromTheEnvironment() throws Exception {
        ECKeyPair pair = Credentials.create(KEY).getEcKeyPair();
        String name = WalletUtils.generateWalletFile("pw-123", pair, dir.toFile(), false);
        SecretRef ref = new SecretRef.FromKeystore(dir.resolve(name), "KS_PASSWORD");
        assertThat(ref.credentials(Map.of("KS_PASSWORD", "pw-123")::get).getAddress()).isEqualTo(ADDRESS);
        assertThat(new String(ref.resolve(Map.of("KS_PASSWORD", "pw-123")::get))).isEqualTo(KEY);
        assertThatThrownBy(() -> ref.credentials(Map.of("KS_PASSWORD", "nope-42")::get))
                .isInstanceOf(SecretRef.SecretException.class).hasMessageContaining("cannot be decrypted")
                .hasMessageNotContaining("nope-42");
        assertThat(ref).hasToString("{keystore: " + dir.resolve(name) + ", passwordEnv: KS_PASSWORD}");
    }

    @Test
    void aSecretThatIsNotAKeyIsRefusedWithoutShowingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "hunter2\n");
        assertThatThrownBy(() -> new SecretRef.FromFile(file).credentials())
                .isInstanceOf(SecretRef.SecretException.class).hasMessageContaining("does not hold a private key")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new SecretRef.FromFile(dir.resolve("missing")).resolve())
                .hasMessageContaining("{file: " + dir.resolve("missing") + "} cannot be read");
    }
}
