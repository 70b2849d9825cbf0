package dev.crossbar.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;

/**
 * The few places where the two backends' SQL differs; every statement is otherwise the same. Both speak
 * {@code INSERT ... ON CONFLICT} and {@code RETURNING}.
 */
enum Dialect {
    /** One file, one writer at a time: no row locks, big integers as decimal text. */
    SQLITE("classpath:db/migration/sqlite", "", Set.of()),
    /** Several replicas: row locks, big integers as NUMERIC(78,0), deadlocks and serialization failures retried. */
    POSTGRES("classpath:db/migration/postgresql", " FOR UPDATE", Set.of("40001", "40P01"));

    private final String migrations;
    private final String forUpdate;
    private final Set<String> retryableStates;

    Dialect(String migrations, String forUpdate, Set<String> retryableStates) {
        this.migrations = migrations;
        this.forUpdate = forUpdate;
        this.retryableStates = retryableStates;
    }

    /** The Flyway location of this backend's schema history. */
    String migrations() {
        return migrations;
    }

    /** Appended to a SELECT whose rows the transaction is about to change. */
    String forUpdate() {
        return forUpdate;
    }

    void bindBig(PreparedStatement ps, int index, BigInteger value) throws SQLException {
        if (this == POSTGRES) {
            ps.setBigDecimal(index, new BigDecimal(value));
        } else {
            ps.setString(index, value.toString());
        }
    }

    /** Whether the whole transaction may simply be run again (a deadlock or serialization failure). */
    boolean isRetryable(SQLException e) {
        return e.getSQLState() != null && retryableStates.contains(e.getSQLState());
    }
}
