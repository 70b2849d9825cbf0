package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.testkit.TempDirs;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * The relayer's and the monitor's workers call the JSON-RPC client from plain threads, one call after another. Every
 * call must get its answer: requests issued straight from such threads used to lose one answer in about a thousand,
 * and each loss cost a whole timeout (the relayer's throughput fell tenfold). Here the client has no second endpoint
 * and no retry above it (a single-endpoint client on its own), so a lost answer fails the call and the test.
 */
class RpcFromPlainThreadsTest {
    private static final int SENDS = 2000;

    @Test
    void everyCallFromAPlainThreadGetsItsAnswer() throws Exception {
        Path dir = TempDirs.create("rpc-threads");
        Vertx vertx = Vertx.vertx();
        try (Devnet devnet = Devnet.start(DevnetConfig.forTests(dir))) {
            DevChain l1 = devnet.l1();
            JsonRpcClient rpc = new JsonRpcClient(vertx, "l1", URI.create(l1.rpcUrl()), Duration.ofSeconds(5));
            Credentials key = DevKeys.USER_2.credentials();
            long nonce = Numeric.toBigInt(call(rpc, "eth_getTransactionCount", List.of(key.getAddress(), "pending"))
                    .asText()).longValueExact();
            JsonNode block = call(rpc, "eth_getBlockByNumber", List.of("latest", false));
            BigInteger maxFee = Numeric.toBigInt(block.path("baseFeePerGas").asText()).multiply(BigInteger.TEN);
            for (int i = 0; i < SENDS; i++) {
                RawTransaction tx = RawTransaction.createTransaction(l1.chainId(), BigInteger.valueOf(nonce + i),
                        BigInteger.valueOf(21_000), DevKeys.USER.address(), BigInteger.ONE, "0x", BigInteger.ONE, maxFee);
                String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, key));
                assertThat(call(rpc, "eth_sendRawTransaction", List.of(raw)).asText()).as("send %d", i)
                        .startsWith("0x");
                if (i % 10 == 0) {
                    assertThat(call(rpc, "eth_blockNumber", List.of()).asText()).startsWith("0x");
                }
            }
            long expected = nonce + SENDS;
            await().atMost(Duration.ofSeconds(60)).until(() -> Numeric.toBigInt(call(rpc, "eth_getTransactionCount",
                    List.of(key.getAddress(), "latest")).asText()).longValueExact() == expected);
            rpc.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            TempDirs.delete(dir);
        }
    }

    private static JsonNode call(JsonRpcClient rpc, String method, List<?> params) throws Exception {
        return rpc.call(method, params).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
