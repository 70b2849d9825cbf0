package dev.crossbar.app.config;

/** One declared name in a section of the configuration: a setting ({@link Key}) or a nested {@link Section}. */
sealed interface Entry permits Key, Section {
    String name();

    String doc();
}
