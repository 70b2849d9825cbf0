package dev.crossbar.store;

import java.time.Instant;
import java.util.Objects;

/**
 * The ownership of a routing key's signer by one relayer instance: a fencing token. Every acquisition raises the
 * key's {@code epoch}, so a holder that lost the key (its lease ran out while it was frozen, cut off or slow, and
 * another instance took it) holds a stale epoch even when it uses the same owner name; the store refuses to record
 * a transaction under a lease that is not the key's current, unexpired one ({@link FencedOff}).
 *
 * @param routingKey the key ({@code <destination chain>:<slot>})
 * @param owner the holding instance's name
 * @param epoch the fencing epoch of this acquisition
 * @param expiresAt when the lease ends unless it is renewed first (as of the acquisition or last renewal)
 */
public record KeyLease(String routingKey, String owner, long epoch, Instant expiresAt) {
    public KeyLease {
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return routingKey + " owner=" + owner + " epoch=" + epoch + " until=" + expiresAt;
    }
}
