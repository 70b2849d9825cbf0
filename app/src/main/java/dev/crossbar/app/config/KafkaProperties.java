package dev.crossbar.app.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * Raw Kafka client properties from {@code kafka.properties}: plain values, and values kept as secret
 * references (resolved only when the clients are built). A property whose name says it holds a secret
 * ({@code password}, {@code secret}, {@code jaas}, {@code token}, or ending in {@code .key}) must be a
 * reference.
 */
public record KafkaProperties(Map<String, String> plain, Map<String, SecretRef> secret) {
    public KafkaProperties {
        plain = Map.copyOf(plain);
        secret = Map.copyOf(secret);
    }

    public static KafkaProperties none() {
        return new KafkaProperties(Map.of(), Map.of());
    }

    /** Whether a property of this name holds a secret, so that its value must be a reference. */
    public static boolean holdsSecret(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("jaas") || n.contains("token")
                || n.endsWith(".key");
    }

    /** Every property with its secrets resolved, for the Kafka clients only (never logged in clear). */
    public Map<String, String> resolve(java.util.function.Function<String, String> env) {
        Map<String, String> out = new TreeMap<>(plain);
        secret.forEach((k, ref) -> out.put(k, new String(ref.resolve(env))));
        return out;
    }
}
