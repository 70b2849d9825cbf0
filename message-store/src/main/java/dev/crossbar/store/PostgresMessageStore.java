package dev.crossbar.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store on PostgreSQL, for deployments with several replicas: a connection pool, rows locked
 * ({@code SELECT ... FOR UPDATE}) before they are changed, a chain's batches serialized on its cursor row,
 * batches and rollbacks run SERIALIZABLE (a batch of the L1 and one of an L2 read what the other writes:
 * outputs and the withdrawals they cover, deposits and their executions), and transactions that hit a
 * deadlock or a serialization failure run again.
 */
public final class PostgresMessageStore extends JdbcMessageStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresMessageStore.class);

    private PostgresMessageStore(Database db, ChainTopology topology) {
        super(db, topology);
    }

    /**
     * Opens the store, creating its schema if needed.
     *
     * @param password resolved by the caller (environment, file, secret); null when the server needs none;
     *     never logged nor put in an error message
     */
    public static PostgresMessageStore open(StoreConfig config, char[] password, ChainTopology topology) {
        return open(config, password, topology, Clock.systemUTC());
    }

    static PostgresMessageStore open(StoreConfig config, char[] password, ChainTopology topology, Clock clock) {
        if (config.backend() != StoreConfig.Backend.POSTGRES) {
            throw new IllegalArgumentException("not a POSTGRES store configuration: backend " + config.backend());
        }
        String name = "PostgreSQL store " + StoreConfig.safeUrl(config.jdbcUrl()) + " (user " + config.user()
                + ", schema " + config.schema() + ")";
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("crossbar-store");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        if (password != null) {
            hikari.setPassword(new String(password));
        }
        hikari.setMaximumPoolSize(config.poolSize());
        hikari.setMinimumIdle(Math.min(2, config.poolSize()));
        hikari.setAutoCommit(false);
        hikari.setConnectionTimeout(10_000);
        // The schema goes in as a connection parameter: the server sets search_path when the session starts.
        // (Setting it per connection with setSchema runs in the first transaction, and a rollback undoes it.)
        hikari.addDataSourceProperty("currentSchema", config.schema());
        hikari.addDataSourceProperty("ApplicationName", "crossbar");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hikari); // fails fast when the server cannot be reached
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StoreException("cannot connect to the " + name + ": " + cause.getMessage(), e);
        }
        try {
            Migrations.migrate(pool, Dialect.POSTGRES, config.schema(), name);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        log.info("store opened: backend=postgres url={} schema={} poolSize={}", StoreConfig.safeUrl(config.jdbcUrl()),
                config.schema(), config.poolSize());
        return new PostgresMessageStore(new Database(Dialect.POSTGRES, new Pool(pool), clock, name, topology.signerSlots()), topology);
    }

    private record Pool(HikariDataSource pool) implements Database.Connections {
        @Override
        public Connection acquire() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public void begin(Connection c, Database.Mode mode) throws SQLException {
            // Auto-commit is off: the first statement begins the transaction, at this isolation level. The level is
            // set every time rather than read first: reading it runs a statement, which would begin the transaction.
            int level = mode == Database.Mode.SERIAL ? Connection.TRANSACTION_SERIALIZABLE
                    : Connection.TRANSACTION_READ_COMMITTED;
            c.setTransactionIsolation(level);
        }

        @Override
        public void commit(Connection c) throws SQLException {
            c.commit();
        }

        @Override
        public void rollback(Connection c) throws SQLException {
            c.rollback();
        }

        @Override
        public void release(Connection c) {
            try {
                c.close();
            } catch (SQLException e) {
                log.warn("returning a connection to the pool failed: error={}", e.getMessage());
            }
        }

        @Override
        public void close() {
            pool.close();
        }
    }
}
