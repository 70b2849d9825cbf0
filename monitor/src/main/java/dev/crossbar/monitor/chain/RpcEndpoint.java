package dev.crossbar.monitor.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.core.chain.ChainClient;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.core.rpc.RpcException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.utils.Numeric;

/** An {@link Endpoint} over a {@link JsonRpcClient} (one URL, or a failover list for the chain's primary view). */
public final class RpcEndpoint implements Endpoint {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long HEDGE_AFTER_MS = 2000;

    private final String label;
    private final JsonRpcClient rpc;
    private final Context context;

    /**
     * @param context the Vert.x context the client's requests are issued on (requests issued from other threads were
     *     seen to lose their answer now and then: the exchange hangs until its timeout)
     */
    public RpcEndpoint(String label, JsonRpcClient rpc, Context context) {
        this.label = label;
        this.rpc = rpc;
        this.context = context;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public long head() {
        return quantity(call("eth_blockNumber", List.of()));
    }

    @Override
    public ChainClient.Header latest() {
        return block("latest").orElseThrow(() -> new RpcException.Malformed(label + ": no latest block"));
    }

    @Override
    public Optional<ChainClient.Header> header(long number) {
        return block(ChainClient.hex(number));
    }

    private Optional<ChainClient.Header> block(String tag) {
        JsonNode b = call("eth_getBlockByNumber", List.of(tag, false));
        if (b.isNull()) {
            return Optional.empty();
        }
        JsonNode fee = b.path("baseFeePerGas");
        return Optional.of(new ChainClient.Header(quantity(b.path("number")), b.path("hash").asText().toLowerCase(
                Locale.ROOT), b.path("stateRoot").asText().toLowerCase(Locale.ROOT), quantity(b.path("timestamp")),
                fee.isTextual() ? Numeric.toBigInt(fee.asText()) : BigInteger.ZERO));
    }

    @Override
    public String storageRoot(String account, long block) {
        return proof(account, List.of(), block).getStorageHash().toLowerCase(Locale.ROOT);
    }

    @Override
    public EthGetProof.Proof proof(String account, List<String> slots, long block) {
        return JsonRpcClient.convert("eth_getProof", EthGetProof.Proof.class).apply(call("eth_getProof",
                List.of(account, slots, ChainClient.hex(block))));
    }

    @Override
    public BigInteger storageAt(String account, String slot, long block) {
        return Numeric.toBigInt(call("eth_getStorageAt", List.of(account, slot, ChainClient.hex(block))).asText());
    }

    @Override
    public String call(String to, String data, String blockTag) {
        ObjectNode tx = JsonNodeFactory.instance.objectNode();
        tx.put("to", to);
        tx.put("data", data);
        try {
            return call("eth_call", List.of(tx, blockTag)).asText();
        } catch (RpcException.Remote e) {
            String m = e.remoteMessage().toLowerCase(Locale.ROOT);
            if (e.code() == 3 || m.contains("revert")) {
                throw new CallReverted(e.remoteMessage() + (e.data() == null ? "" : " " + e.data()));
            }
            throw e;
        }
    }

    @Override
    public List<Log> logs(String address, String topic0, long from, long to) {
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        filter.put("fromBlock", ChainClient.hex(from));
        filter.put("toBlock", ChainClient.hex(to));
        filter.put("address", address);
        filter.putArray("topics").add(topic0);
        return Arrays.asList(JsonRpcClient.convert("eth_getLogs", Log[].class).apply(call("eth_getLogs",
                List.of(filter))));
    }

    @Override
    public Optional<Transaction> transaction(String hash) {
        JsonNode t = call("eth_getTransactionByHash", List.of(hash));
        return t.isNull() ? Optional.empty()
                : Optional.of(JsonRpcClient.convert("eth_getTransactionByHash", Transaction.class).apply(t));
    }

    private long quantity(JsonNode n) {
        if (!n.isTextual()) {
            throw new RpcException.Malformed(label + ": expected a hex quantity, got " + n);
        }
        return Numeric.toBigInt(n.asText()).longValueExact();
    }

    /**
     * One call, hedged: when the endpoint has not answered within {@value #HEDGE_AFTER_MS} ms, the same call is sent
     * again and the first answer wins (every call here reads, so asking twice changes nothing). A request lost on the
     * way (seen with fresh connections per request under load) then costs that delay rather than a whole timeout.
     */
    private JsonNode call(String method, List<?> params) {
        CompletableFuture<JsonNode> first = send(method, params);
        try {
            return first.get(HEDGE_AFTER_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            CompletableFuture<JsonNode> second = send(method, params);
            return await(firstSuccess(first, second), method);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException.Transport(label + ": interrupted", e);
        }
    }

    private CompletableFuture<JsonNode> send(String method, List<?> params) {
        CompletableFuture<JsonNode> out = new CompletableFuture<>();
        context.runOnContext(v -> rpc.call(method, params).onComplete(ar -> {
            if (ar.succeeded()) {
                out.complete(ar.result());
            } else {
                out.completeExceptionally(ar.cause());
            }
        }));
        return out;
    }

    /** Completes with the first of the two to succeed; fails with the second failure when both fail. */
    private static <T> Future<T> firstSuccess(CompletableFuture<T> a, CompletableFuture<T> b) {
        io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        for (CompletableFuture<T> f : List.of(a, b)) {
            f.whenComplete((v, e) -> {
                if (e == null) {
                    p.tryComplete(v);
                } else if (failed.incrementAndGet() == 2) {
                    p.tryFail(e instanceof java.util.concurrent.CompletionException ce ? ce.getCause() : e);
                }
            });
        }
        return p.future();
    }

    private RuntimeException unwrap(ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
            return re;
        }
        return new RpcException.Transport(label + ": " + e.getCause(), e.getCause());
    }

    private <T> T await(Future<T> f, String what) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (TimeoutException e) {
            throw new RpcException.Transport(label + ": no answer to " + what + " within " + WAIT.toSeconds() + "s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException.Transport(label + ": interrupted", e);
        }
    }
}
