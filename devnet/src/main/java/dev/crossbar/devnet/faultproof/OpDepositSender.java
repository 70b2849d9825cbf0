package dev.crossbar.devnet.faultproof;

import dev.crossbar.core.protocol.OpDepositTx;
import dev.crossbar.devnet.DevChain;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * Includes deposits in an OP-mode anvil L2 ({@link dev.crossbar.devnet.AnvilNode.Network#OPTIMISM}) as raw
 * {@code 0x7E} transactions, the way a sequencer includes what it derives from L1.
 *
 * <p>anvil does not deduplicate deposits: the same bytes sent twice are executed twice. A deposit's hash is known
 * before it is sent, so this asks the L2 for it first and sends only a deposit the L2 does not have.
 */
public final class OpDepositSender {
    private static final Logger log = LoggerFactory.getLogger(OpDepositSender.class);

    private final DevChain l2;
    /** Polls every 100 ms, for up to 30 s. */
    private final PollingTransactionReceiptProcessor receipts;

    public OpDepositSender(DevChain l2) {
        this.l2 = l2;
        this.receipts = new PollingTransactionReceiptProcessor(l2.web3j(), 100, 300);
    }

    /**
     * A deposit on the L2: its receipt, and whether this call sent it (false: the L2 had it already).
     */
    public record Included(TransactionReceipt receipt, boolean sent) {}

    /**
     * Sends {@code deposit} unless the L2 already has it (pending or mined), and waits for its receipt.
     *
     * @throws IOException when the node refuses it, answers with another hash than {@code keccak256} of the bytes
     *     sent, or does not mine it in time
     */
    public Included include(OpDepositTx deposit) throws IOException {
        String hash = deposit.hash();
        boolean had = known(hash);
        if (had) {
            log.debug("deposit already on the L2, not sent again chain={} tx={}", l2.name(), hash);
        } else {
            send(deposit);
        }
        return new Included(awaitReceipt(hash), !had);
    }

    /**
     * Sends {@code deposit} to the L2 without waiting for it to be mined (the caller checked that the L2 does not
     * have it: anvil would execute it again).
     *
     * @throws IOException when the node refuses it or answers with another hash than {@code keccak256} of the bytes
     *     sent
     */
    public void send(OpDepositTx deposit) throws IOException {
        String hash = deposit.hash();
        EthSendTransaction sent = l2.web3j().ethSendRawTransaction(Numeric.toHexString(deposit.encoded())).send();
        if (sent.hasError()) {
            throw new IOException("L2 " + l2.name() + " refused deposit " + hash + ": " + sent.getError().getMessage());
        }
        if (!hash.equalsIgnoreCase(sent.getTransactionHash())) {
            throw new IOException("L2 " + l2.name() + " took deposit " + hash + " under another hash, "
                    + sent.getTransactionHash() + ": it does not encode deposits as the OP spec does");
        }
        log.info("deposit sent chain={} tx={} from={} to={} mint={}", l2.name(), hash, deposit.deposit().from(),
                deposit.deposit().to(), deposit.deposit().mint());
    }

    /** Whether the L2 has the transaction {@code hash}, pending or mined. */
    public boolean known(String hash) throws IOException {
        Optional<Transaction> tx = l2.web3j().ethGetTransactionByHash(hash).send().getTransaction();
        return tx.isPresent();
    }

    /**
     * The receipt of the L2 transaction {@code hash}, once mined (up to 30 s).
     *
     * @throws IOException when it is not mined in time
     */
    public TransactionReceipt awaitReceipt(String hash) throws IOException {
        try {
            return receipts.waitForTransactionReceipt(hash);
        } catch (TransactionException e) {
            throw new IOException("deposit " + hash + " was not mined on L2 " + l2.name() + ": " + e.getMessage(), e);
        }
    }
}
