package dev.crossbar.app.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Environment variables override the file. The rule: {@code CROSSBAR_} followed by the key path in upper
 * case, with {@code _} for each dot and at each camelCase boundary, and list entries by their index:
 * <pre>
 *   store.postgres.jdbcUrl   CROSSBAR_STORE_POSTGRES_JDBC_URL   (CROSSBAR_STORE_POSTGRES_JDBCURL works too)
 *   chains[0].rpc[0]         CROSSBAR_CHAINS_0_RPC_0
 *   chains[0].rpc            CROSSBAR_CHAINS_0_RPC=http://a,http://b   (a whole list, comma-separated)
 *   http.adminToken          CROSSBAR_HTTP_ADMIN_TOKEN_ENV=NAME        (a secret reference's part)
 *                            CROSSBAR_HTTP_ADMIN_TOKEN=env:NAME        (or its short form)
 *   http.readToken           CROSSBAR_HTTP_READ_TOKEN_ENV=NAME         (the same for the read API's token)
 *   kafka.properties.x.y     CROSSBAR_KAFKA_PROPERTIES_X_Y             ('_' for '.', lower-cased)
 *   monitor.extraRpc.901[0]  CROSSBAR_MONITOR_EXTRA_RPC_901_0
 * </pre>
 * Within a name, underscores are optional (a name is matched ignoring them), so both spellings above work.
 * A list entry may be appended (index = current size) but not skip ahead. Variables whose first word names a
 * section (CHAINS, STORE, KAFKA, RELAYER, MONITOR, HTTP, LOG) must name a setting: a mistyped one is an
 * error, not silently ignored. Other {@code CROSSBAR_} variables ({@code CROSSBAR_URL}, {@code CROSSBAR_HOME},
 * {@code CROSSBAR_TEST_KAFKA_BOOTSTRAP}, ...) are not settings and are left alone.
 * Overrides apply in order of their names, list indices by number.
 */
final class EnvOverrides {
    static final String PREFIX = "CROSSBAR_";

    private EnvOverrides() {}

    /** The variable that sets the key at {@code path} (e.g. {@code chains[].rpc} gives CROSSBAR_CHAINS_<i>_RPC). */
    static String variableFor(String path) {
        StringBuilder b = new StringBuilder(PREFIX.substring(0, PREFIX.length() - 1));
        for (String part : path.split("\\.")) {
            boolean list = part.endsWith("[]");
            b.append('_').append(snake(list ? part.substring(0, part.length() - 2) : part));
            if (list) {
                b.append("_<i>");
            }
        }
        return b.toString();
    }

    /** {@code maxFeeCap} gives {@code MAX_FEE_CAP}; {@code l2ToL2Messenger} gives {@code L2_TO_L2_MESSENGER}. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** Applies every override to {@code root}; returns the problems (an unknown or misdirected variable). */
    static List<ConfigProblem> apply(ConfigNode.Obj root, Section schema, Map<String, String> env) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<String> names = env.keySet().stream().filter(n -> n.startsWith(PREFIX))
                .sorted(Comparator.comparing(EnvOverrides::sortKey)).toList();
        for (String var : names) {
            List<String> tokens = Arrays.asList(var.substring(PREFIX.length()).split("_", -1));
            if (schema.entries().stream().noneMatch(e -> e.name().equalsIgnoreCase(tokens.getFirst()))) {
                continue; // not a setting (CROSSBAR_URL, CROSSBAR_HOME, ...)
            }
            try {
                if (tokens.stream().anyMatch(String::isEmpty)) {
                    throw new IllegalArgumentException("has an empty part (two '_' in a row, or a trailing '_')");
                }
                set(root, schema, tokens, env.get(var), var, "");
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(var, e.getMessage(), "environment"));
            }
        }
        return problems;
    }

    private static void set(ConfigNode.Obj obj, Section section, List<String> tokens, String value, String var,
            String path) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("names the section " + path + ", not a setting in it");
        }
        Match m = match(section, tokens).orElseThrow(() -> new IllegalArgumentException("no setting "
                + (path.isEmpty() ? "" : path + ".") + String.join("_", tokens).toLowerCase(Locale.ROOT)
                + Suggestions.closest(String.join("", tokens), section.names()).map(s -> " (did you mean "
                        + (path.isEmpty() ? "" : path + ".") + s + "?)").orElse("")
                + "; known here: " + String.join(", ", section.names())));
        List<String> rest = tokens.subList(m.length, tokens.size());
        String childPath = path.isEmpty() ? m.entry.name() : path + "." + m.entry.name();
        ConfigNode existing = obj.fields().get(m.entry.name());
        switch (m.entry) {
            case Key<?> key -> obj.fields().put(key.name(), key.type().fromEnv(existing, rest, value, var));
            case Section child when !child.isList() -> {
                ConfigNode.Obj next = existing instanceof ConfigNode.Obj o ? o : new ConfigNode.Obj(var);
                obj.fields().put(child.name(), next);
                set(next, child, rest, value, var, childPath);
            }
            case Section child -> {
                if (rest.isEmpty() || !rest.getFirst().matches("\\d{1,4}")) {
                    throw new IllegalArgumentException(childPath + " is a list: give the entry's index next (e.g. "
                            + PREFIX + snake(childPath.replace('.', '_')) + "_0_...)");
                }
                ConfigNode.Arr arr = existing instanceof ConfigNode.Arr a ? a : new ConfigNode.Arr(var);
                obj.fields().put(child.name(), arr);
                int index = Integer.parseInt(rest.getFirst());
                if (index > arr.items().size()) {
                    throw new IllegalArgumentException("index " + index + " skips entries (" + childPath + " has "
                            + arr.items().size() + ")");
                }
                if (index == arr.items().size()) {
                    arr.items().add(new ConfigNode.Obj(var));
                }
                if (!(arr.items().get(index) instanceof ConfigNode.Obj entry)) {
                    throw new IllegalArgumentException(childPath + "[" + index + "] is not a mapping");
                }
                set(entry, child, rest.subList(1, rest.size()), value, var, childPath + "[" + index + "]");
            }
        }
    }

    private record Match(Entry entry, int length) {}

    /** The entry named by the first tokens (underscores ignored), the longest such name winning. */
    private static Optional<Match> match(Section section, List<String> tokens) {
        Match best = null;
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            joined.append(tokens.get(i));
            String j = joined.toString();
            for (Entry e : section.entries()) {
                if (e.name().equalsIgnoreCase(j)) {
                    best = new Match(e, i + 1);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Sorts names with their numbers compared as numbers, so that list entries apply in index order. */
    private static String sortKey(String name) {
        StringBuilder b = new StringBuilder();
        for (String part : name.split("_")) {
            b.append(part.matches("\\d+") ? "0".repeat(Math.max(0, 12 - part.length())) + part : part).append('_');
        }
        return b.toString();
    }
}
