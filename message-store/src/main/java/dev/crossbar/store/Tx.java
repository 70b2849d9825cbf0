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
 *
 * <p>Inserts whose result nobody needs at once ({@link #later}) are written behind: queued, and run as multi-row
 * inserts of up to {@value #LATER_ROWS} rows when enough are queued, before any statement that names their table
 * (so the transaction always reads its own writes), and before the transaction commits ({@link #flush}). A watcher
 * batch writes most of its rows this way, in a few statements instead of one per row.
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
    /** Write-behind inserts, by table, flushed in {@link #LATER_ORDER} (a row's references are written first). */
    private final java.util.Map<String, Later> later = new java.util.HashMap<>();

    /** Rows of one multi-row insert written behind, at most (and at most {@value #LATER_PARAMS} parameters). */
    static final int LATER_ROWS = 500;
    private static final int LATER_PARAMS = 30_000;
    /**
     * The tables {@link #later} may write, in the order their queues are flushed: rows of a later table may refer to
     * rows of an earlier one (a transition to its message), never the reverse.
     */
    static final List<String> LATER_ORDER = List.of("messages", "message_transitions", "outbox");

    /** The queued rows of one table: one INSERT shape, its values tuple, the parameters row after row. */
    private static final class Later {
        final String head;
        final String tuple;
        final int width;
        final List<Object> params = new ArrayList<>();

        Later(String head, String tuple, int width) {
            this.head = head;
            this.tuple = tuple;
            this.width = width;
        }

        int rows() {
            return params.size() / width;
        }
    }

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
        flushFor(sql);
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
        flushFor(sql);
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
        flushFor(sql);
        PreparedStatement ps = prepared(sql);
        bind(ps, params);
        return ps.executeUpdate();
    }

    /** Runs an INSERT ... RETURNING id; empty when it inserted nothing (ON CONFLICT DO NOTHING). */
    Optional<Long> insertReturningId(String sql, Object... params) throws SQLException {
        return first(sql, r -> r.rs().getLong(1), params);
    }

    /**
     * Queues {@code sql}, an {@code INSERT INTO <table> (...) VALUES (...)} into one of {@link #LATER_ORDER}'s tables
     * with nothing after its values, to run later with other rows of the same insert (see the class comment). Its
     * errors (a constraint) surface when the queue runs, in this transaction.
     */
    void later(String sql, Object... params) throws SQLException {
        Shape shape = SHAPES.computeIfAbsent(sql, Tx::shape);
        Later q = later.get(shape.table());
        if (q != null && (!q.head.equals(shape.head()) || !q.tuple.equals(shape.tuple()))) {
            flush(); // another insert shape into the same table: the rows keep their order
            q = null;
        }
        if (q == null) {
            q = new Later(shape.head(), shape.tuple(), params.length);
            later.put(shape.table(), q);
        }
        if (params.length != q.width) {
            throw new IllegalArgumentException("insert into " + shape.table() + " with " + params.length
                    + " parameters, the queued ones have " + q.width);
        }
        java.util.Collections.addAll(q.params, params);
        if (q.rows() >= Math.min(LATER_ROWS, LATER_PARAMS / Math.max(1, q.width))) {
            flush();
        }
    }

    /** An insert {@link #later} takes, cut up: its table, what comes before its values, its values tuple. */
    private record Shape(String table, String head, String tuple) {}

    /** The shapes of the inserts seen, by their SQL (a handful of constants). */
    private static final java.util.Map<String, Shape> SHAPES = new java.util.concurrent.ConcurrentHashMap<>();

    private static Shape shape(String sql) {
        String[] words = sql.strip().split("\\s+", 4);
        int values = sql.lastIndexOf("VALUES");
        if (words.length < 4 || !words[0].equalsIgnoreCase("INSERT") || !words[1].equalsIgnoreCase("INTO")
                || !LATER_ORDER.contains(words[2]) || values < 0) {
            throw new IllegalArgumentException("only an INSERT INTO one of " + LATER_ORDER
                    + " ... VALUES (...) can be written behind: " + sql);
        }
        return new Shape(words[2], sql.substring(0, values), sql.substring(values + "VALUES".length()).strip());
    }

    /** Runs the queued inserts ({@link #later}), every table's, in {@link #LATER_ORDER}. */
    void flush() throws SQLException {
        if (later.isEmpty()) {
            return;
        }
        for (String table : LATER_ORDER) {
            Later q = later.remove(table);
            if (q == null) {
                continue;
            }
            int chunk = Math.max(1, Math.min(LATER_ROWS, LATER_PARAMS / Math.max(1, q.width)));
            int rows = q.rows();
            for (int from = 0; from < rows; from += chunk) {
                int n = Math.min(chunk, rows - from);
                String sql = q.head + "VALUES " + String.join(", ", java.util.Collections.nCopies(n, q.tuple));
                PreparedStatement ps = prepared(sql);
                bind(ps, q.params.subList(from * q.width, (from + n) * q.width).toArray());
                ps.executeUpdate();
            }
        }
    }

    /** Runs the queued inserts before {@code sql} when it names one of their tables. */
    private void flushFor(String sql) throws SQLException {
        if (later.isEmpty()) {
            return;
        }
        for (String table : later.keySet()) {
            if (mentions(sql, table)) {
                flush();
                return;
            }
        }
    }

    /** Whether {@code sql} names {@code table} as a word (not as part of a longer name). */
    static boolean mentions(String sql, String table) {
        for (int i = sql.indexOf(table); i >= 0; i = sql.indexOf(table, i + 1)) {
            int end = i + table.length();
            boolean before = i == 0 || !isNamePart(sql.charAt(i - 1));
            boolean after = end == sql.length() || !isNamePart(sql.charAt(end));
            if (before && after) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
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
        later.clear();
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
