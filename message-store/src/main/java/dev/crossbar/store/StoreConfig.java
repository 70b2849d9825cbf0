package dev.crossbar.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the message store lives. The PostgreSQL password is not part of it: the caller resolves it (from
 * the environment or a file) and hands it to {@link MessageStores#open}, so that a configuration can be
 * printed and logged as it is.
 *
 * @param backend SQLITE (embedded, one file) or POSTGRES
 * @param sqlitePath the SQLite database file (SQLITE)
 * @param jdbcUrl e.g. {@code jdbc:postgresql://db:5432/crossbar} (POSTGRES)
 * @param user the database user (POSTGRES)
 * @param poolSize connections in the pool (POSTGRES), 1 to 100
 * @param schema the schema holding the store's tables (POSTGRES; created if missing): lower-case letters,
 *     digits and underscores
 */
public record StoreConfig(Backend backend, Path sqlitePath, String jdbcUrl, String user, int poolSize, String schema) {
    public enum Backend { SQLITE, POSTGRES }

    public static final int DEFAULT_POOL_SIZE = 10;
    public static final String DEFAULT_SCHEMA = "crossbar";
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    public StoreConfig {
        Objects.requireNonNull(backend, "store backend");
        switch (backend) {
            case SQLITE -> Objects.requireNonNull(sqlitePath, "store sqlitePath (the SQLITE backend needs a file)");
            case POSTGRES -> {
                if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
                    throw new IllegalArgumentException("store jdbcUrl must start with jdbc:postgresql:, was "
                            + safeUrl(jdbcUrl));
                }
                if (user == null || user.isBlank()) {
                    throw new IllegalArgumentException("store user is required for the POSTGRES backend");
                }
                if (poolSize < 1 || poolSize > 100) {
                    throw new IllegalArgumentException("store poolSize must be between 1 and 100, was " + poolSize);
                }
                if (schema == null || !SCHEMA.matcher(schema).matches()) {
                    throw new IllegalArgumentException("store schema must be lower-case letters, digits and"
                            + " underscores (at most 63, not starting with a digit), was " + schema);
                }
            }
        }
    }

    public static StoreConfig sqlite(Path file) {
        return new StoreConfig(Backend.SQLITE, file, null, null, 1, null);
    }

    public static StoreConfig postgres(String jdbcUrl, String user, int poolSize, String schema) {
        return new StoreConfig(Backend.POSTGRES, null, jdbcUrl, user, poolSize, schema);
    }

    public static StoreConfig postgres(String jdbcUrl, String user) {
        return postgres(jdbcUrl, user, DEFAULT_POOL_SIZE, DEFAULT_SCHEMA);
    }

    /** As {@link #safeUrl} shows the URL: a URL's parameters can carry a password. */
    @Override
    public String toString() {
        return "StoreConfig[backend=" + backend + ", sqlitePath=" + sqlitePath + ", jdbcUrl=" + safeUrl(jdbcUrl)
                + ", user=" + user + ", poolSize=" + poolSize + ", schema=" + schema + "]";
    }

    /** The JDBC URL without its parameters (which could carry credentials), for messages and logs. */
    public static String safeUrl(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        int q = jdbcUrl.indexOf('?');
        String base = q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
        return base.replaceAll("//[^/@]*@", "//");
    }
}
