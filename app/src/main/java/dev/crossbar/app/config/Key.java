package dev.crossbar.app.config;

import java.util.Objects;

/**
 * One setting, declared once: its name, type, default (or that it is required) and what it does. The docs
 * ({@code crossbar config docs}) are generated from these declarations, and the loader reads by them, so a
 * setting cannot exist without being documented.
 *
 * @param requirement whether it must be set, has a default, or may be left out
 * @param defaultValue the value when not set (for {@link Requirement#DEFAULTED})
 * @param defaultDoc how the default reads in the docs (the default's text, or e.g. "required for postgres")
 */
record Key<T>(String name, ValueType<T> type, Requirement requirement, T defaultValue, String defaultDoc, String doc)
        implements Entry {

    enum Requirement { REQUIRED, DEFAULTED, OPTIONAL }

    Key {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
    }

    /** A setting that must be set. */
    static <T> Key<T> required(String name, ValueType<T> type, String doc) {
        return new Key<>(name, type, Requirement.REQUIRED, null, "required", doc);
    }

    /** A setting with a default, written as a user would write it (read by the type, so docs and use agree). */
    static <T> Key<T> of(String name, ValueType<T> type, String defaultText, String doc) {
        T value = type.read(new ConfigNode.Scalar(defaultText, "default"), name);
        return new Key<>(name, type, Requirement.DEFAULTED, value, defaultText, doc);
    }

    /** A setting that may be left out; {@code whenUnset} says in the docs what that means. */
    static <T> Key<T> optional(String name, ValueType<T> type, String whenUnset, String doc) {
        return new Key<>(name, type, Requirement.OPTIONAL, null, whenUnset, doc);
    }
}
