package dev.crossbar.messaging;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes a Kafka client configuration safe to log (docs/architecture.md rule 6: secrets never appear in logs). Rule: the
 * value of every key whose name contains {@code password}, {@code secret}, {@code jaas}, {@code token} or
 * {@code key} is replaced by {@value #REDACTED}, except the serializer and deserializer class names
 * ({@code key.serializer}, {@code key.deserializer}), which hold no secret.
 */
public final class ClientConfigRedaction {
    public static final String REDACTED = "[redacted]";
    private static final String[] SENSITIVE = {"password", "secret", "jaas", "token", "key"};

    private ClientConfigRedaction() {}

    public static boolean isSensitive(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith("serializer") || k.endsWith("deserializer")) {
            return false;
        }
        for (String word : SENSITIVE) {
            if (k.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** A sorted copy with sensitive values redacted and class values shown by name. */
    public static Map<String, String> redact(Map<String, ?> config) {
        Map<String, String> safe = new TreeMap<>();
        config.forEach((key, value) -> safe.put(key, isSensitive(key) ? REDACTED : display(value)));
        return safe;
    }

    private static String display(Object value) {
        return value instanceof Class<?> c ? c.getName() : String.valueOf(value);
    }
}
