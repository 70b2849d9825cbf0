package dev.crossbar.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file, no server. The journal is a write-ahead log synced on every commit
 * ({@code synchronous=FULL}), so a committed batch survives a crash or a power loss; foreign keys are
 * enforced; another process holding the file is waited for ({@code busy_timeout}). One connection serves
 * the process, one transaction at a time; a writing transaction takes the write lock when it begins.
 */
public final class SqliteMessageStore extends JdbcMessageStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteMessageStore.class);
    /** How long a transaction waits for another process that holds the file's write lock. */
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private SqliteMessageStore(Database db, ChainTopology topology) {
        super(db, topology);
    }

    /** Opens (creating it and its directory if needed) the store in {@code file}. */
    public static SqliteMessageStore open(Path file, ChainTopology topology) {
        return open(file, topology, Clock.systemUTC());
    }

    static SqliteMessageStore open(Path file, ChainTopology topology, Clock clock) {
        Path path = file.toAbsolutePath();
        String name = "SQLite store " + path;
        try {
            Files.createDirectories(path.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of the " + name + ": " + e, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.enforceForeignKeys(true);
        // A large watcher batch touches many pages: a 64 MiB page cache keeps them in memory until the commit.
        config.setCacheSize(-64 * 1024);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + path);
        Migrations.migrate(dataSource, Dialect.SQLITE, null, name);
        Connection connection;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true); // transactions are begun and ended explicitly (see OneConnection)
        } catch (SQLException e) {
            throw new StoreException("cannot open the " + name + ": " + e.getMessage(), e);
        }
        log.info("store opened: backend=sqlite file={}", path);
        return new SqliteMessageStore(new Database(Dialect.SQLITE, new OneConnection(connection), clock, name,
                topology.signerSlots()),
                topology);
    }

    /**
     * The process's one connection, one transaction at a time. Transactions are begun with explicit
     * statements ({@code BEGIN IMMEDIATE} when they may write, so that the write lock is taken or waited for
     * up front rather than failing half-way), not through JDBC's auto-commit switch, which would keep a
     * transaction open between our transactions and lock other processes out of the file.
     */
    private static final class OneConnection implements Database.Connections {
        private final ReentrantLock lock = new ReentrantLock();
        private final Connection connection;
        private boolean closed;

        OneConnection(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection acquire() throws SQLException {
            lock.lock();
            if (closed) {
                lock.unlock();
                throw new SQLException("the store is closed");
            }
            return connection;
        }

        @Override
        public void begin(Connection c, Database.Mode mode) throws SQLException {
            exec(c, mode == Database.Mode.READ ? "BEGIN" : "BEGIN IMMEDIATE");
        }

        @Override
        public void commit(Connection c) throws SQLException {
            exec(c, "COMMIT");
        }

        @Override
        public void rollback(Connection c) throws SQLException {
            if (!c.getAutoCommit()) {
                c.rollback();
                return;
            }
            try {
                exec(c, "ROLLBACK");
            } catch (SQLException e) {
                if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) {
                    throw e;
                }
            }
        }

        @Override
        public void release(Connection c) {
            lock.unlock();
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (!closed) {
                    closed = true;
                    connection.close();
                }
            } catch (SQLException e) {
                log.warn("closing the SQLite store failed: error={}", e.getMessage());
            } finally {
                lock.unlock();
            }
        }

        private static void exec(Connection c, String sql) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }
}
