package dev.crossbar.monitor.chain;

import dev.crossbar.core.chain.EthApi;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;

/**
 * An endpoint for unit tests of the code above {@link Endpoint}: a head, block hashes that change from a fork point
 * on (a reorg), and failing when told to.
 */
public final class FakeEndpoint implements Endpoint {
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
    public String label() {
        return label;
    }

    @Override
    public long head() {
        if (down) {
            throw new IllegalStateException(label + " is down");
        }
        return head;
    }

    @Override
    public EthApi.Header latest() {
        return header(head).orElseThrow();
    }

    @Override
    public Optional<EthApi.Header> header(long number) {
        if (down) {
            throw new IllegalStateException(label + " is down");
        }
        String hash = "0x" + Long.toHexString(number) + (number >= forkFrom ? "f" + fork : "");
        return number > head ? Optional.empty() : Optional.of(new EthApi.Header(number, hash, "0x0", 0,
                BigInteger.ZERO));
    }

    @Override
    public String storageRoot(String account, long block) {
        throw new UnsupportedOperationException();
    }

    @Override
    public org.web3j.protocol.core.methods.response.EthGetProof.Proof proof(String account, List<String> slots,
            long block) {
        throw new UnsupportedOperationException();
    }

    @Override
    public BigInteger storageAt(String account, String slot, long block) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String call(String to, String data, String blockTag) {
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
}
