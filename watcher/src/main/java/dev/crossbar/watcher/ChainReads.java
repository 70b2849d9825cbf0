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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The reads a watcher makes of its chain, typed and non-blocking (futures on the watcher's context): heights,
 * headers (in JSON-RPC batches), block hashes and logs. They go through the chain's {@link EthApi} (its failover and
 * retries) on worker threads, so the watcher's event loop never waits. An answer that makes no sense is a
 * {@link RpcException.Malformed} naming the chain.
 *
 * <p>With a quorum above 1 the logs of a range are not taken from one endpoint: they and the hash of the range's last
 * block are read from that many endpoints, each asked on its own, and given to the watcher only when they are the
 * same; otherwise the read fails with {@link EndpointsDisagree}, naming two endpoints and the difference.
 */
final class ChainReads {
    private static final int HEADER_BATCH = 250;

    private final Vertx vertx;
    private final String chain;
    private final EthApi api;
    private final int quorum;

    /**
     * @param quorum how many endpoints of {@code api} must agree on the logs of a range (1: one is asked)
     */
    ChainReads(Vertx vertx, String chain, EthApi api, int quorum) {
        if (quorum < 1 || quorum > api.endpoints().size()) {
            throw new IllegalArgumentException("chain " + chain + ": a quorum of " + quorum + " needs as many"
                    + " endpoints, the chain has " + api.endpoints().size());
        }
        this.vertx = vertx;
        this.chain = chain;
        this.api = api;
        this.quorum = quorum;
    }

    /**
     * The logs of a range, as the node returns them (an array); with a quorum, the hash of the range's last block
     * the endpoints agree on (the anchor of the logs: the headers read must end with it), else null.
     */
    record Logs(JsonNode array, String lastBlockHash) {}

    /** Endpoints that gave different logs, or different hashes of the range's last block, for the same range. */
    static final class EndpointsDisagree extends RuntimeException {
        private final String first;
        private final String second;
        private final String difference;

        EndpointsDisagree(String chain, long from, long to, String first, String second, String difference) {
            super(chain + ": endpoints " + first + " and " + second + " disagree on blocks " + from + ".." + to + ": "
                    + difference);
            this.first = first;
            this.second = second;
            this.difference = difference;
        }

        String first() {
            return first;
        }

        String second() {
            return second;
        }

        String difference() {
            return difference;
        }
    }

    /** {@code method} through the chain's API, off the event loop; the future completes on the caller's context. */
    private Future<JsonNode> call(String method, List<?> params) {
        return vertx.executeBlocking(() -> api.request(method, params), false);
    }

