package dev.crossbar.core.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void anEndpointThatNeverAnswersTimesOutAndTheCallFailsOverToTheNext() throws Exception {
        AtomicInteger silentHits = new AtomicInteger();
        AtomicInteger goodHits = new AtomicInteger();
        int silent = server("silent", silentHits);
        int good = server("ok", goodHits);
        try (JsonRpcClient rpc = new JsonRpcClient(vertx, "test", List.of(url(silent), url(good)),
                Duration.ofMillis(500), Duration.ofSeconds(30))) {
            long start = System.nanoTime();
            assertThat(rpc.call("eth_blockNumber", List.of()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS).asText()).isEqualTo("0x2a");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(silentHits.get()).isEqualTo(1);
            assertThat(rpc.currentEndpoint()).isEqualTo(url(good));
        }
    }

    @Test
    void everyEndpointFailingFailsTheCallNamingEachProblem() throws Exception {
        int a = server("500", new AtomicInteger());
        int b = server("silent", new AtomicInteger());
        try (JsonRpcClient rpc = new JsonRpcClient(vertx, "test", List.of(url(a), url(b)), Duration.ofMillis(500),
                Duration.ofSeconds(30))) {
            assertThatThrownBy(() -> rpc.call("eth_blockNumber", List.of()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RpcException.Transport.class)
                    .hasMessageContaining("HTTP 500").hasMessageContaining(url(b).toString());
        }
    }

    @Test
    void aJsonRpcErrorIsTheNodesAnswerAndDoesNotFailOver() throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        int a = server("error", first);
        int b = server("ok", second);
        try (JsonRpcClient rpc = new JsonRpcClient(vertx, "test", List.of(url(a), url(b)))) {
            assertThatThrownBy(() -> rpc.call("eth_getLogs", List.of()).toCompletionStage().toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)).cause().isInstanceOf(RpcException.Remote.class)
                    .hasMessageContaining("max block range");
            assertThat(second.get()).isZero();
        }
    }
}
