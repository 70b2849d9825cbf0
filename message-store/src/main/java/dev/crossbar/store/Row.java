package dev.crossbar.store;

import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Typed reads from the current row of a result set (times are epoch millis, big integers decimal). */
record Row(ResultSet rs) {

    String str(String column) throws SQLException {
        return rs.getString(column);
    }

    long lng(String column) throws SQLException {
        return rs.getLong(column);
    }

    int intg(String column) throws SQLException {
        return rs.getInt(column);
    }

    Long lngOrNull(String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    boolean bool(String column) throws SQLException {
        return rs.getBoolean(column);
    }

    BigInteger big(String column) throws SQLException {
        String v = rs.getString(column);
        return v == null ? null : new BigInteger(v);
    }

    Instant instant(String column) throws SQLException {
        Long millis = lngOrNull(column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
