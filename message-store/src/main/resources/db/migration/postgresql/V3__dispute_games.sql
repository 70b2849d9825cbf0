-- OP dispute games (fault-proof settlement), their claims and their history. Keep in step with
-- db/migration/sqlite/V3__dispute_games.sql. Every row comes from an L1 event (event_id) except verdicts; a
-- reorg that removes a game's creating event deletes the game with its claims and history, and one that removes
-- a later event undoes what that event did (see Rollback).

-- One row per game a DisputeGameFactory created; address is the game's (proxy) contract.
--   created_at, resolved_at:  L1 seconds (the game's createdAt; the block time of its Resolved event)
--   status:                   IN_PROGRESS, CHALLENGER_WINS or DEFENDER_WINS
--   max_clock_duration:       seconds; null until someone who read it from the game records it
--   verdict:                  VALID or INVALID (the root claim recomputed from the L2 node), null: unknown
CREATE TABLE games (
    id                   BIGSERIAL PRIMARY KEY,
    l1_chain_id          BIGINT  NOT NULL,
    l2_chain_id          BIGINT  NOT NULL,
    game_index           BIGINT  NOT NULL,
    address              TEXT    NOT NULL UNIQUE,
    game_type            INTEGER NOT NULL,
    root_claim           TEXT    NOT NULL,
    l2_block_number      BIGINT  NOT NULL,
    created_at           BIGINT  NOT NULL,
    l1_block_number      BIGINT  NOT NULL,
    l1_block_hash        TEXT    NOT NULL,
    l1_tx_hash           TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    resolved_at          BIGINT,
    resolved_by_event    BIGINT  REFERENCES events (id),
    blacklisted          BOOLEAN NOT NULL DEFAULT FALSE,
    blacklisted_by_event BIGINT  REFERENCES events (id),
    max_clock_duration   BIGINT,
    verdict              TEXT,
    verdict_detail       TEXT,
    verdict_by           TEXT,
    verdict_at           BIGINT,
    recorded_at          BIGINT  NOT NULL,
    event_id             BIGINT  NOT NULL UNIQUE REFERENCES events (id)
);
CREATE INDEX games_by_index ON games (l2_chain_id, game_index);
CREATE INDEX games_covering ON games (l2_chain_id, l2_block_number);
CREATE INDEX games_by_status ON games (l1_chain_id, status);
CREATE INDEX games_by_resolver ON games (resolved_by_event);
CREATE INDEX games_by_blacklister ON games (blacklisted_by_event);

-- The claims of a game, by their index in its claimData: the root claim (index 0, from the game's creation; its
-- parent, claimant and bond are not in that event) and one per Move.
--   position: the generalized index in the game tree (uint128); bond: wei; clock: the packed uint128 (duration
--             seconds in the high 64 bits, timestamp in the low 64); NUMERIC(78,0)
CREATE TABLE game_claims (
    id           BIGSERIAL PRIMARY KEY,
    game_address TEXT   NOT NULL REFERENCES games (address),
    claim_index  BIGINT NOT NULL,
    parent_index BIGINT,
    claim        TEXT   NOT NULL,
    claimant     TEXT,
    position     NUMERIC(78,0) NOT NULL,
    bond         NUMERIC(78,0),
    clock        NUMERIC(78,0) NOT NULL,
    event_id     BIGINT NOT NULL REFERENCES events (id),
    CONSTRAINT game_claims_unique UNIQUE (game_address, claim_index)
);
CREATE INDEX game_claims_by_event ON game_claims (event_id);

-- What happened to a game, oldest first: CREATED, MOVE, RESOLVED, BLACKLISTED, VERDICT, ROLLED_BACK (a reorg
-- removed the event of an entry, which is then deleted); the event that caused it, if any.
CREATE TABLE game_history (
    id           BIGSERIAL PRIMARY KEY,
    game_address TEXT   NOT NULL REFERENCES games (address),
    what         TEXT   NOT NULL,
    cause        TEXT   NOT NULL,
    event_id     BIGINT REFERENCES events (id),
    at           BIGINT NOT NULL
);
CREATE INDEX game_history_by_game ON game_history (game_address, id);
CREATE INDEX game_history_by_event ON game_history (event_id);
