-- Crossbar message store, SQLite. Keep in step with db/migration/postgresql/V1__message_store.sql:
-- the same tables, columns and indexes. Times are epoch milliseconds (block times: seconds), big
-- integers decimal TEXT (any uint256), hashes and addresses lower-case 0x hex; booleans 0/1.

-- Every decoded protocol event, once per (chain, block hash, log index). A reorg marks it removed.
-- subject: the message (or messenger) hash the event moves, if any: an event seen before its message
-- is applied when the message is recorded.
CREATE TABLE events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id        BIGINT  NOT NULL,
    block_number    BIGINT  NOT NULL,
    block_hash      TEXT    NOT NULL,
    block_timestamp BIGINT  NOT NULL,
    tx_hash         TEXT    NOT NULL,
    log_index       BIGINT  NOT NULL,
    address         TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    subject         TEXT,
    removed         BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_at     BIGINT  NOT NULL,
    CONSTRAINT events_log_unique UNIQUE (chain_id, block_hash, log_index)
);
CREATE INDEX events_by_block ON events (chain_id, block_number);
CREATE INDEX events_by_tx ON events (chain_id, tx_hash);
CREATE INDEX events_by_subject ON events (subject);

-- One row per message; seq orders messages by creation.
CREATE TABLE messages (
    seq                    INTEGER PRIMARY KEY AUTOINCREMENT,
    id                     TEXT    NOT NULL UNIQUE,
    kind                   TEXT    NOT NULL,
    state                  TEXT    NOT NULL,
    source_chain_id        BIGINT  NOT NULL,
    destination_chain_id   BIGINT  NOT NULL,
    nonce                  TEXT    NOT NULL,
    sender                 TEXT    NOT NULL,
    target                 TEXT    NOT NULL,
    value                  TEXT    NOT NULL,
    gas_limit              TEXT    NOT NULL,
    data                   TEXT    NOT NULL,
    messenger_hash         TEXT,
    parent_id              TEXT,
    source_block_number    BIGINT  NOT NULL,
    source_block_hash      TEXT    NOT NULL,
    source_tx_hash         TEXT    NOT NULL,
    source_log_index       BIGINT  NOT NULL,
    source_block_timestamp BIGINT  NOT NULL,
    created_by_event       BIGINT  NOT NULL REFERENCES events (id),
    attempts               INTEGER NOT NULL DEFAULT 0,
    next_attempt_at        BIGINT,
    last_error             TEXT,
    details                TEXT    NOT NULL DEFAULT '{}',
    created_at             BIGINT  NOT NULL,
    updated_at             BIGINT  NOT NULL,
    version                BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX messages_due ON messages (state, next_attempt_at);
CREATE INDEX messages_by_source ON messages (source_chain_id, kind, state, source_block_number);
CREATE INDEX messages_by_destination ON messages (destination_chain_id, kind, nonce);
CREATE INDEX messages_by_source_tx ON messages (source_chain_id, source_tx_hash);
CREATE INDEX messages_by_messenger_hash ON messages (messenger_hash);
CREATE INDEX messages_by_creator ON messages (created_by_event);

-- Every lifecycle move, with the event that caused it (null: an operator or service call, or an
-- undo). A reorg marks the moves of removed events undone and records the undo as new moves.
CREATE TABLE message_transitions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT    NOT NULL REFERENCES messages (id),
    from_state TEXT,
    to_state   TEXT    NOT NULL,
    cause      TEXT    NOT NULL,
    event_id   BIGINT  REFERENCES events (id),
    undone     BOOLEAN NOT NULL DEFAULT FALSE,
    at         BIGINT  NOT NULL
);
CREATE INDEX transitions_by_message ON message_transitions (message_id, id);
CREATE INDEX transitions_by_event ON message_transitions (event_id);

