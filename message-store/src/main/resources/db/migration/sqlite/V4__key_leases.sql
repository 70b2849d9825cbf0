-- Key ownership (fencing). Keep in step with the other dialect's V4__key_leases.sql.
-- One row per routing key (<destination chain>:<signer slot>) a relayer instance has held: the instance that owns
-- the key's signer now (owner), the fencing epoch (incremented at every acquisition, so an earlier holder's
-- epoch is stale even when it has the same owner name) and when the lease ends unless renewed (epoch millis).
-- A transaction is recorded and broadcast only under the key's current lease.
CREATE TABLE key_leases (
    routing_key TEXT   PRIMARY KEY,
    owner       TEXT   NOT NULL,
    epoch       BIGINT NOT NULL,
    acquired_at BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

-- The lease a transaction was recorded under (null: a sender without leases, e.g. the monitor).
ALTER TABLE transactions ADD COLUMN lease_owner TEXT;
ALTER TABLE transactions ADD COLUMN lease_epoch BIGINT;
