package dev.crossbar.core.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.rpc.RpcException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.web3j.protocol.Service;

/**
 * web3j's transport over an {@link EthApi}: what a {@code Web3j.build(new EthApiService(chain))} asks goes through
 * the chain's own client (its endpoints' failover, its retries, its waits), so that the generated contract bindings
 * give typed answers with {@code .send()}.
 *
 * <p>A binding's view call is {@link EthApi#callAt}; every other request goes through {@link EthApi#request} or
 * {@link EthApi#batch}. Failures are thrown as {@link EthApi} throws them, not returned as web3j error responses: a
 * node's error answer is {@link RpcException.Remote}, and an {@code eth_call} or {@code eth_estimateGas} that reverts
 * is {@link EthApi.Reverted}, the exception callers already read as "not there (yet)". Subscriptions are not
 * supported.
 * Closing the service leaves the {@link EthApi}, which belongs to the caller, open.
 */
public final class EthApiService extends Service {
    private final EthApi chain;

    public EthApiService(EthApi chain) {
        super(false);
        this.chain = Objects.requireNonNull(chain, "chain");
    }

    /**
     * Answers web3j's serialized request (one object, or an array for a batch) through {@link EthApi#request} or
     * {@link EthApi#batch}, as the JSON-RPC response web3j then reads into its typed response.
     */
    @Override
    protected InputStream performIO(String payload) throws IOException {
        JsonNode request = Json.MAPPER.readTree(payload);
        JsonNode response;
        if (request.isArray()) {
            List<EthApi.Call> calls = new ArrayList<>(request.size());
            for (JsonNode r : request) {
                calls.add(new EthApi.Call(r.path("method").asText(), params(r)));
            }
            List<JsonNode> results = chain.batch(calls);
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < results.size(); i++) {
                all.add(answer(request.get(i), results.get(i)));
            }
            response = all;
        } else {
            response = answer(request, call(request.path("method").asText(), params(request)));
        }
        return new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(response));
    }

    /**
     * A view call ({@code eth_call} of {@code to} and {@code data} at a block, as bindings over a read-only transaction
     * manager without a sender make it) goes through {@link EthApi#callAt}, the typed call every other caller uses;
     * anything else through {@link EthApi#request}, a revert of an {@code eth_call} or {@code eth_estimateGas} mapped
     * the same way.
     */
    private JsonNode call(String method, List<JsonNode> params) {
        if (method.equals("eth_call") && params.size() == 2 && params.get(1).isTextual() && isView(params.get(0))) {
            JsonNode tx = params.get(0);
            return TextNode.valueOf(chain.callAt(tx.get("to").asText(), tx.get("data").asText(),
                    params.get(1).asText()));
        }
        try {
            return chain.request(method, params);
        } catch (RpcException.Remote e) {
            if (method.equals("eth_call") || method.equals("eth_estimateGas")) {
                throw RpcEthApi.revertedOr(e);
            }
            throw e;
        }
    }

    /** A call object with a target and data and nothing else (no sender, value or gas). */
    private static boolean isView(JsonNode tx) {
        if (!tx.isObject() || !tx.path("to").isTextual() || !tx.path("data").isTextual()) {
            return false;
        }
        for (var names = tx.fieldNames(); names.hasNext(); ) {
            String n = names.next();
            if (!n.equals("to") && !n.equals("data") && !tx.get(n).isNull()) {
                return false;
            }
        }
        return true;
    }

    private static List<JsonNode> params(JsonNode request) {
        List<JsonNode> params = new ArrayList<>();
        request.path("params").forEach(params::add);
        return params;
    }

    private static ObjectNode answer(JsonNode request, JsonNode result) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("jsonrpc", "2.0");
        r.set("id", request.path("id"));
        r.set("result", result);
        return r;
    }

    @Override
    public void close() {}
}
