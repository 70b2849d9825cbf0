package dev.crossbar.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The key_leases table: which relayer instance owns which routing key's signer, with a fencing epoch. */
final class Leases {
    private Leases() {}

    /** The key's lease if {@code owner} may take it now (free, expired, or its own): a new epoch. */
    static Optional<KeyLease> acquire(Tx tx, String key, String owner, Duration ttl) throws SQLException {
        long now = tx.nowMillis();
        long until = now + ttl.toMillis();
        Optional<KeyLease> current = current(tx, key, true);
        if (current.isEmpty()) {
            int n = tx.update("INSERT INTO key_leases (routing_key, owner, epoch, acquired_at, expires_at)"
                    + " VALUES (?, ?, 1, ?, ?) ON CONFLICT (routing_key) DO NOTHING", key, owner, now, until);
            // Nothing inserted: another instance took the key a moment ago.
            return n == 1 ? Optional.of(new KeyLease(key, owner, 1, Instant.ofEpochMilli(until))) : Optional.empty();
        }
        KeyLease held = current.get();
        if (!held.owner().equals(owner) && held.expiresAt().toEpochMilli() > now) {
            return Optional.empty();
        }
        long epoch = held.epoch() + 1;
        tx.update("UPDATE key_leases SET owner = ?, epoch = ?, acquired_at = ?, expires_at = ? WHERE routing_key = ?",
                owner, epoch, now, until, key);
        return Optional.of(new KeyLease(key, owner, epoch, Instant.ofEpochMilli(until)));
    }

    /** Extends a lease still held; empty when it was lost (expired, or taken since). */
    static Optional<KeyLease> renew(Tx tx, KeyLease lease, Duration ttl) throws SQLException {
        long until = tx.nowMillis() + ttl.toMillis();
        int n = tx.update("UPDATE key_leases SET expires_at = ? WHERE routing_key = ? AND owner = ? AND epoch = ?"
                + " AND expires_at > ?", until, lease.routingKey(), lease.owner(), lease.epoch(), tx.nowMillis());
        return n == 1 ? Optional.of(new KeyLease(lease.routingKey(), lease.owner(), lease.epoch(),
                Instant.ofEpochMilli(until))) : Optional.empty();
    }

    /** Ends a lease at once, so that the next owner need not wait for it to run out. */
    static void release(Tx tx, KeyLease lease) throws SQLException {
        tx.update("UPDATE key_leases SET expires_at = ? WHERE routing_key = ? AND owner = ? AND epoch = ?",
                tx.nowMillis(), lease.routingKey(), lease.owner(), lease.epoch());
    }

    /**
     * Throws {@link FencedOff} unless {@code lease} is the key's current one and has at least {@code margin} left: a
     * holder whose renewals stopped (frozen, cut off from the store) stops sending that long before another may
     * take the key.
     */
    static void check(Tx tx, KeyLease lease, Duration margin) throws SQLException {
        Optional<KeyLease> current = current(tx, lease.routingKey(), false);
        if (current.isEmpty()) {
            throw new FencedOff(lease, "no lease is recorded for the key");
        }
        KeyLease c = current.get();
        if (c.epoch() != lease.epoch() || !c.owner().equals(lease.owner())) {
            throw new FencedOff(lease, "the key is held by " + c.owner() + " at epoch " + c.epoch() + " since");
        }
        long left = c.expiresAt().toEpochMilli() - tx.nowMillis();
        if (left <= margin.toMillis()) {
            throw new FencedOff(lease, left <= 0 ? "the lease ran out " + (-left) + " ms ago"
                    : "the lease runs out in " + left + " ms, within the safety margin of " + margin.toMillis()
                            + " ms (renewals stopped)");
        }
    }

    static Optional<KeyLease> current(Tx tx, String key, boolean lock) throws SQLException {
        String sql = "SELECT routing_key, owner, epoch, expires_at FROM key_leases WHERE routing_key = ?";
        return tx.first(lock ? tx.locking(sql) : sql, r -> new KeyLease(r.str("routing_key"), r.str("owner"),
                r.lng("epoch"), r.instant("expires_at")), key);
    }
}
