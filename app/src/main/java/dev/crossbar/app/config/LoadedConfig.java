package dev.crossbar.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A valid configuration and how it reads in full: every setting with its effective value, defaults filled in,
 * secrets shown only as their references.
 *
 * @param effective the effective settings as plain YAML data, in schema order
 * @param source where it came from (a file, "devnet manifest")
 */
public record LoadedConfig(Config config, Map<String, Object> effective, String source) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /** The effective configuration as YAML (secrets as references only). */
    public String effectiveYaml() {
        try {
            return YAML.writeValueAsString(effective);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the effective configuration", e);
        }
    }

    /**
     * Each secret reference in use, with its key path and whether it resolves here (a key must hold a private
     * key); values are dropped at once.
     */
    public List<SecretUse> secrets(Function<String, String> env) {
        List<SecretUse> out = new ArrayList<>();
        Config c = config;
        if (c.store().postgres().password() != null) {
            out.add(use("store.postgres.password", c.store().postgres().password(), env, false));
        }
        c.kafka().properties().secret().forEach((k, ref) -> out.add(use("kafka.properties." + k, ref, env, false)));
        for (int i = 0; i < c.keys().relayer().size(); i++) {
            List<SecretRef> keys = c.keys().relayer().get(i).keys();
            for (int j = 0; j < keys.size(); j++) {
                out.add(use("relayer.signers[" + i + "].keys[" + j + "]", keys.get(j), env, true));
            }
        }
        if (c.keys().challenger() != null) {
            out.add(use("monitor.challengerKey", c.keys().challenger(), env, true));
        }
        if (c.keys().guardian() != null) {
            out.add(use("monitor.guardianKey", c.keys().guardian(), env, true));
        }
        if (c.keys().reclaimer() != null) {
            out.add(use("monitor.reclaimerKey", c.keys().reclaimer(), env, true));
        }
        for (int i = 0; i < c.keys().exitAccounts().size(); i++) {
            out.add(use("monitor.exits.accounts[" + i + "]", c.keys().exitAccounts().get(i), env, true));
        }
        if (c.http().adminToken() != null) {
            out.add(use("http.adminToken", c.http().adminToken(), env, false));
        }
        if (c.http().readToken() != null) {
            out.add(use("http.readToken", c.http().readToken(), env, false));
        }
        return out;
    }

    /** Resolves the reference to check it (a key must be a private key) and drops the value at once. */
    private static SecretUse use(String path, SecretRef ref, Function<String, String> env, boolean privateKey) {
        try {
            if (privateKey) {
                ref.credentials(env);
            } else {
                java.util.Arrays.fill(ref.resolve(env), '\0');
            }
            return new SecretUse(path, ref, null);
        } catch (SecretRef.SecretException e) {
            return new SecretUse(path, ref, e.getMessage());
        }
    }

    /**
     * @param problem why it does not resolve here, or null when it does
     */
    public record SecretUse(String path, SecretRef ref, String problem) {}
}
