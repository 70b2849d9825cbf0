package dev.crossbar.monitor.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.core.rpc.RpcException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.utils.Numeric;

/**
 * An {@link Endpoint} over a {@link EthApi} (one URL, or a failover list for the chain's primary view): its
 * calls, their waits and their retries are the client's.
 */
public final class RpcEndpoint implements Endpoint {
    private final String label;
    private final EthApi chain;

    public RpcEndpoint(String label, EthApi chain) {
        this.label = label;
        this.chain = chain;
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
    public EthApi.Header latest() {
        return block("latest").orElseThrow(() -> new RpcException.Malformed(label + ": no latest block"));
    }

    @Override
    public Optional<EthApi.Header> header(long number) {
        return block(EthApi.hex(number));
    }

    private Optional<EthApi.Header> block(String tag) {
        JsonNode b = call("eth_getBlockByNumber", List.of(tag, false));
        if (b.isNull()) {
            return Optional.empty();
        }
        JsonNode fee = b.path("baseFeePerGas");
        return Optional.of(new EthApi.Header(quantity(b.path("number")), b.path("hash").asText().toLowerCase(
                Locale.ROOT), b.path("stateRoot").asText().toLowerCase(Locale.ROOT), quantity(b.path("timestamp")),
                fee.isTextual() ? Numeric.toBigInt(fee.asText()) : BigInteger.ZERO));
    }

    @Override
    public String storageRoot(String account, long block) {
        return proof(account, List.of(), block).getStorageHash().toLowerCase(Locale.ROOT);
    }

    @Override
    public EthGetProof.Proof proof(String account, List<String> slots, long block) {
        return chain.proof(account, slots, block);
    }

    @Override
    public BigInteger storageAt(String account, String slot, long block) {
        return Numeric.toBigInt(call("eth_getStorageAt", List.of(account, slot, EthApi.hex(block))).asText());
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
        filter.put("fromBlock", EthApi.hex(from));
        filter.put("toBlock", EthApi.hex(to));
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

    private JsonNode call(String method, List<?> params) {
        return chain.request(method, params);
    }
}
