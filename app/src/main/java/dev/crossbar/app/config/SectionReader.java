package dev.crossbar.app.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one mapping of the configuration by its {@link Section} declaration. Every problem is collected (not
 * thrown) so that one run reports all of them; a value with a problem reads as null and the caller goes on.
 * Keys the section does not declare are problems, with a suggestion when one is close. What was read is kept,
 * with defaults filled in, as the effective configuration ({@code crossbar config check} prints it).
 */
final class SectionReader {
    private final Section section;
    private final String path;
    private final ConfigNode.Obj node;
    private final List<ConfigProblem> problems;
    private final Map<String, Object> effective = new LinkedHashMap<>();

    private SectionReader(Section section, String path, ConfigNode.Obj node, List<ConfigProblem> problems) {
        this.section = section;
        this.path = path;
        this.node = node;
        this.problems = problems;
        node.fields().forEach((name, value) -> {
            if (section.entry(name).isEmpty()) {
                problems.add(new ConfigProblem(path(name), Suggestions.unknownKey(name, section.names()),
                        value.origin()));
            }
        });
    }

    static SectionReader root(Section root, ConfigNode.Obj node, List<ConfigProblem> problems) {
        return new SectionReader(root, "", node, problems);
    }

    /** The path of {@code name} in this section, e.g. {@code chains[1].rpc}. */
    String path(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** Whether the file (or the environment) set {@code entry} here. */
    boolean has(Entry entry) {
        return node.fields().containsKey(entry.name());
    }

    /** Where {@code entry} was written, or where this section was. */
    String origin(Entry entry) {
        ConfigNode n = node.fields().get(entry.name());
        return n == null ? node.origin() : n.origin();
    }

    /** The setting's value: as written, else its default, else null (with a problem when it is required). */
    <T> T get(Key<T> key) {
        declared(key);
        ConfigNode value = node.fields().get(key.name());
        if (value == null) {
            if (key.requirement() == Key.Requirement.REQUIRED) {
                problems.add(new ConfigProblem(path(key.name()), "required but not set (" + key.doc() + ")",
                        node.origin()));
            }
            remember(key, key.defaultValue());
            return key.defaultValue();
        }
        try {
            T v = key.type().read(value, path(key.name()));
            remember(key, v);
            return v;
        } catch (InvalidValue e) {
            problems.addAll(e.problems());
            return null;
        }
    }

    /** A nested mapping; an absent one reads as empty (all defaults). */
    SectionReader section(Section child) {
        declared(child);
        ConfigNode value = node.fields().get(child.name());
        ConfigNode.Obj obj;
        if (value instanceof ConfigNode.Obj o) {
            obj = o;
        } else {
            if (value != null) {
                problems.add(new ConfigProblem(path(child.name()), "expected a mapping, found " + value.kind(),
                        value.origin()));
            }
            obj = new ConfigNode.Obj(node.origin());
        }
        SectionReader r = new SectionReader(child, path(child.name()), obj, problems);
        effective.put(child.name(), r.effective);
        return r;
    }

    /** A nested list of mappings, one reader per entry. */
    List<SectionReader> list(Section child) {
        declared(child);
        ConfigNode value = node.fields().get(child.name());
        List<SectionReader> out = new ArrayList<>();
        List<Object> shown = new ArrayList<>();
        effective.put(child.name(), shown);
        if (value == null) {
            if (child.shape() == Section.Shape.NON_EMPTY_LIST) {
                problems.add(new ConfigProblem(path(child.name()), "required but not set (" + child.doc() + ")",
                        node.origin()));
            }
            return out;
        }
        if (!(value instanceof ConfigNode.Arr arr)) {
            problems.add(new ConfigProblem(path(child.name()), "expected a list, found " + value.kind(),
                    value.origin()));
            return out;
        }
        if (arr.items().isEmpty() && child.shape() == Section.Shape.NON_EMPTY_LIST) {
            problems.add(new ConfigProblem(path(child.name()), "needs at least one entry", arr.origin()));
        }
        for (int i = 0; i < arr.items().size(); i++) {
            String itemPath = path(child.name()) + "[" + i + "]";
            if (arr.items().get(i) instanceof ConfigNode.Obj o) {
                SectionReader r = new SectionReader(child, itemPath, o, problems);
                shown.add(r.effective);
                out.add(r);
            } else {
                problems.add(new ConfigProblem(itemPath, "expected a mapping, found " + arr.items().get(i).kind(),
                        arr.items().get(i).origin()));
            }
        }
        return out;
    }

    /** Records a problem with {@code entry} of this section. */
    void problem(Entry entry, String message) {
        problems.add(new ConfigProblem(path(entry.name()), message, origin(entry)));
    }

    /** Records a problem with this section as a whole. */
    void problem(String message) {
        problems.add(new ConfigProblem(path.isEmpty() ? "(top level)" : path, message, node.origin()));
    }

    /** Shows {@code value} as the effective value of {@code key} (for a default computed from others). */
    <T> void setEffective(Key<T> key, T value) {
        remember(key, value);
    }

    Map<String, Object> effective() {
        return effective;
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    /** How many problems the whole reading has found so far (a section compares it before and after itself). */
    int problemCount() {
        return problems.size();
    }

    private <T> void remember(Key<T> key, T value) {
        if (value != null) {
            effective.put(key.name(), key.type().render(value));
        } else {
            effective.remove(key.name());
        }
    }

    private void declared(Entry entry) {
        if (section.entry(entry.name()).orElse(null) != entry) {
            throw new IllegalStateException(entry.name() + " is read in " + section.name()
                    + " but not declared there: declare it in the section so that it is documented");
        }
    }
}
