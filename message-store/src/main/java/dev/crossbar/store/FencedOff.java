package dev.crossbar.store;

/**
 * A write or a send under a lease that is no longer the key's current one: the lease ran out, or another instance
 * (or a later acquisition) holds the key now. Nothing was written; the holder must stop sending for the key.
 */
public final class FencedOff extends RuntimeException {
    private final KeyLease lease;

    public FencedOff(KeyLease lease, String why) {
        super("fenced off from key " + lease.routingKey() + " (owner " + lease.owner() + ", epoch " + lease.epoch()
                + "): " + why);
        this.lease = lease;
    }

    public KeyLease lease() {
        return lease;
    }
}
