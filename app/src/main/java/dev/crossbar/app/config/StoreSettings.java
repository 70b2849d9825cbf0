package dev.crossbar.app.config;

import dev.crossbar.store.StoreConfig;
import java.nio.file.Path;

/**
 * The {@code store} section: where the message store lives.
 *
 * @param sqlitePath the SQLite file (backend sqlite), relative to the working directory unless absolute
 * @param postgres the PostgreSQL settings (backend postgres)
 */
public record StoreSettings(StoreConfig.Backend backend, Path sqlitePath, PostgresSettings postgres) {
    static final Key<StoreConfig.Backend> BACKEND = Key.of("backend", Types.oneOf(StoreConfig.Backend.class), "sqlite",
            "sqlite: embedded, one file, no server (one replica); postgres: for deployments with several replicas");
    static final Key<Path> SQLITE_PATH = Key.of("path", Types.PATH, ".crossbar/store.db",
            "the SQLite database file, created if missing; relative paths start at the working directory");
    static final Section SQLITE = Section.mapping("sqlite", "The embedded store (backend: sqlite).", SQLITE_PATH);

    static final Key<String> JDBC_URL = Key.optional("jdbcUrl", Types.JDBC_URL, "required for postgres",
            "e.g. jdbc:postgresql://db:5432/crossbar; without a password in it");
    static final Key<String> USER = Key.optional("user", Types.TEXT, "required for postgres", "the database user");
    static final Key<SecretRef> PASSWORD = Key.optional("password", RefTypes.SECRET,
            "none (trust or certificate authentication)", "the database password, as a secret reference");
    static final Key<Integer> POOL_SIZE = Key.of("poolSize", Types.integer(1, 100),
            Integer.toString(StoreConfig.DEFAULT_POOL_SIZE), "connections in the pool");
    static final Key<String> SCHEMA = Key.of("schema", ValueType.scalar("schema name (a-z, 0-9, _)", t -> {
        if (!t.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("'" + t + "' is not a schema name (lower-case letters, digits and"
                    + " '_', not starting with a digit, at most 63)");
        }
        return t;
    }, t -> t), StoreConfig.DEFAULT_SCHEMA, "the schema holding the store's tables; created if missing");
    static final Section POSTGRES = Section.mapping("postgres", "The PostgreSQL store (backend: postgres).",
            JDBC_URL, USER, PASSWORD, POOL_SIZE, SCHEMA);

    static final Section SECTION = Section.mapping("store",
            "The message store: every message's lifecycle, output roots, cursors, the Kafka outbox.",
            BACKEND, SQLITE, POSTGRES);

    /** The store the message-store module opens (the password is resolved separately, never kept here). */
    public StoreConfig storeConfig() {
        return switch (backend) {
            case SQLITE -> StoreConfig.sqlite(sqlitePath);
            case POSTGRES -> StoreConfig.postgres(postgres.jdbcUrl(), postgres.user(), postgres.poolSize(),
                    postgres.schema());
        };
    }

    /** The PostgreSQL password resolved, or null when there is none (SQLite, or no password configured). */
    public char[] password(java.util.function.Function<String, String> env) {
        return backend == StoreConfig.Backend.POSTGRES && postgres.password() != null
                ? postgres.password().resolve(env) : null;
    }

    static StoreSettings read(SectionReader root) {
        SectionReader r = root.section(SECTION);
        StoreConfig.Backend backend = r.get(BACKEND);
        Path path = r.section(SQLITE).get(SQLITE_PATH);
        SectionReader p = r.section(POSTGRES);
        PostgresSettings postgres = new PostgresSettings(p.get(JDBC_URL), p.get(USER), p.get(PASSWORD),
                orDefault(p.get(POOL_SIZE), StoreConfig.DEFAULT_POOL_SIZE), p.get(SCHEMA));
        if (backend == StoreConfig.Backend.POSTGRES) {
            if (postgres.jdbcUrl() == null && !p.has(JDBC_URL)) {
                p.problem(JDBC_URL, "required for the postgres backend");
            }
            if (postgres.user() == null && !p.has(USER)) {
                p.problem(USER, "required for the postgres backend");
            }
        }
        return new StoreSettings(backend, path, postgres);
    }

    private static int orDefault(Integer v, int d) {
        return v == null ? d : v;
    }

    /**
     * @param password a secret reference, or null for trust or certificate authentication
     */
    public record PostgresSettings(String jdbcUrl, String user, SecretRef password, int poolSize, String schema) {}
}
