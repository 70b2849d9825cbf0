package dev.crossbar.app.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used, with every problem found (each names its key path). */
public final class ConfigException extends RuntimeException {
    private final String source;
    private final List<ConfigProblem> problems;

    public ConfigException(String source, List<ConfigProblem> problems) {
        super(render(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or "environment", "devnet manifest") the configuration came from. */
    public String source() {
        return source;
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** The same problems, now known to come from {@code newSource}. */
    ConfigException from(String newSource) {
        return new ConfigException(newSource, problems);
    }

    private static String render(String source, List<ConfigProblem> problems) {
        String where = source == null || source.isEmpty() ? "the configuration" : "configuration " + source;
        if (problems.size() == 1) {
            return where + ": " + problems.getFirst();
        }
        return where + " has " + problems.size() + " problems:" + problems.stream().map(p -> "\n  " + p)
                .collect(Collectors.joining());
    }
}
