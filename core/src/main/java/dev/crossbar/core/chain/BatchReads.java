package dev.crossbar.core.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.rpc.JsonRpcClient;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The typed reads of several items at once ({@link EthApi#callEach}, {@link EthApi#receipts}, ...) as one JSON-RPC
 * batch through {@link EthApi#batchAnswers}: a relayer round asks about all its messages in a few requests rather
 * than a few per message. The chain's API over JSON-RPC and its decorators (failover, retries) answer them with
 * these, so a batch is failed over or retried as one request.
 */
final class BatchReads {
    private BatchReads() {}

    static List<EthApi.Each<String>> callEach(EthApi chain, String from, List<EthApi.TxCall> txs) {
        List<EthApi.Call> calls = txs.stream().map(t -> new EthApi.Call("eth_call", List.of(RpcEthApi.tx(from, t),
                "latest"))).toList();
        return each(chain.batchAnswers(calls), JsonNode::asText);
    }

    static List<EthApi.Each<BigInteger>> estimateGasEach(EthApi chain, String from, List<EthApi.TxCall> txs) {
        List<EthApi.Call> calls = txs.stream().map(t -> new EthApi.Call("eth_estimateGas", List.of(RpcEthApi.tx(from, t))))
                .toList();
        return each(chain.batchAnswers(calls), n -> Numeric.toBigInt(n.asText()));
    }

    static List<Optional<TransactionReceipt>> receipts(EthApi chain, List<String> txHashes) {
        List<EthApi.Call> calls = txHashes.stream().map(h -> new EthApi.Call("eth_getTransactionReceipt", List.of(h)))
                .toList();
        List<Optional<TransactionReceipt>> out = new ArrayList<>();
        for (JsonRpcClient.Answer a : chain.batchAnswers(calls)) {
            JsonNode r = a.orThrow();
            out.add(r.isNull() ? Optional.empty() : Optional.of(JsonRpcClient.convert("eth_getTransactionReceipt",
                    TransactionReceipt.class).apply(r)));
        }
        return out;
    }

    static List<Optional<EthApi.Header>> findHeaders(EthApi chain, List<Long> numbers) {
        List<EthApi.Call> calls = numbers.stream().map(n -> new EthApi.Call("eth_getBlockByNumber",
                List.of(EthApi.hex(n), false))).toList();
        List<Optional<EthApi.Header>> out = new ArrayList<>();
        for (JsonRpcClient.Answer a : chain.batchAnswers(calls)) {
            out.add(RpcEthApi.header(chain.name(), a.orThrow()));
        }
        return out;
    }

    private static <T> List<EthApi.Each<T>> each(List<JsonRpcClient.Answer> answers, Function<JsonNode, T> f) {
        List<EthApi.Each<T>> out = new ArrayList<>(answers.size());
        for (JsonRpcClient.Answer a : answers) {
            out.add(a.error() != null ? new EthApi.Each<>(null, RpcEthApi.revertedOr(a.error()))
                    : new EthApi.Each<>(f.apply(a.result()), null));
        }
        return out;
    }
}
