package dev.crossbar.core.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.core.rpc.RpcException;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * {@link EthApi} over the non-blocking {@link JsonRpcClient} of one endpoint, answered synchronously: callers run on
 * worker or virtual threads, so waiting here blocks no event loop. One attempt per call, at one endpoint: services get
 * it behind {@link FailoverEthApi} and {@link RetryingEthApi} from {@link EthApi#connect}. Closing it closes the
 * client.
 */
public final class RpcEthApi implements EthApi {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final long chainId;
    private final String name;
    private final JsonRpcClient rpc;

    public RpcEthApi(long chainId, String name, JsonRpcClient rpc) {
        this.chainId = chainId;
        this.name = name;
        this.rpc = rpc;
    }

    @Override
    public long chainId() {
        return chainId;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Any JSON-RPC call, answered synchronously: its {@code result}, JSON null when the node returned null.
     *
     * @throws RpcException.Remote the node's error answer
     * @throws RpcException.Transport when the endpoint did not answer
     */
    @Override
    public JsonNode request(String method, List<?> params) {
        return rpc(method, params);
    }

    @Override
    public List<JsonNode> batch(List<Call> calls) {
        List<JsonRpcClient.Call> wire = calls.stream().map(c -> new JsonRpcClient.Call(c.method(), c.params())).toList();
        return await(rpc.batch(wire), "a batch of " + calls.size() + " calls");
    }

    @Override
    public List<JsonRpcClient.Answer> batchAnswers(List<Call> calls) {
        List<JsonRpcClient.Call> wire = calls.stream().map(c -> new JsonRpcClient.Call(c.method(), c.params())).toList();
        return await(rpc.batchAnswers(wire), "a batch of " + calls.size() + " calls");
    }

    @Override
    public boolean batchesRequests() {
        return true;
    }

    @Override
    public long blockNumber() {
        return hexLong(rpc("eth_blockNumber", List.of()));
    }

    @Override
    public Header header(String tagOrHex) {
        return findHeader(tagOrHex).or(() -> "pending".equals(tagOrHex) ? Optional.of(latest()) : Optional.empty())
                .orElseThrow(() -> new RpcException.Malformed(name + ": no block " + tagOrHex));
    }

    @Override
    public Optional<Header> findHeader(String tagOrHex) {
        return header(name, rpc("eth_getBlockByNumber", List.of(tagOrHex, false)));
    }

    /** A block of {@code eth_getBlockByNumber} as a header; empty for JSON null (no such block). */
    static Optional<Header> header(String chain, JsonNode b) {
        if (b.isNull()) {
            return Optional.empty();
        }
        JsonNode fee = b.path("baseFeePerGas");
        return Optional.of(new Header(hexLong(chain, b.path("number")), b.path("hash").asText().toLowerCase(Locale.ROOT),
                b.path("stateRoot").asText().toLowerCase(Locale.ROOT), hexLong(chain, b.path("timestamp")),
                fee.isTextual() ? Numeric.toBigInt(fee.asText()) : BigInteger.ZERO));
    }

    @Override
    public BigInteger storageAt(String address, String slot, long block) {
        return Numeric.toBigInt(rpc("eth_getStorageAt", List.of(address, slot, EthApi.hex(block))).asText());
    }

    @Override
    public String callAt(String to, String data, String blockTag) {
        try {
            return rpc("eth_call", List.of(tx(null, to, data, null, null), blockTag)).asText();
        } catch (RpcException.Remote e) {
            throw revertedOr(e);
        }
    }

    @Override
    public List<Log> logs(String address, String topic0, long from, long to) {
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        filter.put("fromBlock", EthApi.hex(from));
        filter.put("toBlock", EthApi.hex(to));
        filter.put("address", address);
        filter.putArray("topics").add(topic0);
        return java.util.Arrays.asList(JsonRpcClient.convert("eth_getLogs", Log[].class)
                .apply(rpc("eth_getLogs", List.of(filter))));
    }

    @Override
    public Optional<Transaction> transaction(String hash) {
        JsonNode t = rpc("eth_getTransactionByHash", List.of(hash));
        return t.isNull() ? Optional.empty()
                : Optional.of(JsonRpcClient.convert("eth_getTransactionByHash", Transaction.class).apply(t));
    }

    @Override
    public BigInteger nonce(String address, String tag) {
        return Numeric.toBigInt(rpc("eth_getTransactionCount", List.of(address, tag)).asText());
    }

    @Override
    public BigInteger balance(String address) {
        return Numeric.toBigInt(rpc("eth_getBalance", List.of(address, "latest")).asText());
    }

    /**
     * {@code eth_call}: the returned data, or {@link Reverted} when the call reverts.
     *
     * @param from who the call is made as (matters for allow-lists and {@code tx.origin})
     */
    @Override
    public String call(String from, String to, String data, BigInteger value) {
        return call(from, new TxCall(to, data, value));
    }

    /** {@code eth_estimateGas}; {@link Reverted} when the transaction would revert. */
    @Override
    public BigInteger estimateGas(String from, String to, String data, BigInteger value) {
        return estimateGas(from, new TxCall(to, data, value));
    }

    @Override
    public String call(String from, TxCall tx) {
        try {
            return rpc("eth_call", List.of(tx(from, tx), "latest")).asText();
        } catch (RpcException.Remote e) {
            throw revertedOr(e);
        }
    }

    @Override
    public BigInteger estimateGas(String from, TxCall tx) {
        try {
            return Numeric.toBigInt(rpc("eth_estimateGas", List.of(tx(from, tx))).asText());
        } catch (RpcException.Remote e) {
            throw revertedOr(e);
        }
    }

    /**
     * Broadcasts a signed transaction.
     *
     * @return the transaction hash the node reports
     * @throws RpcException.Remote with the node's reason when it refuses (nonce too low, underpriced, ...)
     */
    @Override
    public String sendRaw(String signedHex) {
        return rpc("eth_sendRawTransaction", List.of(signedHex)).asText();
    }

    @Override
    public Optional<TransactionReceipt> receipt(String txHash) {
        JsonNode r = rpc("eth_getTransactionReceipt", List.of(txHash));
        if (r.isNull()) {
            return Optional.empty();
        }
        return Optional.of(JsonRpcClient.convert("eth_getTransactionReceipt", TransactionReceipt.class).apply(r));
    }

    /** Whether the node knows the transaction (mined or in its pool). */
    @Override
    public boolean knowsTransaction(String txHash) {
        return !rpc("eth_getTransactionByHash", List.of(txHash)).isNull();
    }

    @Override
    public EthGetProof.Proof proof(String address, List<String> slots, long block) {
        return JsonRpcClient.convert("eth_getProof", EthGetProof.Proof.class)
                .apply(rpc("eth_getProof", List.of(address, slots, EthApi.hex(block))));
    }

    @Override
    public void close() {
        rpc.close();
    }

    /** The JSON-RPC transaction object of a call or an estimate. */
    static ObjectNode tx(String from, String to, String data, BigInteger value, BigInteger gas) {
        ObjectNode t = JsonNodeFactory.instance.objectNode();
        if (from != null) {
            t.put("from", from);
        }
        t.put("to", to);
        t.put("data", data);
        if (value != null && value.signum() > 0) {
            t.put("value", Numeric.toHexStringWithPrefix(value));
        }
        if (gas != null) {
            t.put("gas", Numeric.toHexStringWithPrefix(gas));
        }
        return t;
    }

    /** The transaction object of {@code eth_call}/{@code eth_estimateGas} for {@code call}, with its access list. */
    static ObjectNode tx(String from, TxCall call) {
        ObjectNode t = tx(from, call.to(), call.data(), call.value(), null);
        if (!call.accessList().isEmpty()) {
            var list = t.putArray("accessList");
            for (org.web3j.crypto.AccessListObject o : call.accessList()) {
                ObjectNode entry = list.addObject();
                entry.put("address", o.getAddress());
                var keys = entry.putArray("storageKeys");
                o.getStorageKeys().forEach(keys::add);
            }
        }
        return t;
    }

    /** {@code e} as {@link EthApi.Reverted} when the node's error says the call reverted; {@code e} otherwise. */
    static RuntimeException revertedOr(RpcException.Remote e) {
        String m = e.remoteMessage().toLowerCase(Locale.ROOT);
        boolean reverted = e.code() == 3 || m.contains("revert") || m.contains("execution reverted");
        return reverted ? new EthApi.Reverted(e.remoteMessage(), e.data()) : e;
    }

    private long hexLong(JsonNode n) {
        return hexLong(name, n);
    }

    private static long hexLong(String chain, JsonNode n) {
        if (!n.isTextual()) {
            throw new RpcException.Malformed(chain + ": expected a hex quantity, got " + n);
        }
        return Numeric.toBigInt(n.asText()).longValueExact();
    }

    /** Calls {@code method} once (retries are {@link RetryingEthApi}'s job). */
    private JsonNode rpc(String method, List<?> params) {
        return await(rpc.call(method, params), method);
    }

    private <T> T await(Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new RpcException.Transport(name + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new RpcException.Transport(name + ": no answer to " + what + " within " + WAIT.toSeconds() + "s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException.Transport(name + ": interrupted", e);
        }
    }
}
