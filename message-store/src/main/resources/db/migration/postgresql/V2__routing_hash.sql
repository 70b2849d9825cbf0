-- Each message's routing key, so that a relayer worker asks for its own key's due messages. Keep in step with
-- db/migration/sqlite/V2__routing_hash.sql.
--   routing_hash: the String hash of the lower-case id (RoutingKey.hash), which does not depend on the count of
--                 slots: floorMod(routing_hash, n) is the message's slot among n, in SQL as in Java, so a change
--                 of the relayer's signer slots needs no migration.
ALTER TABLE messages ADD COLUMN routing_hash INTEGER NOT NULL DEFAULT 0;

-- Java's String.hashCode: h = 31 * h + c over the characters, in 32-bit two's complement.
UPDATE messages SET routing_hash = (
    WITH RECURSIVE h (i, v) AS (
        SELECT 1, 0::BIGINT
        UNION ALL
        SELECT i + 1, (v * 31 + ascii(substr(lower(messages.id), i, 1))) % 4294967296
        FROM h WHERE i <= length(messages.id))
    SELECT (CASE WHEN v >= 2147483648 THEN v - 4294967296 ELSE v END)::INTEGER FROM h ORDER BY i DESC LIMIT 1);

CREATE INDEX messages_due_by_destination ON messages (destination_chain_id, state, next_attempt_at);
