package dev.crossbar.store;

import java.sql.SQLException;
import java.util.Objects;

/** The transactions table: what the relayer and the monitor send, recorded before it is broadcast. */
final class Transactions {
    private Transactions() {}

    /** Records a signed transaction; recording the same one (same hash) again returns the first record. */
    static TxRecord record(Tx tx, TxRecord t) throws SQLException {
        Objects.requireNonNull(t.txHash(), "txHash");
        String what = "transaction " + t.txHash();
        Objects.requireNonNull(t.purpose(), () -> what + ": purpose");
        Objects.requireNonNull(t.signer(), () -> what + ": signer");
        Objects.requireNonNull(t.rawTx(), () -> what + ": rawTx");
        long nonce = Numbers.exact(t.nonce(), what + ": nonce");
        TxRecord.Status status = t.status() == null ? TxRecord.Status.SIGNED : t.status();
        String hash = Messages.normalize(t.txHash());
        tx.update("""
                INSERT INTO transactions (message_id, purpose, chain_id, signer, nonce, tx_hash, raw_tx, max_fee_per_gas,
                    max_priority_fee_per_gas, gas_limit, status, replaces_tx_hash, error, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (tx_hash) DO NOTHING""",
                Messages.normalize(t.messageId()), t.purpose(), t.chainId(), Messages.normalize(t.signer()), nonce, hash,
                Messages.normalize(t.rawTx()), t.maxFeePerGas(), t.maxPriorityFeePerGas(), t.gasLimit(), status,
                Messages.normalize(t.replacesTxHash()), t.error(), tx.now(), tx.now());
        return tx.first("SELECT * FROM transactions WHERE tx_hash = ?", Rows::transaction, hash).orElseThrow();
    }
}
