package dev.crossbar.store;

import java.sql.SQLException;
import java.util.Objects;

/** The transactions table: what the relayer and the monitor send, recorded before it is broadcast. */
final class Transactions {
    private Transactions() {}

    /**
     * Records a signed transaction; recording the same one (same hash) again returns the first record. Under a
     * {@code lease} (null: a sender without one) it is recorded only if that lease is the key's current one with
     * {@code margin} left, else {@link FencedOff} and nothing is written.
     */
    static TxRecord record(Tx tx, TxRecord t, KeyLease lease, java.time.Duration margin) throws SQLException {
        Objects.requireNonNull(t.txHash(), "txHash");
        String what = "transaction " + t.txHash();
        Objects.requireNonNull(t.purpose(), () -> what + ": purpose");
        Objects.requireNonNull(t.signer(), () -> what + ": signer");
        Objects.requireNonNull(t.rawTx(), () -> what + ": rawTx");
        long nonce = Numbers.exact(t.nonce(), what + ": nonce");
        TxRecord.Status status = t.status() == null ? TxRecord.Status.SIGNED : t.status();
        String hash = Messages.normalize(t.txHash());
        if (lease != null) {
            Leases.check(tx, lease, margin);
        }
        tx.update("""
                INSERT INTO transactions (message_id, purpose, chain_id, signer, nonce, tx_hash, raw_tx, max_fee_per_gas,
                    max_priority_fee_per_gas, gas_limit, status, replaces_tx_hash, error, created_at, updated_at,
                    lease_owner, lease_epoch)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (tx_hash) DO NOTHING""",
                Messages.normalize(t.messageId()), t.purpose(), t.chainId(), Messages.normalize(t.signer()), nonce, hash,
                Messages.normalize(t.rawTx()), t.maxFeePerGas(), t.maxPriorityFeePerGas(), t.gasLimit(), status,
                Messages.normalize(t.replacesTxHash()), t.error(), tx.now(), tx.now(),
                lease == null ? null : lease.owner(), lease == null ? null : lease.epoch());
        return tx.first("SELECT * FROM transactions WHERE tx_hash = ?", Rows::transaction, hash).orElseThrow();
    }
}
