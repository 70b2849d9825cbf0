package dev.crossbar.core.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.core.rpc.RpcException;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.crypto.AccessListObject;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * One chain, as the relayer, the monitor and the transaction manager reach it: typed reads and the broadcast they
 * need, answered synchronously (callers run on worker or virtual threads, never on an event loop). The implementation
 * over one JSON-RPC endpoint is {@link RpcEthApi}; failover across a chain's endpoints ({@link FailoverEthApi}) and
 * retries ({@link RetryingEthApi}) are decorators around the interface, and {@link #connect} composes them. Unit tests
 * give the code above it a fake.
 */
public interface EthApi extends AutoCloseable {
    /** How long one request to one endpoint may take, unless the caller says otherwise. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** How long an endpoint that failed is asked only after the others, unless the caller says otherwise. */
    Duration DEFAULT_COOLDOWN = Duration.ofSeconds(15);

    /** A block header's fields the services use. */
    record Header(long number, String hash, String stateRoot, long timestamp, BigInteger baseFeePerGas) {}

    /** One call of a {@link #batch}. */
    record Call(String method, List<?> params) {}

    /** A call that reverted: the node's revert data (may be empty) and its message. */
    final class Reverted extends RuntimeException {
        private final String data;

        public Reverted(String message, String data) {
            super(message);
            this.data = data;
        }

        /** The revert data: {@code Error(string)} encoding, a custom error selector, or null. */
        public String data() {
            return data;
        }
    }

    long chainId();

    /** The chain's configured name, or an endpoint's label ({@code l1#0}, never its URL), for logs and evidence. */
    String name();

    /**
     * Any JSON-RPC call: its {@code result}, JSON null when the node returned null.
     *
     * @throws dev.crossbar.core.rpc.RpcException.Remote the node's error answer
     * @throws dev.crossbar.core.rpc.RpcException.Transport when no endpoint answered
     */
    JsonNode request(String method, List<?> params);

    /** Several calls in one JSON-RPC batch request; results in the order of {@code calls}. */
    List<JsonNode> batch(List<Call> calls);

    /**
     * Several calls in one JSON-RPC batch request, each answered on its own, in the order of {@code calls}: the node's
     * error answer to one call (a revert, a refused transaction) fails that call only. Only a batch no endpoint
     * answered fails as a whole ({@link dev.crossbar.core.rpc.RpcException.Transport}). By default the calls are made
     * one by one.
     */
    default List<JsonRpcClient.Answer> batchAnswers(List<Call> calls) {
        List<JsonRpcClient.Answer> out = new ArrayList<>(calls.size());
        for (Call c : calls) {
            try {
                out.add(new JsonRpcClient.Answer(request(c.method(), c.params()), null));
            } catch (RpcException.Remote e) {
                out.add(new JsonRpcClient.Answer(null, e));
            }
        }
        return out;
    }

    /**
     * A transaction to simulate, estimate or call: to whom, with what data and value, and the EIP-2930 access list it
     * carries (empty for none; an executing message of interop must be declared in it).
     */
    record TxCall(String to, String data, BigInteger value, List<AccessListObject> accessList) {
        public TxCall {
            accessList = accessList == null ? List.of() : List.copyOf(accessList);
        }

        /** A call without an access list. */
        public TxCall(String to, String data, BigInteger value) {
            this(to, data, value, List.of());
        }
    }

    /** One item of a batched read: its value, or why that item failed ({@link Reverted} for a revert). */
    record Each<T>(T value, RuntimeException error) {
        public boolean failed() {
            return error != null;
        }

        /** The value, or the item's failure thrown. */
        public T orThrow() {
            if (error != null) {
                throw error;
            }
            return value;
        }
    }

    /**
     * Whether {@link #batchAnswers} sends its calls in one request (over JSON-RPC); the reads of many items below then
     * go through it ({@link BatchReads}), else they are made one by one.
     */
    default boolean batchesRequests() {
        return false;
    }

    /** {@link #call(String, TxCall)} of several transactions (in one batch over JSON-RPC): each its data or failure. */
    default List<Each<String>> callEach(String from, List<TxCall> txs) {
        return batchesRequests() ? BatchReads.callEach(this, from, txs)
                : txs.stream().map(t -> each(() -> call(from, t))).toList();
    }

    /** {@link #estimateGas(String, TxCall)} of several transactions (in one batch over JSON-RPC). */
    default List<Each<BigInteger>> estimateGasEach(String from, List<TxCall> txs) {
        return batchesRequests() ? BatchReads.estimateGasEach(this, from, txs)
                : txs.stream().map(t -> each(() -> estimateGas(from, t))).toList();
    }

    /** {@link #receipt} of several transactions (in one batch over JSON-RPC). */
    default List<Optional<TransactionReceipt>> receipts(List<String> txHashes) {
        return batchesRequests() ? BatchReads.receipts(this, txHashes) : txHashes.stream().map(this::receipt).toList();
    }

    /**
     * The highest block at the depth {@code depth} names: the node's {@code safe}/{@code finalized} block, or the
     * latest block less a number of blocks (never below 0).
     */
    default long heightAt(dev.crossbar.core.config.Confirmations depth) {
        return depth.usesTag() ? header(depth.tag()).number() : Math.max(0, latest().number() - depth.blocks());
    }

    /** {@link #findHeader(long)} of several blocks (in one batch over JSON-RPC). */
    default List<Optional<Header>> findHeaders(List<Long> numbers) {
        return batchesRequests() ? BatchReads.findHeaders(this, numbers) : numbers.stream().map(this::findHeader).toList();
    }

    private static <T> Each<T> each(java.util.function.Supplier<T> read) {
        try {
            return new Each<>(read.get(), null);
        } catch (Reverted | RpcException.Remote e) {
            return new Each<>(null, e);
        }
    }

    long blockNumber();

    /** A header by tag ({@code latest}, {@code safe}, {@code finalized}, {@code pending}) or hex number. */
    Header header(String tagOrHex);

    /** A header by tag or hex number; empty when the node has no such block (yet). */
    Optional<Header> findHeader(String tagOrHex);

    /** Block {@code number}'s header; empty when the node has no such block (yet). */
    default Optional<Header> findHeader(long number) {
        return findHeader(hex(number));
    }

    /** Storage slot {@code slot} of {@code address} at block {@code block}. */
    BigInteger storageAt(String address, String slot, long block);

    /** The code at {@code address} at {@code blockTag} (a tag or hex number): {@code 0x} when it has none. */
    default String code(String address, String blockTag) {
        JsonNode code = request("eth_getCode", List.of(address, blockTag));
        if (!code.isTextual()) {
            throw new RpcException.Malformed("eth_getCode of " + address + " answered " + code);
        }
        return code.asText();
    }

    /**
     * {@code eth_call} at {@code blockTag} (a tag or hex number), as nobody in particular.
     *
     * @throws Reverted when the call reverts
     */
    String callAt(String to, String data, String blockTag);

    /** The logs of {@code address} with first topic {@code topic0} in blocks {@code from..to}. */
    List<org.web3j.protocol.core.methods.response.Log> logs(String address, String topic0, long from, long to);

    /** A transaction by hash; empty when the node does not know it. */
    Optional<org.web3j.protocol.core.methods.response.Transaction> transaction(String hash);

    /** The latest block's header. */
    default Header latest() {
        return header("latest");
    }

    /**
     * The base fee the next block will have at most: the latest block's base fee raised by the largest step EIP-1559
     * allows (1/8). Computed from the latest block rather than asked of the {@code pending} block, which some nodes
     * build on demand (and anvil can stall on).
     */
    default BigInteger nextBaseFee() {
        BigInteger base = latest().baseFeePerGas();
        return base.add(base.shiftRight(3)).add(BigInteger.ONE);
    }

    BigInteger nonce(String address, String tag);

    BigInteger balance(String address);

    /**
     * {@code eth_call} at the latest block: the returned data, or {@link Reverted} when the call reverts.
     *
     * @param from who the call is made as (matters for allow-lists and {@code tx.origin})
     */
    String call(String from, String to, String data, BigInteger value);

    /** {@code eth_estimateGas}; {@link Reverted} when the transaction would revert. */
    BigInteger estimateGas(String from, String to, String data, BigInteger value);

    /**
     * {@link #call(String, String, String, BigInteger)} of {@code tx} with its access list. An API that cannot pass
     * an access list refuses one rather than simulating without it.
     */
    default String call(String from, TxCall tx) {
        requireNoAccessList(tx, "eth_call");
        return call(from, tx.to(), tx.data(), tx.value());
    }

    /** {@link #estimateGas(String, String, String, BigInteger)} of {@code tx} with its access list (see there). */
    default BigInteger estimateGas(String from, TxCall tx) {
        requireNoAccessList(tx, "eth_estimateGas");
        return estimateGas(from, tx.to(), tx.data(), tx.value());
    }

    private void requireNoAccessList(TxCall tx, String method) {
        if (!tx.accessList().isEmpty()) {
            throw new UnsupportedOperationException(name() + ": this chain API cannot make an " + method
                    + " with an access list");
        }
    }

    /**
     * Broadcasts a signed transaction.
     *
     * @return the transaction hash the node reports
     * @throws dev.crossbar.core.rpc.RpcException.Remote with the node's reason when it refuses
     */
    String sendRaw(String signedHex);

    Optional<TransactionReceipt> receipt(String txHash);

    /** Whether the node knows the transaction (mined or in its pool). */
    boolean knowsTransaction(String txHash);

    /** {@code eth_getProof} of {@code address}'s {@code slots} at {@code block}. */
    EthGetProof.Proof proof(String address, List<String> slots, long block);

    /** The storage root of {@code account} at {@code block}, lower case ({@code eth_getProof} without slots). */
    default String storageRoot(String account, long block) {
        return proof(account, List.of(), block).getStorageHash().toLowerCase(Locale.ROOT);
    }

    /**
     * One API per endpoint behind this one, most preferred first, each asking its endpoint only (no failover, no
     * retries): for callers that compare what the endpoints say. An API over one endpoint is that endpoint.
     */
    default List<EthApi> endpoints() {
        return List.of(this);
    }

    /** Releases the connections this API holds; nothing by default. */
    @Override
    default void close() {}

    /**
     * The chain over JSON-RPC as services use it: one {@link RpcEthApi} per URL, behind a {@link FailoverEthApi}
     * when there are several (most preferred first, each named {@code name#i}), wrapped in {@link RetryingEthApi}
     * (a call no endpoint answered is tried again, a moment apart). Closing it closes its connections.
     *
     * @param urls the chain's endpoints, most preferred first
     * @param timeout how long one request to one endpoint may take
     * @param cooldown how long an endpoint that failed is asked only after the others
     */
    static EthApi connect(Vertx vertx, long chainId, String name, List<URI> urls, Duration timeout,
            Duration cooldown) {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("chain " + name + ": at least one RPC endpoint is needed");
        }
        List<EthApi> endpoints = new ArrayList<>();
        try {
            for (int i = 0; i < urls.size(); i++) {
                String label = urls.size() == 1 ? name : name + "#" + i;
                endpoints.add(new RpcEthApi(chainId, label, new JsonRpcClient(vertx, label, urls.get(i), timeout)));
            }
        } catch (RuntimeException e) {
            endpoints.forEach(EthApi::close);
            throw e;
        }
        EthApi chain = endpoints.size() == 1 ? endpoints.getFirst() : new FailoverEthApi(name, endpoints, cooldown);
        return new RetryingEthApi(chain, RetryingEthApi.DEFAULT_BACKOFF, RetryingEthApi.DEFAULT_ATTEMPTS);
    }

    /** {@link #connect(Vertx, long, String, List, Duration, Duration)} to a configured chain's endpoints. */
    static EthApi connect(Vertx vertx, ChainConfig chain, Duration timeout, Duration cooldown) {
        return connect(vertx, chain.chainId(), chain.name(), chain.rpc(), timeout, cooldown);
    }

    /** {@link #connect(Vertx, ChainConfig, Duration, Duration)} with the default timeout and cooldown. */
    static EthApi connect(Vertx vertx, ChainConfig chain) {
        return connect(vertx, chain, DEFAULT_TIMEOUT, DEFAULT_COOLDOWN);
    }

    /** A block number as a JSON-RPC quantity. */
    static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }
}
