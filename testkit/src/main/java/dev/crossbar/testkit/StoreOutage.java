package dev.crossbar.testkit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real, reversible store failure for a test: a table of a SQLite store file is renamed away over a connection of
 * its own, so that every query of the store's own connection that reads it fails ("no such table") until
 * {@link #close} puts it back.
 */
public final class StoreOutage implements AutoCloseable {
    private final Path file;
    private final String table;
    private boolean restored;

    private StoreOutage(Path file, String table) {
        this.file = file;
        this.table = table;
    }

    /** Hides {@code table} of the SQLite store at {@code file} until the outage is closed. */
    public static StoreOutage hide(Path file, String table) {
        rename(file, table, hidden(table));
        return new StoreOutage(file, table);
    }

    /** Puts the table back (once). */
    @Override
    public synchronized void close() {
        if (!restored) {
            rename(file, hidden(table), table);
            restored = true;
        }
    }

    private static String hidden(String table) {
        return table + "_outage";
    }

    private static void rename(Path file, String from, String to) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 10000");
            s.execute("ALTER TABLE " + from + " RENAME TO " + to);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot rename table " + from + " to " + to + " in " + file + ": "
                    + e.getMessage(), e);
        }
    }
}
