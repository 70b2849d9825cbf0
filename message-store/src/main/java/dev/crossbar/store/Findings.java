package dev.crossbar.store;

import java.sql.SQLException;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The findings table: at most one OPEN finding per dedupe key (a unique index), so that two monitor
 * replicas reporting the same thing at once count it twice instead of opening it twice.
 */
final class Findings {
    static final String OPEN = "OPEN";
    static final String RESOLVED = "RESOLVED";

    private Findings() {}

    static MessageStore.FindingResult record(Tx tx, Finding f) throws SQLException {
        Objects.requireNonNull(f.dedupeKey(), "finding dedupeKey");
        Objects.requireNonNull(f.kind(), () -> "finding " + f.dedupeKey() + ": kind");
        Objects.requireNonNull(f.severity(), () -> "finding " + f.dedupeKey() + ": severity");
        Objects.requireNonNull(f.summary(), () -> "finding " + f.dedupeKey() + ": summary");
        var seen = f.lastSeen() == null ? tx.now() : f.lastSeen();
        var first = f.firstSeen() == null ? seen : f.firstSeen();
        var row = tx.first("""
                INSERT INTO findings (kind, severity, chain_id, dedupe_key, summary, evidence, status, count, first_seen,
                    last_seen)
                VALUES (?, ?, ?, ?, ?, ?, 'OPEN', 1, ?, ?)
                ON CONFLICT (dedupe_key) WHERE status = 'OPEN' DO UPDATE SET count = findings.count + 1,
                    severity = excluded.severity, summary = excluded.summary, evidence = excluded.evidence,
                    last_seen = excluded.last_seen
                RETURNING id, count""", r -> new long[] {r.lng("id"), r.lng("count")}, f.kind(), f.severity(),
                f.chainId(), f.dedupeKey(), f.summary(), Rows.writeMap(f.evidence()), first, seen).orElseThrow();
        Finding stored = tx.first("SELECT * FROM findings WHERE id = ?", Rows::finding, row[0]).orElseThrow();
        return new MessageStore.FindingResult(stored, row[1] == 1);
    }

    static void resolve(Tx tx, long id, String note) throws SQLException {
        if (tx.update("UPDATE findings SET status = 'RESOLVED', resolved_note = ?, resolved_at = ? WHERE id = ?", note,
                tx.now(), id) == 0) {
            throw new NoSuchElementException("no finding " + id);
        }
    }
}
