package dev.crossbar.app.run;

import java.util.Locale;

/** What a Crossbar process runs: its watchers, its relayer, its monitor (one Deployment each, or all in one). */
public enum Role {
    WATCHER, RELAYER, MONITOR;

    /** As on the command line: {@code watcher}, {@code relayer}, {@code monitor}. */
    public String command() {
        return name().toLowerCase(Locale.ROOT);
    }
}