    /** The node's latest block number. */
    Future<Long> blockNumber() {
        return vertx.executeBlocking(api::blockNumber, false);
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

    /** The logs of {@code addresses} in blocks {@code from..to}: from one endpoint, or as the quorum agrees. */
    Future<Logs> logs(long from, long to, java.util.Collection<String> addresses) {
        var filter = JsonNodeFactory.instance.objectNode();
        filter.put("fromBlock", EthApi.hex(from));
        filter.put("toBlock", EthApi.hex(to));
        var list = filter.putArray("address");
        addresses.forEach(list::add);
        if (quorum > 1) {
            return vertx.executeBlocking(() -> crossChecked(filter, from, to), false);
        }
        return call("eth_getLogs", List.of(filter)).map(result -> new Logs(logArray(api.name(), result), null));
    }

    private JsonNode logArray(String endpoint, JsonNode result) {
        if (!result.isArray()) {
            throw new RpcException.Malformed(endpoint + ": eth_getLogs returned " + result.getNodeType()
                    + ", not an array");
        }
        return result;
    }

    /** One endpoint's answer for a range. */
    private record Answer(String endpoint, JsonNode logs, String lastBlockHash) {}

    /**
     * Asks the endpoints in order until {@code quorum} of them answered (one that fails to answer, or has no block
     * {@code to} yet, is passed over), then compares the answers. A node's error (a refused range) fails the read.
     */
    private Logs crossChecked(Object filter, long from, long to) {
        List<Answer> answers = new ArrayList<>();
        List<String> passedOver = new ArrayList<>();
        for (EthApi e : api.endpoints()) {
            if (answers.size() == quorum) {
                break;
            }
            try {
                JsonNode logs = logArray(e.name(), e.request("eth_getLogs", List.of(filter)));
                JsonNode last = e.request("eth_getBlockByNumber", List.of(EthApi.hex(to), false));
                if (last.isNull()) {
                    passedOver.add(e.name() + " has no block " + to + " yet");
                } else {
                    answers.add(new Answer(e.name(), logs, last.path("hash").asText().toLowerCase(Locale.ROOT)));
                }
            } catch (RpcException.Transport ex) {
                passedOver.add(ex.getMessage());
            }
        }
        if (answers.size() < quorum) {
            throw new RpcException.Transport(chain + ": the logs of blocks " + from + ".." + to + " need " + quorum
                    + " endpoints to agree, only " + answers.size() + " answered: " + String.join("; ", passedOver),
                    null);
        }
        Answer first = answers.getFirst();
        for (Answer other : answers.subList(1, answers.size())) {
            String difference = difference(first, other, to);
            if (difference != null) {
                throw new EndpointsDisagree(chain, from, to, first.endpoint(), other.endpoint(), difference);
            }
        }
        return new Logs(first.logs(), first.lastBlockHash());
    }

    /** The fields a log is compared by, in the order they are described. */
    private static final List<String> LOG_FIELDS = List.of("blockNumber", "blockHash", "transactionHash",
            "transactionIndex", "logIndex", "address", "topics", "data", "removed");

    /** What differs between two answers (the first difference, both sides), or null when they are the same. */
    private static String difference(Answer first, Answer second, long to) {
        String a = first.endpoint();
        String b = second.endpoint();
        JsonNode logsA = first.logs();
        JsonNode logsB = second.logs();
        if (!first.lastBlockHash().equals(second.lastBlockHash())) {
            return "block " + to + " has hash " + first.lastBlockHash() + " at " + a + " and "
                    + second.lastBlockHash() + " at " + b;
        }
        Map<String, JsonNode> byB = byPosition(logsB);
        Map<String, JsonNode> byA = byPosition(logsA);
        for (var entry : byA.entrySet()) {
            JsonNode other = byB.get(entry.getKey());
            if (other == null) {
                return "log " + entry.getKey() + " is in the answer of " + a + " (" + logsA.size()
                        + " logs), not in that of " + b + " (" + logsB.size() + " logs)";
            }
            for (String field : LOG_FIELDS) {
                String va = canonical(entry.getValue().path(field));
                String vb = canonical(other.path(field));
                if (!va.equals(vb)) {
                    return "log " + entry.getKey() + " has " + field + " " + shorten(va) + " at " + a + " and "
                            + shorten(vb) + " at " + b;
                }
            }
        }
        for (String position : byB.keySet()) {
            if (!byA.containsKey(position)) {
                return "log " + position + " is in the answer of " + b + " (" + logsB.size()
                        + " logs), not in that of " + a + " (" + logsA.size() + " logs)";
            }
        }
        return logsA.size() == logsB.size() ? null
                : a + " answered " + logsA.size() + " logs and " + b + " " + logsB.size();
    }

    /** The logs keyed by where they are: "block blockNumber, index logIndex". */
    private static Map<String, JsonNode> byPosition(JsonNode logs) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode log : logs) {
            out.put("at block " + quantity(log.path("blockNumber")) + " index " + quantity(log.path("logIndex")), log);
        }
        return out;
    }

    private static String quantity(JsonNode n) {
        try {
            return Numeric.toBigInt(n.asText()).toString();
        } catch (RuntimeException e) {
            return n.toString();
        }
    }

    private static String canonical(JsonNode n) {
        return n.isTextual() ? n.asText().toLowerCase(Locale.ROOT) : n.toString().toLowerCase(Locale.ROOT);
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** The node's logs as web3j logs, in (block, log index) order. */
    static List<Log> toLogs(JsonNode result) {
        // Sorted by keys read once: a web3j Log parses its hex quantities again at every call of their getters.
        record Keyed(Log log, java.math.BigInteger block, java.math.BigInteger index) {}
        var convert = JsonRpcClient.convert("eth_getLogs", Log.class);
        List<Keyed> keyed = new ArrayList<>(result.size());
        for (JsonNode n : result) {
            Log log = convert.apply(n);
            keyed.add(new Keyed(log, log.getBlockNumber(), log.getLogIndex()));
        }
        keyed.sort((a, b) -> {
            int c = compare(a.block(), b.block());
            return c != 0 ? c : compare(a.index(), b.index());
        });
        List<Log> out = new ArrayList<>(keyed.size());
        keyed.forEach(k -> out.add(k.log()));
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
