package dev.crossbar.core.protocol;

import dev.crossbar.contracts.op.OptimismPortal2;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.List;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * An OP Stack deposit transaction (type {@code 0x7E}, OP spec {@code deposits.md}) for a user deposit: what the
 * rollup node derives from a {@code TransactionDeposited} log of the portal, and what an OP-mode anvil L2 executes
 * when it is sent as a raw transaction.
 *
 * <p>Encoding: {@code 0x7E || rlp([sourceHash, from, to, mint, value, gas, isSystemTx, data])}, unsigned, with
 * {@code to} empty for a contract creation and {@code isSystemTx} false (there are no system deposits since Regolith).
 * Its hash is {@code keccak256} of those bytes, so it is known before it is sent.
 *
 * @param sourceHash {@link #userDepositSourceHash}: ties the deposit to its L1 log, and makes it unique
 * @param deposit the deposit as the log carries it
 */
public record OpDepositTx(byte[] sourceHash, DepositTransaction deposit) {
    /** The transaction type of deposits. */
    public static final byte TYPE = 0x7E;
    /** The source-hash domain of user deposits. */
    private static final byte[] USER_DEPOSIT_DOMAIN = new byte[32];

    public OpDepositTx {
        if (sourceHash == null || sourceHash.length != 32) {
            throw new IllegalArgumentException("a deposit's source hash is 32 bytes, got "
                    + (sourceHash == null ? "none" : sourceHash.length));
        }
    }

    /**
     * The deposit of a {@code TransactionDeposited} event, at its place in its L1 block.
     *
     * @throws MalformedEventException when the event's version is unknown, its data too short, or the log lacks
     *     its block hash or log index (a pending log)
     */
    public static OpDepositTx from(OptimismPortal2.TransactionDepositedEventResponse event) {
        return at(event.log, DepositTransaction.decode(event.from, event.to, event.version, event.opaqueData));
    }

    /**
     * {@code deposit}, decoded from the {@code TransactionDeposited} log {@code log} (of OP's portal or of any portal
     * that emits OP's event), at that log's place in its L1 block.
     *
     * @throws MalformedEventException when the log lacks its block hash or log index (a pending log)
     */
    public static OpDepositTx at(Log log, DepositTransaction deposit) {
        if (log == null || log.getBlockHash() == null || log.getLogIndex() == null) {
            throw new MalformedEventException("TransactionDeposited log has no block hash or log index: a deposit is"
                    + " derived only from a mined log");
        }
        return new OpDepositTx(userDepositSourceHash(Numeric.hexStringToByteArray(log.getBlockHash()),
                log.getLogIndex()), deposit);
    }

    /**
     * The source hash of a user deposit: {@code keccak256(bytes32(0) ++ keccak256(l1BlockHash ++
     * bytes32(logIndex)))}, where {@code logIndex} is the log's index in its block (not in its transaction).
     */
    public static byte[] userDepositSourceHash(byte[] l1BlockHash, BigInteger logIndex) {
        byte[] depositId = Hash.sha3(concat(l1BlockHash, Numeric.toBytesPadded(logIndex, 32)));
        return Hash.sha3(concat(USER_DEPOSIT_DOMAIN, depositId));
    }

    /** The raw transaction: {@code 0x7E || rlp(fields)}. */
    public byte[] encoded() {
        DepositTransaction d = deposit;
        List<RlpType> fields = List.of(
                RlpString.create(sourceHash),
                RlpString.create(Numeric.hexStringToByteArray(d.from())),
                RlpString.create(d.isCreation() ? new byte[0] : Numeric.hexStringToByteArray(d.to())),
                RlpString.create(d.mint()),
                RlpString.create(d.value()),
                RlpString.create(d.gasLimit()),
                RlpString.create(new byte[0]), // isSystemTx = false
                RlpString.create(d.data()));
        return concat(new byte[] {TYPE}, RlpEncoder.encode(new RlpList(fields)));
    }

    /** The transaction's hash on the L2: {@code keccak256(encoded())}, as a hex string. */
    public String hash() {
        return Numeric.toHexString(Hash.sha3(encoded()));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
