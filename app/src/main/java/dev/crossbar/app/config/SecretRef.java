package dev.crossbar.app.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;
import org.web3j.crypto.exception.CipherException;

/**
 * Where a secret (a private key, a password, a token) is kept; never the secret itself (docs/architecture.md rule 6).
 * Three kinds, as written in the configuration:
 * <ul>
 *   <li>{@code {file: /path}}: a file holding it, e.g. a mounted Kubernetes Secret (surrounding whitespace
 *       and the final newline are dropped);</li>
 *   <li>{@code {env: NAME}}: an environment variable holding it;</li>
 *   <li>{@code {keystore: /path/to/keystore.json, passwordEnv: NAME}}: an Ethereum keystore (web3j
 *       {@link WalletUtils}) whose password is in the environment variable {@code NAME}.</li>
 * </ul>
 * The short forms {@code file:/path} and {@code env:NAME} are accepted too (the devnet manifest writes them).
 *
 * <p>{@link #toString()} shows only the reference. Resolved values are returned as {@code char[]} so the caller
 * can wipe them; web3j needs a {@code String} for a private key, which {@link #credentials()} keeps inside the
 * {@link Credentials} it returns.
 */
public sealed interface SecretRef {
    Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    Pattern PRIVATE_KEY = Pattern.compile("(0x)?[0-9a-fA-F]{64}");

    /** The secret, from the process environment. */
    default char[] resolve() {
        return resolve(System::getenv);
    }

    /**
     * The secret, reading environment variables through {@code env}.
     *
     * @throws SecretException naming this reference (never the value) when it cannot be read
     */
    char[] resolve(Function<String, String> env);

    /** The private key this reference holds, as web3j credentials. */
    default Credentials credentials() {
        return credentials(System::getenv);
    }

    /** @throws SecretException when the secret is missing or is not a private key */
    default Credentials credentials(Function<String, String> env) {
        char[] key = resolve(env);
        try {
            if (!PRIVATE_KEY.matcher(CharBuffer.wrap(key)).matches()) {
                throw new SecretException("secret " + this + " does not hold a private key (64 hex digits)");
            }
            return Credentials.create(new String(key));
        } finally {
            Arrays.fill(key, '\0');
        }
    }

    /** The reference as configuration data, e.g. {@code {env: NAME}}. */
    Map<String, String> reference();

    /** A file holding the secret. */
    record FromFile(Path path) implements SecretRef {
        @Override
        public char[] resolve(Function<String, String> env) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(path);
            } catch (IOException e) {
                throw new SecretException("secret " + this + " cannot be read: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
            try {
                CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
                char[] all = new char[chars.remaining()];
                chars.get(all);
                if (chars.hasArray()) {
                    Arrays.fill(chars.array(), '\0');
                }
                char[] trimmed = trim(all);
                if (trimmed.length == 0) {
                    throw new SecretException("secret " + this + " is an empty file");
                }
                return trimmed;
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        }

        @Override
        public Map<String, String> reference() {
            return Map.of("file", path.toString());
        }

        @Override
        public String toString() {
            return "{file: " + path + "}";
        }
    }

    /** An environment variable holding the secret. */
    record FromEnv(String name) implements SecretRef {
        @Override
        public char[] resolve(Function<String, String> env) {
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                throw new SecretException("secret " + this + ": the environment variable " + name + " is not set");
            }
            return trim(value.toCharArray());
        }

        @Override
        public Map<String, String> reference() {
            return Map.of("env", name);
        }

        @Override
        public String toString() {
            return "{env: " + name + "}";
        }
    }

    /** An Ethereum keystore file; its password is in an environment variable. Resolves to the private key. */
    record FromKeystore(Path path, String passwordEnv) implements SecretRef {
        @Override
        public char[] resolve(Function<String, String> env) {
            String hex = credentials(env).getEcKeyPair().getPrivateKey().toString(16);
            char[] out = new char[66];
            Arrays.fill(out, '0');
            out[1] = 'x';
            hex.getChars(0, hex.length(), out, 66 - hex.length());
            return out;
        }

        @Override
        public Credentials credentials(Function<String, String> env) {
            String password = env.apply(passwordEnv);
            if (password == null) {
                throw new SecretException("secret " + this + ": the environment variable " + passwordEnv
                        + " (the keystore's password) is not set");
            }
            try {
                return WalletUtils.loadCredentials(password, path.toFile());
            } catch (CipherException e) {
                throw new SecretException("secret " + this + " cannot be decrypted: wrong password in "
                        + passwordEnv + "?");
            } catch (IOException | RuntimeException e) {
                throw new SecretException("secret " + this + " is not a readable keystore: "
                        + e.getClass().getSimpleName());
            }
        }

        @Override
        public Map<String, String> reference() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("keystore", path.toString());
            m.put("passwordEnv", passwordEnv);
            return m;
        }

        @Override
        public String toString() {
            return "{keystore: " + path + ", passwordEnv: " + passwordEnv + "}";
        }
    }

    /** A secret that could not be resolved; the message names the reference, never the value. */
    final class SecretException extends RuntimeException {
        public SecretException(String message) {
            super(message);
        }
    }

    private static char[] trim(char[] chars) {
        int start = 0;
        int end = chars.length;
        while (start < end && Character.isWhitespace(chars[start])) {
            start++;
        }
        while (end > start && Character.isWhitespace(chars[end - 1])) {
            end--;
        }
        if (start == 0 && end == chars.length) {
            return chars;
        }
        char[] out = Arrays.copyOfRange(chars, start, end);
        Arrays.fill(chars, '\0');
        return out;
    }
}
