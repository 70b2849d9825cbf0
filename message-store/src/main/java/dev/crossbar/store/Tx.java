package dev.crossbar.store;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * One database transaction: a connection with auto-commit off, the dialect, and the time the transaction
 * started (every row it writes carries that time). Parameters may be String, Long, Integer, Boolean,
 * BigInteger, Instant (stored as epoch millis), an enum (stored by name) or null.
 *
 * <p>Statements are prepared once per transaction and reused: a watcher batch runs the same few statements
 * for every event, and preparing them each time cost more than running them.
 */
final class Tx implements AutoCloseable {
    interface RowMapper<T> {
        T map(Row row) throws SQLException;
    }

    private final Connection connection;
    private final Dialect dialect;
    private final Instant now;
    private final java.util.Map<String, PreparedStatement> statements = new java.util.HashMap<>();

    private final int routingSlots;

    Tx(Connection connection, Dialect dialect, Instant now, int routingSlots) {
        this.routingSlots = routingSlots;
        this.connection = connection;
        this.dialect = dialect;
        this.now = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // what the database keeps
    }

    /** The relayer's signer slots per destination: message records are keyed by routing key. */
    int routingSlots() {
        return routingSlots;
    }

    Dialect dialect() {
        return dialect;
    }

    Instant now() {
        return now;
    }

    long nowMillis() {
        return now.toEpochMilli();
    }

    /** {@code sql} with {@code FOR UPDATE} appended where the backend locks rows. */
    String locking(String sql) {
        return sql + dialect.forUpdate();
    }

    <T> List<T> list(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        PreparedStatement ps = prepared(sql);
        bind(ps, params);
        try (ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            Row row = new Row(rs);
            while (rs.next()) {
                out.add(mapper.map(row));
            }
            return out;
        }
    }

    /** The first row, mapped; empty when there is none or the mapper maps it to null (a NULL aggregate). */
    <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        PreparedStatement ps = prepared(sql);
        bind(ps, params);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(mapper.map(new Row(rs))) : Optional.empty();
        }
    }

    long count(String sql, Object... params) throws SQLException {
        return first(sql, r -> r.rs().getLong(1), params).orElse(0L);
    }

    int update(String sql, Object... params) throws SQLException {
        PreparedStatement ps = prepared(sql);
        bind(ps, params);
        return ps.executeUpdate();
    }

    /** Runs an INSERT ... RETURNING id; empty when it inserted nothing (ON CONFLICT DO NOTHING). */
    Optional<Long> insertReturningId(String sql, Object... params) throws SQLException {
        return first(sql, r -> r.rs().getLong(1), params);
    }

    /** {@code ?, ?, ?} for an IN list. */
    static String placeholders(Collection<?> values) {
        return String.join(", ", java.util.Collections.nCopies(values.size(), "?"));
    }

    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        } else {
            ps.clearParameters();
        }
        return ps;
    }

    /** Closes the statements this transaction prepared (the connection stays open). */
    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        statements.clear();
        if (first != null) {
            throw first;
        }
    }

    private void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            int index = i + 1;
            switch (params[i]) {
                case null -> ps.setNull(index, Types.NULL);
                case String s -> ps.setString(index, s);
                case Long l -> ps.setLong(index, l);
                case Integer n -> ps.setInt(index, n);
                case Boolean b -> ps.setBoolean(index, b);
                case BigInteger b -> dialect.bindBig(ps, index, b);
                case Instant t -> ps.setLong(index, t.toEpochMilli());
                case Enum<?> e -> ps.setString(index, e.name());
                default -> throw new IllegalArgumentException("cannot bind a " + params[i].getClass().getName()
                        + " as SQL parameter " + index);
            }
        }
    }
}
