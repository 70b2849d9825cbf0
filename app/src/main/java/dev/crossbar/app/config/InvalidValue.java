package dev.crossbar.app.config;

import java.util.ArrayList;
import java.util.List;

/** Thrown while reading one value: carries its problems, which the reader collects with the others. */
final class InvalidValue extends RuntimeException {
    private final List<ConfigProblem> problems;

    InvalidValue(String path, String message, String origin) {
        this(List.of(new ConfigProblem(path, message, origin)));
    }

    private InvalidValue(List<ConfigProblem> problems) {
        super(problems.getFirst().toString(), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** One exception carrying the problems of all of {@code errors} (not empty). */
    static InvalidValue all(List<InvalidValue> errors) {
        List<ConfigProblem> all = new ArrayList<>();
        errors.forEach(e -> all.addAll(e.problems));
        return new InvalidValue(all);
    }

    List<ConfigProblem> problems() {
        return problems;
    }
}
