package dev.crossbar.app.config;

import java.util.List;
import java.util.Optional;

/**
 * A mapping in the configuration (e.g. {@code store.postgres}) or a list of mappings (e.g. {@code chains}),
 * with the settings and sections it may hold. Any other key in it is an error.
 *
 * @param shape a single mapping, or a list of them (optionally needing at least one)
 */
record Section(String name, String doc, Shape shape, List<Entry> entries) implements Entry {

    enum Shape { MAPPING, LIST, NON_EMPTY_LIST }

    Section {
        entries = List.copyOf(entries);
    }

    static Section mapping(String name, String doc, Entry... entries) {
        return new Section(name, doc, Shape.MAPPING, List.of(entries));
    }

    static Section list(String name, String doc, boolean nonEmpty, Entry... entries) {
        return new Section(name, doc, nonEmpty ? Shape.NON_EMPTY_LIST : Shape.LIST, List.of(entries));
    }

    boolean isList() {
        return shape != Shape.MAPPING;
    }

    Optional<Entry> entry(String key) {
        return entries.stream().filter(e -> e.name().equals(key)).findFirst();
    }

    List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }
}
