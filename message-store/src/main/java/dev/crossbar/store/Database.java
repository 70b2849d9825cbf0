package dev.crossbar.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work in database transactions: commits when the work returns, rolls back when it throws
 * (our own exceptions pass through unchanged, database errors become a {@link StoreException} naming the
 * operation), and runs the work again after a deadlock or serialization failure (PostgreSQL), at most
 * {@value #MAX_ATTEMPTS} times in all. The work must therefore touch nothing but the transaction.
 *
 * <p>Three kinds of transaction: {@link Mode#READ}; {@link Mode#WRITE}, which locks the rows it changes;
 * and {@link Mode#SERIAL}, for what must behave as if it ran alone although it reads many rows another chain's
 * writer may be changing at the same time (a batch, a rollback): SQLite runs every transaction alone anyway,
 * PostgreSQL runs these SERIALIZABLE and they are retried when they conflict.
 *
 * <p>A unit of work run {@link #together} is one transaction for every store call its thread makes meanwhile: they
 * join it instead of beginning their own, so a group of changes costs one commit (one sync of the log) and lands
 * all or nothing.
 */
final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    static final int MAX_ATTEMPTS = 5;

    enum Mode { READ, WRITE, SERIAL }

    interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /**
     * Where connections come from and how a transaction starts and ends on them: the one SQLite connection
     * (behind a lock), or a pool.
     */
    interface Connections {
        /** A connection, held by the caller until {@link #release}. */
        Connection acquire() throws SQLException;

        /** Starts a transaction of the given kind. */
        void begin(Connection connection, Mode mode) throws SQLException;

        void commit(Connection connection) throws SQLException;

        void rollback(Connection connection) throws SQLException;

        void release(Connection connection);

        void close();
    }

    private final Dialect dialect;
    private final Connections connections;
    private final Clock clock;
    private final String name;

    /**
     * @param name what the database is, for error messages (a file, or a URL without its parameters):
     *     never a password
     */
    Database(Dialect dialect, Connections connections, Clock clock, String name, int routingSlots) {
        this.routingSlots = routingSlots;
        this.dialect = dialect;
        this.connections = connections;
        this.clock = clock;
        this.name = name;
    }

    private final int routingSlots;

    Dialect dialect() {
        return dialect;
    }

    /** Runs {@code work} in a transaction that may write. */
    <T> T write(String operation, Work<T> work) {
        return run(operation, Mode.WRITE, work);
    }

    /** Runs {@code work} in a transaction that may write and behaves as if no other ran at the same time. */
    <T> T serial(String operation, Work<T> work) {
        return run(operation, Mode.SERIAL, work);
    }

    /** Runs {@code work} in a transaction that only reads. */
    <T> T read(String operation, Work<T> work) {
        return run(operation, Mode.READ, work);
    }

    /** The transaction this thread's store calls join, while a {@link #together} unit runs. */
    private final ThreadLocal<Joined> joined = new ThreadLocal<>();

    private record Joined(Tx tx, Mode mode) {}

    /** A database failure of a call that joined an enclosing transaction, carried out to where it began. */
    private static final class JoinedFailure extends RuntimeException {
        JoinedFailure(SQLException cause) {
            super(cause);
        }

        SQLException sqlCause() {
            return (SQLException) getCause();
        }
    }

    /**
     * Runs {@code work} in one writing transaction that every store call of this thread joins until it returns: all
     * of them commit together, or none does when it throws. The unit may be run again after a conflict (PostgreSQL),
     * so it must do nothing but store calls; and since it holds the store (SQLite: all of it) until it returns, it
     * must not wait on anything else (no RPC).
     */
    <T> T together(String operation, java.util.function.Supplier<T> work) {
        if (joined.get() != null) {
            return work.get();
        }
        return run(operation, Mode.WRITE, tx -> {
            joined.set(new Joined(tx, Mode.WRITE));
            try {
                return work.get();
            } catch (JoinedFailure f) {
                throw f.sqlCause();
            } finally {
                joined.remove();
            }
        });
    }

    private <T> T run(String operation, Mode mode, Work<T> work) {
        Joined outer = joined.get();
        if (outer != null) {
            if (mode == Mode.SERIAL && outer.mode() != Mode.SERIAL) {
                throw new IllegalStateException(operation + " must run alone (serializable) and cannot join the"
                        + " transaction of the unit around it");
            }
            try {
                return work.run(outer.tx());
            } catch (SQLException e) {
                throw new JoinedFailure(e);
            }
        }
        for (int attempt = 1; ; attempt++) {
            Connection c;
            try {
                c = connections.acquire();
            } catch (SQLException e) {
                throw new StoreException(operation + ": no connection to " + name + ": " + e.getMessage(), e);
            }
            try {
                connections.begin(c, mode);
                T result;
                try (Tx tx = new Tx(c, dialect, clock.instant(), routingSlots)) {
                    result = work.run(tx);
                    tx.flush(); // the inserts written behind
                }
                connections.commit(c);
                return result;
            } catch (SQLException e) {
                rollback(c, operation);
                if (dialect.isRetryable(e) && attempt < MAX_ATTEMPTS) {
                    log.debug("retrying transaction: operation={} attempt={} sqlState={}", operation, attempt,
                            e.getSQLState());
                    pause(attempt);
                    continue;
                }
                throw new StoreException(operation + " failed on " + name + ": " + e.getMessage() + " (SQLState "
                        + e.getSQLState() + ")", e);
            } catch (RuntimeException | Error e) {
                rollback(c, operation);
                throw e;
            } finally {
                connections.release(c);
            }
        }
    }

    /** A short random pause before a retry, so that two conflicting writers do not meet again at once. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rollback(Connection c, String operation) {
        try {
            connections.rollback(c);
        } catch (SQLException e) {
            log.warn("rollback failed: operation={} error={}", operation, e.getMessage());
        }
    }

    @Override
    public void close() {
        connections.close();
    }
}
