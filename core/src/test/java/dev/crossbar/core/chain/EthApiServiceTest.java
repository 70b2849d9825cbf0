package dev.crossbar.core.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.crossbar.core.rpc.RpcException;
import java.lang.reflect.Proxy;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthChainId;

/**
 * web3j's requests through {@link EthApi}: generated bindings get typed answers, at the block asked, and a revert is
 * the chain API's own exception. The chain is a fake that records what it is asked.
 */
class EthApiServiceTest {
    private static final String ORACLE = "0x00000000000000000000000000000000000000aa";
    private final List<String> asked = new ArrayList<>();

    /**
     * A fake chain whose {@code callAt} (as {@code eth_call [to, data, tag]}), {@code request} and {@code batch} answer
     * with {@code answer(method, params)}.
     */
    @SuppressWarnings("unchecked")
    private EthApi chain(BiFunction<String, List<?>, JsonNode> answer) {
        return (EthApi) Proxy.newProxyInstance(EthApi.class.getClassLoader(), new Class<?>[] {EthApi.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "l1";
                    case "chainId" -> 900L;
                    case "endpoints" -> List.of(proxy); // one endpoint: itself
                    case "callAt" -> {
                        asked.add("callAt " + args[0] + " " + args[1] + " " + args[2]);
                        yield answer.apply("eth_call", List.of(args)).asText();
                    }
                    case "request" -> {
                        asked.add(args[0] + " " + args[1]);
                        yield answer.apply((String) args[0], (List<?>) args[1]);
                    }
                    case "batch" -> {
                        List<JsonNode> out = new ArrayList<>();
                        for (EthApi.Call c : (List<EthApi.Call>) args[0]) {
                            asked.add(c.method() + " " + c.params());
                            out.add(answer.apply(c.method(), c.params()));
                        }
                        yield out;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static String encoded(org.web3j.abi.datatypes.Type<?>... values) {
        return "0x" + FunctionEncoder.encodeConstructor(Arrays.asList(values));
    }

    @Test
    void aBindingsViewIsAskedAtTheBlockGivenAndItsAnswerIsTyped() {
        byte[] root = new byte[32];
        root[31] = 7;
        EthApi l1 = chain((method, params) -> new TextNode(encoded(new Bytes32(root),
                new Uint128(BigInteger.valueOf(1234)), new Uint128(BigInteger.valueOf(56)))));

        ProtocolViews.Output o = ProtocolViews.output(l1, ORACLE, BigInteger.TWO, "0x10");

        assertThat(o.index()).isEqualTo(2);
        assertThat(o.root()).isEqualTo(root);
        assertThat(o.timestamp()).isEqualTo(1234);
        assertThat(o.l2BlockNumber()).isEqualTo(56);
        String data = ProtocolViews.oracle(ORACLE).getL2Output(BigInteger.TWO).encodeFunctionCall();
        assertThat(asked).containsExactly("callAt " + ORACLE + " " + data + " 0x10");
    }

    @Test
    void aViewAtTheLatestBlockAsksForLatest() {
        EthApi l1 = chain((method, params) -> new TextNode(encoded(new Bool(true))));
        assertThat(ProtocolViews.finalizedWithdrawal(l1, ORACLE, new byte[32])).isTrue();
        assertThat(asked).singleElement().asString().startsWith("callAt " + ORACLE).endsWith(" latest");
    }

    @Test
    void aRevertIsTheChainApisRevertWithItsData() {
        EthApi l1 = chain((method, params) -> {
            throw new EthApi.Reverted("execution reverted", "0x4e487b71");
        });
        assertThatThrownBy(() -> ProtocolViews.output(l1, ORACLE, BigInteger.ONE))
                .isInstanceOfSatisfying(EthApi.Reverted.class, r -> assertThat(r.data()).isEqualTo("0x4e487b71"));
    }

    @Test
    void aCallWithASenderGoesAsARequestAndItsRevertIsTheChainApisRevert() {
        String from = "0x00000000000000000000000000000000000000bb";
        EthApi l1 = chain((method, params) -> {
            throw new RpcException.Remote(method, 3, "execution reverted", "0x4e487b71");
        });
        Web3j web3j = Web3j.build(new EthApiService(l1));
        assertThatThrownBy(() -> web3j.ethCall(Transaction.createEthCallTransaction(from, ORACLE, "0x12345678"),
                DefaultBlockParameterName.LATEST).send())
                .isInstanceOfSatisfying(EthApi.Reverted.class, r -> assertThat(r.data()).isEqualTo("0x4e487b71"));
        assertThat(asked).singleElement().asString().startsWith("eth_call ").contains("\"from\":\"" + from + "\"");
    }

    @Test
    void anotherErrorAnswerStaysTheNodesError() {
        EthApi l1 = chain((method, params) -> {
            throw new RpcException.Remote(method, -32000, "header not found", null);
        });
        assertThatThrownBy(() -> ProtocolViews.output(l1, ORACLE, BigInteger.ONE, "0x10"))
                .isInstanceOf(RpcException.Remote.class).hasMessageContaining("header not found");
    }

    @Test
    void anEmptyAnswerToATupleIsAClearError() {
        EthApi l1 = chain((method, params) -> new TextNode("0x"));
        assertThatThrownBy(() -> ProtocolViews.provenWithdrawal(l1, ORACLE, new byte[32]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no contract at that address");
    }

    @Test
    void aBatchGoesThroughTheChainsBatchInOrder() throws Exception {
        EthApi l1 = chain((method, params) -> new TextNode(method.equals("eth_chainId") ? "0x384" : "0x2a"));
        Web3j web3j = Web3j.build(new EthApiService(l1));
        BatchResponse r = web3j.newBatch().add(web3j.ethBlockNumber()).add(web3j.ethChainId()).send();
        assertThat(((EthBlockNumber) r.getResponses().get(0)).getBlockNumber()).isEqualTo(42);
        assertThat(((EthChainId) r.getResponses().get(1)).getChainId()).isEqualTo(900);
        assertThat(asked).containsExactly("eth_blockNumber []", "eth_chainId []");
    }
}
