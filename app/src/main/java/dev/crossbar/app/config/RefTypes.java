package dev.crossbar.app.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Value types with structure: secret references, Kafka client properties, per-chain endpoint lists. */
final class RefTypes {
    private static final List<String> SECRET_KEYS = List.of("file", "env", "keystore", "passwordEnv");
    private static final String HOW = "use {file: /path}, {env: NAME} or {keystore: /path, passwordEnv: NAME}";

    private RefTypes() {}

    /** A secret reference ({@link SecretRef}); a value written in its place is refused and never echoed. */
    static final ValueType<SecretRef> SECRET = new ValueType<>() {
        @Override
        public String describe() {
            return "secret reference ({file: /path}, {env: NAME}, {keystore: /path, passwordEnv: NAME})";
        }

        @Override
        public SecretRef read(ConfigNode node, String path) {
            return switch (node) {
                case ConfigNode.Scalar s -> shortForm(s, path);
                case ConfigNode.Obj o -> longForm(o, path);
                case ConfigNode.Arr a -> throw new InvalidValue(path, "expected a secret reference, found a list; "
                        + HOW, a.origin());
            };
        }

        @Override
        public Object render(SecretRef value) {
            return value.reference();
        }

        @Override
        public ConfigNode fromEnv(ConfigNode existing, List<String> tokens, String value, String var) {
            if (tokens.isEmpty()) {
                return new ConfigNode.Scalar(value, var);
            }
            String joined = String.join("", tokens);
            String sub = SECRET_KEYS.stream().filter(k -> k.equalsIgnoreCase(joined)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("a secret reference has no part "
                            + String.join("_", tokens) + " (it has " + String.join(", ", SECRET_KEYS) + ")"));
            ConfigNode.Obj obj = existing instanceof ConfigNode.Obj o ? o : new ConfigNode.Obj(var);
            obj.fields().put(sub, new ConfigNode.Scalar(value, var));
            return obj;
        }
    };

    private static SecretRef shortForm(ConfigNode.Scalar s, String path) {
        String t = s.text().trim();
        if (t.startsWith("env:") && SecretRef.ENV_NAME.matcher(t.substring(4).trim()).matches()) {
            return new SecretRef.FromEnv(t.substring(4).trim());
        }
        if (t.startsWith("file:") && !t.substring(5).isBlank()) {
            return new SecretRef.FromFile(Path.of(t.substring(5).trim()));
        }
        throw new InvalidValue(path, "a secret is written as a reference, never as its value: " + HOW, s.origin());
    }

