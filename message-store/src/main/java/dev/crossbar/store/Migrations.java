package dev.crossbar.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Brings a store's schema to the current version (Flyway; one history per backend under db/migration). */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {}

    /**
     * @param schema the schema to create and use (PostgreSQL), or null (SQLite)
     * @param name the database for messages: never a password
     */
    static void migrate(DataSource dataSource, Dialect dialect, String schema, String name) {
        migrate(dataSource, dialect, schema, name, null);
    }

    /** As {@link #migrate(DataSource, Dialect, String, String)}, up to version {@code target} (null: all). */
    static void migrate(DataSource dataSource, Dialect dialect, String schema, String name, String target) {
        var config = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .locations(dialect.migrations())
                .failOnMissingLocations(true);
        if (target != null) {
            config = config.target(target);
        }
        if (schema != null) {
            config = config.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        try {
            MigrateResult result = config.load().migrate();
            log.info("store schema ready: database={} schema={} version={} applied={}", name, schema,
                    result.targetSchemaVersion, result.migrationsExecuted);
        } catch (FlywayException e) {
            throw new StoreException("cannot bring the store schema of " + name + " up to date: " + e.getMessage(), e);
        }
    }
}
