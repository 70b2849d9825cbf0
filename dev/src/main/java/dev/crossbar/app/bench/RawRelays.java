package dev.crossbar.app.bench;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.relayer.RelayCalls;
import dev.crossbar.store.MessageRecord;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The destination's raw capacity for the relay transactions of some messages, like for like: the same
 * {@code relayMessage} call data the relayer builds, sent by the same kind of client (core {@link EthApi} over
 * JSON-RPC), with the per-transaction work no relayer can avoid and nothing else. Inside the timed window, for each
 * message in turn: build the call, sign an EIP-1559 transaction at the next consecutive nonce, and
 * {@code eth_sendRawTransaction} it, waiting for the node's answer before the next; then each transaction's receipt
 * is fetched ({@code eth_getTransactionReceipt}, again until it is there). Outside the window, once for the run: the
 * signer's nonce, one {@code eth_estimateGas} (its gas limit, doubled, for every transaction) and the fee cap.
 * Not included (what the relayer does on top): Kafka, store reads and writes, per-message simulation or gas estimate,
 * fee and balance look-ups, confirmations.
 */
final class RawRelays {
    static final String INCLUDES = "build call + sign + eth_sendRawTransaction one by one at consecutive nonces, "
            + "then eth_getTransactionReceipt until mined; nonce, gas limit and fees looked up once before the clock";

    /** One relay transaction as sent: when it went out, when its receipt was seen, and its block. */
    record Sent(String messageId, String txHash, long sentAtMillis, long receiptAtMillis, long block) {}

    /** The run: every transaction, and the timed window from the first signature to the last receipt. */
    record Result(List<Sent> sent, long startMillis, long endMillis) {
        double seconds() {
            return Math.max(0.001, (endMillis - startMillis) / 1000.0);
        }

        double rate() {
            return sent.size() / seconds();
        }

        List<Long> latenciesMs() {
            return sent.stream().map(s -> s.receiptAtMillis() - s.sentAtMillis()).toList();
        }
    }

    private RawRelays() {}

    /** Relays {@code messages} (l2-to-l2, all to one destination) directly with {@code key}. */
    static Result send(Chains network, List<MessageRecord> messages, Credentials key) throws InterruptedException {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("no message to relay: the watcher recorded none of the sent ones");
        }
        long chainId = messages.getFirst().destinationChainId();
        EthApi dest = network.client(chainId);
        BigInteger nonce = dest.nonce(key.getAddress(), "pending");
        BigInteger gas = dest.estimateGas(key.getAddress(), RelayCalls.crossRollupRelay(network, messages.getFirst()))
                .multiply(BigInteger.TWO);
        BigInteger tip = BigInteger.TEN.pow(9);
        BigInteger maxFee = dest.latest().baseFeePerGas().multiply(BigInteger.valueOf(4)).add(tip);

        long start = System.currentTimeMillis();
        List<String> hashes = new ArrayList<>(messages.size());
        List<Long> sentAt = new ArrayList<>(messages.size());
        for (MessageRecord m : messages) {
            EthApi.TxCall relay = RelayCalls.crossRollupRelay(network, m);
            RawTransaction tx = RawTransaction.createTransaction(chainId, nonce, gas, relay.to(), BigInteger.ZERO,
                    relay.data(), tip, maxFee, relay.accessList());
            String signed = Numeric.toHexString(TransactionEncoder.signMessage(tx, key));
            sentAt.add(System.currentTimeMillis());
            hashes.add(dest.sendRaw(signed));
            nonce = nonce.add(BigInteger.ONE);
        }
        List<Sent> sent = new ArrayList<>(messages.size());
        for (int i = 0; i < hashes.size(); i++) {
            Optional<TransactionReceipt> r;
            while ((r = dest.receipt(hashes.get(i))).isEmpty()) {
                Thread.sleep(2);
            }
            if (!r.get().isStatusOK()) {
                throw new IllegalStateException("raw relay " + hashes.get(i) + " of message "
                        + messages.get(i).id() + " reverted");
            }
            sent.add(new Sent(messages.get(i).id(), hashes.get(i), sentAt.get(i), System.currentTimeMillis(),
                    r.get().getBlockNumber().longValueExact()));
        }
        return new Result(sent, start, System.currentTimeMillis());
    }
}
