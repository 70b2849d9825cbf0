package dev.crossbar.watcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.core.rpc.RpcException;
import dev.crossbar.store.BlockRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The reads a watcher makes of its chain, typed and non-blocking (futures on the watcher's context): heights,
 * headers (in JSON-RPC batches), block hashes and logs. They go through the chain's {@link EthApi} (its failover and
 * retries) on worker threads, so the watcher's event loop never waits. An answer that makes no sense is a
 * {@link RpcException.Malformed} naming the chain.
 */
final class ChainReads {
    private static final int HEADER_BATCH = 250;

    private final Vertx vertx;
    private final String chain;
    private final EthApi api;

    ChainReads(Vertx vertx, String chain, EthApi api) {
        this.vertx = vertx;
        this.chain = chain;
        this.api = api;
    }

    /** {@code method} through the chain's API, off the event loop; the future completes on the caller's context. */
    private Future<JsonNode> call(String method, List<?> params) {
        return vertx.executeBlocking(() -> api.request(method, params), false);
    }

    /** The node's latest block number. */
    Future<Long> blockNumber() {
        return call("eth_blockNumber", List.of()).map(this::hexLong);
    }

    /** The number of the block a tag ({@code safe}, {@code finalized}) names; -1 when the node has none yet. */
    Future<Long> numberAt(String tag) {
        return call("eth_getBlockByNumber", List.of(tag, false))
                .map(b -> b.isNull() ? -1 : hexLong(b.path("number")));
    }

    /** The hash of block {@code number}, or null when the node has no such block. */
    Future<String> blockHash(long number) {
        return call("eth_getBlockByNumber", List.of(EthApi.hex(number), false))
                .map(b -> b.isNull() ? null : b.path("hash").asText());
    }

    /** Block {@code number}; fails when the node has no such block. */
    Future<BlockRef> header(long number) {
        return call("eth_getBlockByNumber", List.of(EthApi.hex(number), false)).map(b -> {
            if (b.isNull()) {
                throw new RpcException.Malformed(chain + ": node has no block " + number);
            }
            return blockRef(b);
        });
    }

    /** Blocks {@code from..to}, in JSON-RPC batches; fails when the node lacks one. */
    Future<List<BlockRef>> headers(long from, long to) {
        List<Future<List<JsonNode>>> parts = new ArrayList<>();
        for (long start = from; start <= to; start += HEADER_BATCH) {
            List<EthApi.Call> calls = new ArrayList<>();
            for (long n = start; n <= Math.min(to, start + HEADER_BATCH - 1); n++) {
                calls.add(new EthApi.Call("eth_getBlockByNumber", List.of(EthApi.hex(n), false)));
            }
            parts.add(vertx.executeBlocking(() -> api.batch(calls), false));
        }
        return Future.all(parts).map(all -> {
            List<BlockRef> out = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                for (JsonNode b : all.<List<JsonNode>>resultAt(i)) {
                    if (b.isNull()) {
                        throw new RpcException.Malformed(chain + ": node has no block in " + from + ".." + to
                                + " although it reported a later head");
                    }
                    out.add(blockRef(b));
                }
            }
            return out;
        });
    }

    /** The logs of {@code addresses} in blocks {@code from..to}, as the node returns them (an array). */
    Future<JsonNode> logs(long from, long to, java.util.Collection<String> addresses) {
        var filter = JsonNodeFactory.instance.objectNode();
        filter.put("fromBlock", EthApi.hex(from));
        filter.put("toBlock", EthApi.hex(to));
        var list = filter.putArray("address");
        addresses.forEach(list::add);
        return call("eth_getLogs", List.of(filter)).map(result -> {
            if (!result.isArray()) {
                throw new RpcException.Malformed(chain + ": eth_getLogs returned " + result.getNodeType()
                        + ", not an array");
            }
            return result;
        });
    }

    /** The node's logs as web3j logs, in (block, log index) order. */
    static List<Log> toLogs(JsonNode result) {
        List<Log> out = new ArrayList<>(result.size());
        for (JsonNode n : result) {
            out.add(JsonRpcClient.convert("eth_getLogs", Log.class).apply(n));
        }
        out.sort((a, b) -> {
            int c = compare(a.getBlockNumber(), b.getBlockNumber());
            return c != 0 ? c : compare(a.getLogIndex(), b.getLogIndex());
        });
        return out;
    }

    private static int compare(java.math.BigInteger a, java.math.BigInteger b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }

    private BlockRef blockRef(JsonNode b) {
        return new BlockRef(hexLong(b.path("number")), b.path("hash").asText(), b.path("parentHash").asText(),
                hexLong(b.path("timestamp")));
    }

    private long hexLong(JsonNode n) {
        if (!n.isTextual()) {
            throw new RpcException.Malformed(chain + ": expected a hex quantity, got " + n);
        }
        return Numeric.toBigInt(n.asText()).longValueExact();
    }
}
