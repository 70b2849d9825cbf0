package dev.crossbar.core.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.chain.EthApi;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JSON-RPC client against real HTTP servers on loopback that answer, fail, or never answer. */
class JsonRpcClientTest {
    Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int server(String mode, AtomicInteger hits) throws Exception {
        HttpServer s = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            hits.incrementAndGet();
            switch (mode) {
                case "silent" -> { } // never answers
                case "500" -> req.response().setStatusCode(500).end();
                case "error" -> req.response().end("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32005,"
                        + "\"message\":\"query exceeds max block range 5\"}}");
                default -> req.response().end("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x2a\"}");
            }
        }));
        return s.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    private static URI url(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Test
    void anEndpointThatNeverAnswersFailsInTimeAsATransportFailure() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        int silent = server("silent", hits);
        try (JsonRpcClient rpc = new JsonRpcClient(vertx, "test", url(silent), Duration.ofMillis(500))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> rpc.call("eth_blockNumber", List.of()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RpcException.Transport.class)
                    .hasMessageContaining("test: eth_blockNumber failed at " + url(silent));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(hits).hasValue(1);
        }
    }

    @Test
    void anHttpErrorIsATransportFailureNamingTheEndpointWithoutItsPath() throws Exception {
        int a = server("500", new AtomicInteger());
        URI withKey = URI.create(url(a) + "/v2/secret-api-key");
        try (JsonRpcClient rpc = new JsonRpcClient(vertx, "test", withKey, Duration.ofMillis(500))) {
            assertThatThrownBy(() -> rpc.call("eth_blockNumber", List.of()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RpcException.Transport.class)
                    .hasMessageContaining("HTTP 500").hasMessageContaining(url(a).toString())
                    .hasMessageNotContaining("secret-api-key");
        }
    }

    @Test
    void aJsonRpcErrorIsTheNodesAnswer() throws Exception {
        int a = server("error", new AtomicInteger());
        try (JsonRpcClient rpc = new JsonRpcClient(vertx, "test", url(a))) {
            assertThatThrownBy(() -> rpc.call("eth_getLogs", List.of()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)).cause().isInstanceOf(RpcException.Remote.class)
                    .hasMessageContaining("max block range");
        }
    }

    /**
     * A batch whose calls the node answers one by one, one of them with an error (in its own order): each call gets
     * its own answer, the error fails that call only, a revert is the chain API's revert, and it all went in one
     * request.
     */
    @Test
    void aBatchAnswersEachCallOnItsOwn() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer s = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            hits.incrementAndGet();
            var calls = (io.vertx.core.json.JsonArray) io.vertx.core.json.Json.decodeValue(b);
            var out = new io.vertx.core.json.JsonArray();
            for (int i = calls.size() - 1; i >= 0; i--) { // answered in reverse: matched by id
                var c = calls.getJsonObject(i);
                var a = new io.vertx.core.json.JsonObject().put("jsonrpc", "2.0").put("id", c.getValue("id"));
                out.add(i == 1 ? a.put("error", new io.vertx.core.json.JsonObject().put("code", 3)
                        .put("message", "execution reverted: nope").put("data", "0x08c379a0"))
                        : a.put("result", "0x" + Integer.toHexString(21_000 + i)));
            }
            req.response().end(out.encode());
        }));
        int port = s.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        try (EthApi chain = EthApi.connect(vertx, 1, "test", List.of(url(port)), Duration.ofSeconds(5),
                Duration.ofSeconds(5))) {
            var to = "0x00000000000000000000000000000000000000aa";
            List<EthApi.Each<java.math.BigInteger>> gas = chain.estimateGasEach(null, List.of(
                    new EthApi.TxCall(to, "0x01", null), new EthApi.TxCall(to, "0x02", null),
                    new EthApi.TxCall(to, "0x03", null)));
            assertThat(hits).hasValue(1);
            assertThat(gas.get(0).value()).isEqualTo(21_000);
            assertThat(gas.get(2).value()).isEqualTo(21_002);
            assertThat(gas.get(1).failed()).isTrue();
            assertThat(gas.get(1).error()).isInstanceOfSatisfying(EthApi.Reverted.class, r -> {
                assertThat(r.getMessage()).contains("nope");
                assertThat(r.data()).isEqualTo("0x08c379a0");
            });
            assertThatThrownBy(() -> chain.batch(List.of(new EthApi.Call("eth_estimateGas", List.of()),
                    new EthApi.Call("eth_estimateGas", List.of())))).as("a plain batch fails on the error")
                    .isInstanceOf(RpcException.Remote.class);
        }
    }

    @Test
    void anEndpointThatIsNotAnHttpUrlIsRefusedByName() {
        assertThatThrownBy(() -> new JsonRpcClient(vertx, "l1", URI.create("ws://127.0.0.1:8545")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("chain l1: RPC endpoint ws://127.0.0.1:8545 is not an http(s) URL");
    }

    /** The composition services get: failover as a decorator over one client per endpoint. */
    @Test
    void aChainOnSeveralEndpointsFailsOverFromOneThatNeverAnswersAndStaysOnTheNext() throws Exception {
        AtomicInteger silentHits = new AtomicInteger();
        AtomicInteger goodHits = new AtomicInteger();
        int silent = server("silent", silentHits);
        int good = server("ok", goodHits);
        try (EthApi chain = EthApi.connect(vertx, 1, "test", List.of(url(silent), url(good)), Duration.ofMillis(500),
                Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            assertThat(chain.blockNumber()).isEqualTo(42);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(chain.blockNumber()).isEqualTo(42);
            assertThat(silentHits).as("cooling down after its timeout").hasValue(1);
            assertThat(goodHits).hasValue(2);
        }
    }

    @Test
    void aJsonRpcErrorFromThePreferredEndpointDoesNotFailOver() throws Exception {
        AtomicInteger second = new AtomicInteger();
        int a = server("error", new AtomicInteger());
        int b = server("ok", second);
        try (EthApi chain = EthApi.connect(vertx, 1, "test", List.of(url(a), url(b)), Duration.ofSeconds(5),
                Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> chain.request("eth_getLogs", List.of())).isInstanceOf(RpcException.Remote.class)
                    .hasMessageContaining("max block range");
            assertThat(second).hasValue(0);
        }
    }
}
