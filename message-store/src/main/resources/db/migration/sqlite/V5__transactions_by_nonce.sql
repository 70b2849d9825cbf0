-- A key's transactions from a nonce on (every relayer round asks, to see whether a reorg took away transactions it
-- had counted as mined): by nonce, without reading the key's whole history.
CREATE INDEX transactions_by_nonce ON transactions (chain_id, signer, nonce);
