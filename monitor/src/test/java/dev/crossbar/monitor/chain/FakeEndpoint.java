package dev.crossbar.monitor.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.chain.EthApi;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * One endpoint of a chain for unit tests of the code above {@link EthApi}: a head, block hashes that change from a
 * fork point on (a reorg), and failing when told to. Everything else is unsupported.
 */
public final class FakeEndpoint implements EthApi {
    final String label;
    public volatile long head;
    public volatile boolean down;
    /** Blocks at or above this number have hashes of fork {@link #fork}. */
    public volatile long forkFrom = Long.MAX_VALUE;
    public volatile int fork;

    public FakeEndpoint(String label, long head) {
        this.label = label;
        this.head = head;
    }

    @Override
    public long chainId() {
        return 901;
    }

    @Override
    public String name() {
        return label;
    }

    @Override
    public long blockNumber() {
        if (down) {
            throw new IllegalStateException(label + " is down");
        }
        return head;
    }

    @Override
    public Header header(String tagOrHex) {
        return findHeader(tagOrHex).orElseThrow();
    }

    @Override
    public Optional<Header> findHeader(String tagOrHex) {
        if (down) {
            throw new IllegalStateException(label + " is down");
        }
        long number = "latest".equals(tagOrHex) ? head : Numeric.toBigInt(tagOrHex).longValueExact();
        String hash = "0x" + Long.toHexString(number) + (number >= forkFrom ? "f" + fork : "");
        return number > head ? Optional.empty() : Optional.of(new Header(number, hash, "0x0", 0, BigInteger.ZERO));
    }

    @Override
    public JsonNode request(String method, List<?> params) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<JsonNode> batch(List<Call> calls) {
        throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger storageAt(String address, String slot, long block) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String callAt(String to, String data, String blockTag) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Log> logs(String address, String topic0, long from, long to) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Transaction> transaction(String hash) {
        throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger nonce(String address, String tag) {
        throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger balance(String address) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String call(String from, String to, String data, BigInteger value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger estimateGas(String from, String to, String data, BigInteger value) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String sendRaw(String signedHex) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<TransactionReceipt> receipt(String txHash) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean knowsTransaction(String txHash) {
        throw new UnsupportedOperationException();
    }

    @Override
    public EthGetProof.Proof proof(String account, List<String> slots, long block) {
        throw new UnsupportedOperationException();
    }
}
