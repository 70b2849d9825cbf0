package dev.crossbar.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The type of a setting: how its text is read and checked, how its value is shown again (for
 * {@code crossbar config check}), how it is described in the generated docs, and how an environment variable
 * sets it.
 *
 * @param <T> the value it reads to
 */
interface ValueType<T> {
    /** A 32-byte hex string: the shape of a private key. Never echoed in an error. */
    Pattern PRIVATE_KEY_SHAPE = Pattern.compile("(0[xX])?[0-9a-fA-F]{64}");

    /** For the docs, e.g. {@code duration (500ms, 2s, 5m, 1h)}. */
    String describe();

    /** What follows the setting's environment variable, for the docs (e.g. {@code _<NAME>} for a mapping). */
    default String envSuffix() {
        return "";
    }

    /** @throws InvalidValue naming {@code path} when the node is not a valid value */
    T read(ConfigNode node, String path);

    /** The value as plain YAML data (strings, numbers, lists, maps), never a secret's value. */
    Object render(T value);

    /**
     * The node for this setting once the environment variable {@code var} set {@code value} at {@code tokens}
     * below it (empty tokens: the setting itself).
     *
     * @throws IllegalArgumentException when the tokens do not address anything inside this setting
     */
    default ConfigNode fromEnv(ConfigNode existing, List<String> tokens, String value, String var) {
        if (!tokens.isEmpty()) {
            throw new IllegalArgumentException("a " + describe() + " has no part " + String.join("_", tokens));
        }
        return new ConfigNode.Scalar(value, var);
    }

    /**
     * A type read from one scalar.
     *
     * @param parse reads the text; throws {@link IllegalArgumentException} whose message says what is wrong
     *     (e.g. {@code 'htp://x' is not an http(s) URL})
     */
    static <T> ValueType<T> scalar(String description, Function<String, T> parse, Function<T, Object> render) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return description;
            }

            @Override
            public T read(ConfigNode node, String path) {
                if (!(node instanceof ConfigNode.Scalar s)) {
                    throw new InvalidValue(path, "expected " + description + ", found " + node.kind(), node.origin());
                }
                refuseKeyMaterial(s, path);
                try {
                    return parse.apply(s.text().trim());
                } catch (IllegalArgumentException e) {
                    throw new InvalidValue(path, e.getMessage(), s.origin());
                }
            }

            @Override
            public Object render(T value) {
                return render.apply(value);
            }
        };
    }

    /** Refuses a scalar shaped like a private key, without echoing it (docs/architecture.md rule 6). */
    static void refuseKeyMaterial(ConfigNode.Scalar s, String path) {
        if (PRIVATE_KEY_SHAPE.matcher(s.text().trim()).matches()) {
            throw new InvalidValue(path, "looks like a private key; keys are never written in the configuration:"
                    + " use a reference ({file: /path}, {env: NAME} or {keystore: /path, passwordEnv: NAME})",
                    s.origin());
        }
    }

    /**
     * A list of {@code element}s, written as a YAML list or as one comma-separated value (handy in environment
     * variables); at least {@code minSize} of them.
     */
    static <E> ValueType<List<E>> listOf(ValueType<E> element, int minSize) {
        return new ValueType<>() {
            @Override
            public String describe() {
                return "list of: " + element.describe();
            }

            @Override
            public List<E> read(ConfigNode node, String path) {
                List<ConfigNode> items = switch (node) {
                    case ConfigNode.Arr a -> a.items();
                    case ConfigNode.Scalar s -> split(s);
                    case ConfigNode.Obj o -> throw new InvalidValue(path, "expected a " + describe() + ", found "
                            + o.kind(), o.origin());
                };
                if (items.size() < minSize) {
                    throw new InvalidValue(path, "needs at least " + minSize + (minSize == 1 ? " entry" : " entries"),
                            node.origin());
                }
                List<E> out = new ArrayList<>();
                List<InvalidValue> errors = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    try {
                        out.add(element.read(items.get(i), path + "[" + i + "]"));
                    } catch (InvalidValue e) {
                        errors.add(e);
                    }
                }
                if (!errors.isEmpty()) {
                    throw InvalidValue.all(errors);
                }
                return List.copyOf(out);
            }

            @Override
            public Object render(List<E> value) {
                return value.stream().map(element::render).toList();
            }

            @Override
            public ConfigNode fromEnv(ConfigNode existing, List<String> tokens, String value, String var) {
                if (tokens.isEmpty()) {
                    return new ConfigNode.Scalar(value, var);
                }
                if (tokens.size() != 1 || !tokens.getFirst().matches("\\d{1,4}")) {
                    throw new IllegalArgumentException("a list takes an index here, not " + String.join("_", tokens));
                }
                ConfigNode.Arr arr = new ConfigNode.Arr(var);
                if (existing instanceof ConfigNode.Arr a) {
                    arr.items().addAll(a.items());
                } else if (existing instanceof ConfigNode.Scalar s) {
                    arr.items().addAll(split(s));
                }
                int index = Integer.parseInt(tokens.getFirst());
                ConfigNode item = new ConfigNode.Scalar(value, var);
                if (index < arr.items().size()) {
                    arr.items().set(index, item);
                } else if (index == arr.items().size()) {
                    arr.items().add(item);
                } else {
                    throw new IllegalArgumentException("index " + index + " skips entries (the list has "
                            + arr.items().size() + ")");
                }
                return arr;
            }
        };
    }

    private static List<ConfigNode> split(ConfigNode.Scalar s) {
        List<ConfigNode> out = new ArrayList<>();
        for (String part : s.text().split(",")) {
            if (!part.isBlank()) {
                out.add(new ConfigNode.Scalar(part.trim(), s.origin()));
            }
        }
        return out;
    }
}