    private static SecretRef longForm(ConfigNode.Obj o, String path) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (var e : o.fields().entrySet()) {
            if (!SECRET_KEYS.contains(e.getKey())) {
                throw new InvalidValue(path + "." + e.getKey(), Suggestions.unknownKey(e.getKey(), SECRET_KEYS),
                        e.getValue().origin());
            }
            if (!(e.getValue() instanceof ConfigNode.Scalar s)) {
                throw new InvalidValue(path + "." + e.getKey(), "expected a single value, found "
                        + e.getValue().kind(), e.getValue().origin());
            }
            parts.put(e.getKey(), s.text().trim());
        }
        int kinds = (parts.containsKey("file") ? 1 : 0) + (parts.containsKey("env") ? 1 : 0)
                + (parts.containsKey("keystore") ? 1 : 0);
        if (kinds != 1) {
            throw new InvalidValue(path, "a secret reference names exactly one of file, env or keystore; " + HOW,
                    o.origin());
        }
        if (parts.containsKey("passwordEnv") != parts.containsKey("keystore")) {
            throw new InvalidValue(path, parts.containsKey("keystore")
                    ? "a keystore needs passwordEnv (the environment variable holding its password)"
                    : "passwordEnv goes only with keystore", o.origin());
        }
        for (String envKey : List.of("env", "passwordEnv")) {
            if (parts.containsKey(envKey) && !SecretRef.ENV_NAME.matcher(parts.get(envKey)).matches()) {
                throw new InvalidValue(path + "." + envKey, "is not an environment variable name (letters, digits"
                        + " and '_', not starting with a digit)", o.origin());
            }
        }
        if (parts.containsKey("file")) {
            return new SecretRef.FromFile(Path.of(parts.get("file")));
        }
        if (parts.containsKey("env")) {
            return new SecretRef.FromEnv(parts.get("env"));
        }
        return new SecretRef.FromKeystore(Path.of(parts.get("keystore")), parts.get("passwordEnv"));
    }

    /** {@code kafka.properties}: raw client properties; secret-bearing ones must be references. */
    static final ValueType<KafkaProperties> KAFKA_PROPERTIES = new ValueType<>() {
        @Override
        public String describe() {
            return "mapping of Kafka client property to value or secret reference";
        }

        @Override
        public String envSuffix() {
            return "_<PROPERTY>";
        }

        @Override
        public KafkaProperties read(ConfigNode node, String path) {
            if (!(node instanceof ConfigNode.Obj o)) {
                throw new InvalidValue(path, "expected a mapping of Kafka client properties, found " + node.kind(),
                        node.origin());
            }
            Map<String, String> plain = new TreeMap<>();
            Map<String, SecretRef> secret = new TreeMap<>();
            List<InvalidValue> errors = new ArrayList<>();
            o.fields().forEach((name, value) -> {
                String p = path + "." + name;
                try {
                    if (value instanceof ConfigNode.Obj || KafkaProperties.holdsSecret(name)
                            || isShortRef(value)) {
                        secret.put(name, SECRET.read(value, p));
                    } else {
                        plain.put(name, Types.TEXT.read(value, p));
                    }
                } catch (InvalidValue e) {
                    errors.add(e);
                }
            });
            if (!errors.isEmpty()) {
                throw InvalidValue.all(errors);
            }
            return new KafkaProperties(plain, secret);
        }

        @Override
        public Object render(KafkaProperties value) {
            Map<String, Object> out = new TreeMap<>(value.plain());
            value.secret().forEach((k, v) -> out.put(k, v.reference()));
            return out;
        }

        /** {@code CROSSBAR_KAFKA_PROPERTIES_SECURITY_PROTOCOL} sets {@code security.protocol}. */
        @Override
        public ConfigNode fromEnv(ConfigNode existing, List<String> tokens, String value, String var) {
            if (tokens.isEmpty()) {
                throw new IllegalArgumentException("name the property: CROSSBAR_KAFKA_PROPERTIES_<NAME>, with '_'"
                        + " for '.' (e.g. CROSSBAR_KAFKA_PROPERTIES_SECURITY_PROTOCOL)");
            }
            ConfigNode.Obj obj = existing instanceof ConfigNode.Obj o ? o : new ConfigNode.Obj(var);
            obj.fields().put(String.join(".", tokens).toLowerCase(java.util.Locale.ROOT),
                    new ConfigNode.Scalar(value, var));
            return obj;
        }
    };

    private static boolean isShortRef(ConfigNode node) {
        return node instanceof ConfigNode.Scalar s && (s.text().startsWith("env:") || s.text().startsWith("file:"));
    }

    /** {@code monitor.extraRpc}: chain id to a list of http(s) URLs. */
    static final ValueType<Map<Long, List<URI>>> CHAIN_URLS = chainMap(ValueType.listOf(Types.HTTP_URL, 1),
            "mapping of chain id to list of http(s) URLs");

    /** {@code relayer.batching.multicall}: chain id to a contract address. */
    static final ValueType<Map<Long, String>> CHAIN_ADDRESSES = chainMap(Types.ADDRESS,
            "mapping of chain id to address");

    /**
     * A mapping keyed by chain id. From the environment: {@code ..._<CHAINID>} sets one entry,
     * {@code ..._<CHAINID>_<REST>} goes on into the value (e.g. a list index).
     */
    static <V> ValueType<Map<Long, V>> chainMap(ValueType<V> valueType, String description) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public String envSuffix() {
                return "_<CHAINID>";
            }

            @Override
            public Map<Long, V> read(ConfigNode node, String path) {
                if (!(node instanceof ConfigNode.Obj o)) {
                    throw new InvalidValue(path, "expected a " + description + ", found " + node.kind(),
                            node.origin());
                }
                Map<Long, V> out = new TreeMap<>();
                List<InvalidValue> errors = new ArrayList<>();
                o.fields().forEach((id, value) -> {
                    try {
                        long chainId = Types.CHAIN_ID.read(new ConfigNode.Scalar(id, value.origin()), path + "." + id);
                        out.put(chainId, valueType.read(value, path + "." + id));
                    } catch (InvalidValue e) {
                        errors.add(e);
                    }
                });
                if (!errors.isEmpty()) {
                    throw InvalidValue.all(errors);
                }
                return Map.copyOf(out);
            }

            @Override
            public Object render(Map<Long, V> value) {
                Map<String, Object> out = new TreeMap<>();
                value.forEach((k, v) -> out.put(Long.toString(k), valueType.render(v)));
                return out;
            }

            @Override
            public ConfigNode fromEnv(ConfigNode existing, List<String> tokens, String value, String var) {
                if (tokens.isEmpty() || !tokens.getFirst().matches("\\d+")) {
                    throw new IllegalArgumentException("name the chain id next: ..._<CHAINID>");
                }
                ConfigNode.Obj obj = existing instanceof ConfigNode.Obj o ? o : new ConfigNode.Obj(var);
                String id = tokens.getFirst();
                obj.fields().put(id, valueType.fromEnv(obj.fields().get(id), tokens.subList(1, tokens.size()), value,
                        var));
                return obj;
            }
        };
    }
}
