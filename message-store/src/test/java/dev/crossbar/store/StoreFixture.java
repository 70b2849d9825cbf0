package dev.crossbar.store;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

/** A fresh database for one test, and stores on it (several: replicas, or a restart). */
interface StoreFixture extends AutoCloseable {
    /** Opens a store on this fixture's database with {@code topology} (the caller closes it). */
    MessageStore open(ChainTopology topology);

    /** The backend. */
    Dialect dialect();

    /** The schema the stores use (PostgreSQL), or null (SQLite). */
    String schema();

    /** Plain connections to the database, in the stores' schema: for what a test does below the store. */
    DataSource dataSource();

    /** Deletes the database. */
    @Override
    void close();

    /** A SQLite file (removed with the test's temporary folder). */
    static StoreFixture sqlite(Path file) {
        return new StoreFixture() {
            @Override
            public MessageStore open(ChainTopology topology) {
                return SqliteMessageStore.open(file, topology);
            }

            @Override
            public Dialect dialect() {
                return Dialect.SQLITE;
            }

            @Override
            public String schema() {
                return null;
            }

            @Override
            public DataSource dataSource() {
                SQLiteDataSource ds = new SQLiteDataSource();
                ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
                return ds;
            }

            @Override
            public void close() {
                // the temporary directory goes with the test
            }
        };
    }

    /** A new schema on the test server ({@link PostgresServer}), dropped on close. */
    static StoreFixture postgres() {
        PostgresServer.Coordinates server = PostgresServer.get();
        String schema = PostgresServer.newSchemaName();
        return new StoreFixture() {
            @Override
            public MessageStore open(ChainTopology topology) {
                return PostgresMessageStore.open(StoreConfig.postgres(server.url(), server.user(), 4, schema),
                        server.password(), topology);
            }

            @Override
            public Dialect dialect() {
                return Dialect.POSTGRES;
            }

            @Override
            public String schema() {
                return schema;
            }

            @Override
            public DataSource dataSource() {
                PGSimpleDataSource ds = new PGSimpleDataSource();
                ds.setURL(server.url());
                ds.setUser(server.user());
                if (server.password() != null) {
                    ds.setPassword(new String(server.password()));
                }
                ds.setCurrentSchema(schema);
                return ds;
            }

            @Override
            public void close() {
                PostgresServer.dropSchema(schema);
            }
        };
    }
}