-- Output roots proposed on L1, one row per proposal (an index can be proposed again after a deletion).
CREATE TABLE outputs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    l2_chain_id      BIGINT NOT NULL,
    output_index     BIGINT NOT NULL,
    output_root      TEXT   NOT NULL,
    l2_block_number  BIGINT NOT NULL,
    l1_timestamp     BIGINT NOT NULL,
    l1_chain_id      BIGINT NOT NULL,
    l1_block_number  BIGINT NOT NULL,
    l1_block_hash    TEXT   NOT NULL,
    l1_tx_hash       TEXT   NOT NULL,
    status           TEXT   NOT NULL,
    verdict          TEXT,
    checked_at       BIGINT,
    created_at       BIGINT NOT NULL,
    event_id         BIGINT NOT NULL UNIQUE REFERENCES events (id),
    deleted_by_event BIGINT REFERENCES events (id)
);
CREATE INDEX outputs_covering ON outputs (l2_chain_id, status, l2_block_number);
CREATE INDEX outputs_by_index ON outputs (l2_chain_id, output_index);
CREATE INDEX outputs_by_deleter ON outputs (deleted_by_event);

-- Each chain's cursor; a row with a null block is a chain seen but not recorded yet (it is also
-- the row a batch locks so that two replicas never record the same chain at once).
CREATE TABLE chain_cursors (
    chain_id     BIGINT PRIMARY KEY,
    block_number BIGINT,
    block_hash   TEXT,
    updated_at   BIGINT NOT NULL
);

-- The most recent blocks of each chain (at least 256), for finding where a reorg forked.
CREATE TABLE chain_blocks (
    chain_id    BIGINT NOT NULL,
    number      BIGINT NOT NULL,
    hash        TEXT   NOT NULL,
    parent_hash TEXT   NOT NULL,
    timestamp   BIGINT NOT NULL,
    PRIMARY KEY (chain_id, number)
);

-- Records to publish to Kafka, written with the change they announce; deleted once published.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    topic      TEXT   NOT NULL,
    key        TEXT   NOT NULL,
    payload    TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

-- Logs a watcher could not decode, with the reason.
CREATE TABLE set_aside (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id     BIGINT NOT NULL,
    block_number BIGINT NOT NULL,
    block_hash   TEXT   NOT NULL,
    tx_hash      TEXT   NOT NULL,
    log_index    BIGINT NOT NULL,
    address      TEXT   NOT NULL,
    reason       TEXT   NOT NULL,
    raw_log      TEXT   NOT NULL,
    recorded_at  BIGINT NOT NULL,
    CONSTRAINT set_aside_log_unique UNIQUE (chain_id, block_hash, log_index)
);

-- Transactions the relayer and the monitor send, recorded before broadcast.
CREATE TABLE transactions (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id               TEXT,
    purpose                  TEXT   NOT NULL,
    chain_id                 BIGINT NOT NULL,
    signer                   TEXT   NOT NULL,
    nonce                    BIGINT NOT NULL,
    tx_hash                  TEXT   NOT NULL UNIQUE,
    raw_tx                   TEXT   NOT NULL,
    max_fee_per_gas          TEXT,
    max_priority_fee_per_gas TEXT,
    gas_limit                TEXT,
    status                   TEXT   NOT NULL,
    replaces_tx_hash         TEXT,
    error                    TEXT,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL
);
CREATE INDEX transactions_open ON transactions (chain_id, signer, status, nonce);
CREATE INDEX transactions_by_message ON transactions (message_id);

-- The monitor's findings; at most one OPEN finding per dedupe key.
CREATE TABLE findings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL,
    severity      TEXT    NOT NULL,
    chain_id      BIGINT  NOT NULL,
    dedupe_key    TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    evidence      TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    count         INTEGER NOT NULL,
    first_seen    BIGINT  NOT NULL,
    last_seen     BIGINT  NOT NULL,
    resolved_note TEXT,
    resolved_at   BIGINT
);
CREATE UNIQUE INDEX findings_open_key ON findings (dedupe_key) WHERE status = 'OPEN';
CREATE INDEX findings_by_status ON findings (status, id);

-- Circuit breakers, one per chain.
CREATE TABLE breakers (
    chain_id   BIGINT  PRIMARY KEY,
    tripped    BOOLEAN NOT NULL,
    reason     TEXT    NOT NULL,
    changed_by TEXT    NOT NULL,
    changed_at BIGINT  NOT NULL
);
