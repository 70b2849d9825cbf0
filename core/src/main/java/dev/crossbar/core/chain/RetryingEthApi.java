package dev.crossbar.core.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.core.rpc.RpcException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * An {@link EthApi} that tries a call again when no endpoint answered ({@link RpcException.Transport}), up to
 * {@code attempts} times with {@code backoff} between them. Every call of the interface is safe to repeat (reads, and
 * broadcasts of the same signed bytes), and a node that stalls for a moment should cost a delay, not a failed step.
 * A node's answer (an error, a revert) is never retried here: the caller decides what it means.
 */
public final class RetryingEthApi implements EthApi {
    /** Three tries, 200 ms and 400 ms apart. */
    public static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 0);
    public static final int DEFAULT_ATTEMPTS = 3;

    private final EthApi delegate;
    private final Backoff backoff;
    private final int attempts;

    public RetryingEthApi(EthApi delegate, Backoff backoff, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.delegate = delegate;
        this.backoff = backoff;
        this.attempts = attempts;
    }

    private <T> T retry(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RpcException.Transport e) {
                if (attempt >= attempts) {
                    throw e;
                }
                try {
                    Thread.sleep(backoff.delay(attempt).toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public long chainId() {
        return delegate.chainId();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public List<EthApi> endpoints() {
        return delegate.endpoints();
    }

    @Override
    public JsonNode request(String method, List<?> params) {
        return retry(() -> delegate.request(method, params));
    }

    @Override
    public List<JsonNode> batch(List<Call> calls) {
        return retry(() -> delegate.batch(calls));
    }

    @Override
    public List<dev.crossbar.core.rpc.JsonRpcClient.Answer> batchAnswers(List<Call> calls) {
        return retry(() -> delegate.batchAnswers(calls));
    }

    @Override
    public boolean batchesRequests() {
        return delegate.batchesRequests();
    }

    @Override
    public long blockNumber() {
        return retry(delegate::blockNumber);
    }

    @Override
    public Header header(String tagOrHex) {
        return retry(() -> delegate.header(tagOrHex));
    }

    @Override
    public Optional<Header> findHeader(String tagOrHex) {
        return retry(() -> delegate.findHeader(tagOrHex));
    }

    @Override
    public BigInteger storageAt(String address, String slot, long block) {
        return retry(() -> delegate.storageAt(address, slot, block));
    }

    @Override
    public String callAt(String to, String data, String blockTag) {
        return retry(() -> delegate.callAt(to, data, blockTag));
    }

    @Override
    public List<Log> logs(String address, String topic0, long from, long to) {
        return retry(() -> delegate.logs(address, topic0, from, to));
    }

    @Override
    public Optional<Transaction> transaction(String hash) {
        return retry(() -> delegate.transaction(hash));
    }

    @Override
    public BigInteger nonce(String address, String tag) {
        return retry(() -> delegate.nonce(address, tag));
    }

    @Override
    public BigInteger balance(String address) {
        return retry(() -> delegate.balance(address));
    }

    @Override
    public String call(String from, String to, String data, BigInteger value) {
        return retry(() -> delegate.call(from, to, data, value));
    }

    @Override
    public BigInteger estimateGas(String from, String to, String data, BigInteger value) {
        return retry(() -> delegate.estimateGas(from, to, data, value));
    }

    @Override
    public String call(String from, TxCall tx) {
        return retry(() -> delegate.call(from, tx));
    }

    @Override
    public BigInteger estimateGas(String from, TxCall tx) {
        return retry(() -> delegate.estimateGas(from, tx));
    }

    @Override
    public String sendRaw(String signedHex) {
        return retry(() -> delegate.sendRaw(signedHex));
    }

    @Override
    public Optional<TransactionReceipt> receipt(String txHash) {
        return retry(() -> delegate.receipt(txHash));
    }

    @Override
    public boolean knowsTransaction(String txHash) {
        return retry(() -> delegate.knowsTransaction(txHash));
    }

    @Override
    public EthGetProof.Proof proof(String address, List<String> slots, long block) {
        return retry(() -> delegate.proof(address, slots, block));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
