package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.contracts.bindings.LogEmitter;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.json.Json;
import dev.crossbar.testkit.JsonRpcProxy;
import dev.crossbar.testkit.JsonRpcProxy.Fault;
import dev.crossbar.testkit.TempDirs;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.gas.DefaultGasProvider;

/**
 * The test kit's JSON-RPC proxy (a test-kit class, tested here where an anvil node can be started) in each fault mode,
 * in front of a real anvil: what a client sees, and what the proxy counts.
 */
class JsonRpcProxyFaultsTest {
    private static Path dir;
    private static AnvilNode anvil;
    private static Web3j web3j;
    private static String emitter;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Vertx vertx;
    private JsonRpcProxy proxy;

    @BeforeAll
    static void startNode() throws Exception {
        dir = TempDirs.create("proxy-faults");
        anvil = AnvilNode.start("proxied", 31337, 0, null, dir);
        web3j = Web3j.build(new HttpService(anvil.rpcUrl().toString()));
        LogEmitter e = LogEmitter.deploy(web3j, DevKeys.DEPLOYER.credentials(), new DefaultGasProvider()).send();
        e.emitMany(List.of(new byte[32]), new byte[] {1, 2, 3}, java.math.BigInteger.valueOf(3)).send();
        emitter = e.getContractAddress();
    }

    @AfterAll
    static void stopNode() {
        if (web3j != null) {
            web3j.shutdown();
        }
        if (anvil != null) {
            anvil.close();
        }
        TempDirs.delete(dir);
    }

    @BeforeEach
    void startProxy() throws Exception {
        vertx = Vertx.vertx();
        proxy = JsonRpcProxy.start(vertx, anvil.rpcUrl());
    }

    @AfterEach
    void stopProxy() throws Exception {
        proxy.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        http.close();
    }

    @Test
    void transportFaultsAnswerAsBrokenEndpointsDo() throws Exception {
        assertThat(blockNumber(proxy.httpUrl())).isEqualTo(blockNumber(anvil.rpcUrl()));

        proxy.mode(Fault.DROP);
        assertThat(rawPost(proxy.httpUrl())).as("closed without an answer").isEqualTo(-1);
        proxy.mode(Fault.RESET);
        assertThatThrownBy(() -> rawPost(proxy.httpUrl())).isInstanceOf(SocketException.class)
                .hasMessageContaining("reset");
        proxy.mode(Fault.HTTP_429);
        assertThat(post(proxy.httpUrl(), "eth_blockNumber", "[]", Duration.ofSeconds(5)).statusCode()).isEqualTo(429);
        proxy.mode(Fault.HTTP_500);
        assertThat(post(proxy.httpUrl(), "eth_blockNumber", "[]", Duration.ofSeconds(5)).statusCode()).isEqualTo(500);
        proxy.mode(Fault.GARBAGE);
        HttpResponse<String> garbage = post(proxy.httpUrl(), "eth_blockNumber", "[]", Duration.ofSeconds(5));
        assertThat(garbage.statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> Json.MAPPER.readTree(garbage.body())).isInstanceOf(IOException.class);

        proxy.mode(Fault.PASS);
        assertThat(blockNumber(proxy.httpUrl())).isEqualTo(blockNumber(anvil.rpcUrl()));
        for (Fault f : List.of(Fault.DROP, Fault.RESET, Fault.HTTP_429, Fault.HTTP_500, Fault.GARBAGE)) {
            assertThat(proxy.injected(f)).as("%s injected", f).isEqualTo(1);
        }
    }

    /** What the campaign relies on: the chain's client takes each transport fault for no answer and asks the next. */
    @Test
    void theChainsClientAsksTheNextEndpointOnEveryTransportFault() throws Exception {
        long head = blockNumber(anvil.rpcUrl());
        for (Fault f : List.of(Fault.DROP, Fault.RESET, Fault.HTTP_429, Fault.HTTP_500, Fault.GARBAGE, Fault.STALL)) {
            proxy.mode(f);
            try (EthApi chain = EthApi.connect(vertx, 31337, "proxied", List.of(proxy.httpUrl(), anvil.rpcUrl()),
                    Duration.ofMillis(500), Duration.ofSeconds(30))) {
                assertThat(chain.blockNumber()).as("answered despite %s", f).isEqualTo(head);
                assertThat(chain.blockNumber()).isEqualTo(head);
            }
            assertThat(proxy.injected(f)).as("%s injected once, then the endpoint cooled down", f).isEqualTo(1);
        }
    }

    @Test
    void aStallHoldsTheRequestForItsTimeOrUntilTheModeChanges() throws Exception {
        proxy.mode(Fault.STALL);
        assertThatThrownBy(() -> post(proxy.httpUrl(), "eth_blockNumber", "[]", Duration.ofMillis(500)))
                .isInstanceOf(HttpTimeoutException.class);
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return post(proxy.httpUrl(), "eth_blockNumber", "[]", Duration.ofSeconds(30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.injected(Fault.STALL) == 2);
        assertThat(held).isNotDone();
        proxy.mode(Fault.PASS);
        assertThat(held.get(5, TimeUnit.SECONDS).statusCode()).as("released by the switch").isEqualTo(200);

        proxy.stallFor(Duration.ofMillis(300)).mode(Fault.STALL);
        long t0 = System.nanoTime();
        assertThat(post(proxy.httpUrl(), "eth_blockNumber", "[]", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aStaleHeadStaysWhereItWasWhileTheNodeMovesOn() throws Exception {
        long before = blockNumber(anvil.rpcUrl());
        proxy.mode(Fault.STALE_HEAD);
        rpc(anvil.rpcUrl(), "anvil_mine", "[\"0x3\"]");
        assertThat(blockNumber(anvil.rpcUrl())).isEqualTo(before + 3);
        assertThat(blockNumber(proxy.httpUrl())).isEqualTo(before);
        assertThat(rpc(proxy.httpUrl(), "eth_getBlockByNumber", "[\"latest\", false]").path("number").asText())
                .isEqualTo("0x" + Long.toHexString(before));
        assertThat(rpc(proxy.httpUrl(), "eth_getBlockByNumber", "[\"0x" + Long.toHexString(before + 1) + "\", false]")
                .isNull()).as("a later block is unknown").isTrue();
        assertThat(proxy.injected(Fault.STALE_HEAD)).isPositive();

        proxy.mode(Fault.PASS);
        assertThat(blockNumber(proxy.httpUrl())).isEqualTo(before + 3);
    }

    @Test
    void headNotificationsPauseWhileTheHeadIsStaleAndSocketsAreCutByADrop() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        var client = vertx.createWebSocketClient();
        var socket = client.connect(new WebSocketConnectOptions().setAbsoluteURI(
                proxy.wsUrl().toString())).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        AtomicBoolean closed = new AtomicBoolean();
        socket.closeHandler(v -> closed.set(true));
        socket.textMessageHandler(received::add);
        socket.writeTextMessage(
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1); // the subscription id

        proxy.mode(Fault.STALE_HEAD);
        rpc(anvil.rpcUrl(), "anvil_mine", "[\"0x1\"]");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.injected(Fault.STALE_HEAD) == 1);
        assertThat(received).as("no new head told while stale").hasSize(1);
        proxy.mode(Fault.PASS);
        rpc(anvil.rpcUrl(), "anvil_mine", "[\"0x1\"]");
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(received.get(1)).contains("eth_subscription");

        proxy.mode(Fault.DROP);
        await().atMost(Duration.ofSeconds(5)).untilTrue(closed);
        AtomicBoolean refused = new AtomicBoolean();
        client.connect(new WebSocketConnectOptions().setAbsoluteURI(proxy.wsUrl().toString()))
                .onFailure(e -> refused.set(true)).onSuccess(ws -> ws.closeHandler(v -> refused.set(true)));
        await("a new socket refused or closed at once").atMost(Duration.ofSeconds(5)).untilTrue(refused);
        assertThat(proxy.injected(Fault.DROP)).as("the socket cut and the one refused").isEqualTo(2);
        client.close();
    }

    @Test
    void aLyingEndpointAltersLogsAndCallResults() throws Exception {
        String filter = "[{\"fromBlock\":\"0x0\",\"toBlock\":\"latest\",\"address\":\"" + emitter + "\"}]";
        JsonNode truth = rpc(anvil.rpcUrl(), "eth_getLogs", filter);
        assertThat(truth).hasSize(3);
        String call = "[{\"to\":\"" + DevKeys.USER.address() + "\",\"data\":\"0x\"}, \"latest\"]";
        String honestCall = rpc(anvil.rpcUrl(), "eth_call", call).asText();

        proxy.mode(Fault.LYING_LOGS);
        JsonNode lies = rpc(proxy.httpUrl(), "eth_getLogs", filter);
        assertThat(lies).as("the first log left out").hasSize(2);
        assertThat(lies.get(0).path("logIndex")).isEqualTo(truth.get(1).path("logIndex"));
        assertThat(lies.get(0).path("data").asText()).isNotEqualTo(truth.get(1).path("data").asText());
        assertThat(rpc(proxy.httpUrl(), "eth_call", call).asText()).as("calls are honest").isEqualTo(honestCall);

        proxy.mode(Fault.LYING_STATE);
        assertThat(rpc(proxy.httpUrl(), "eth_call", call).asText()).isNotEqualTo(honestCall);
        assertThat(rpc(proxy.httpUrl(), "eth_getLogs", filter)).as("logs are honest").isEqualTo(truth);
        assertThat(proxy.injected()).containsEntry(Fault.LYING_LOGS, 1).containsEntry(Fault.LYING_STATE, 1);
    }

    @Test
    void aSeededScheduleSwitchesTheSameWayEachRunAndTimedModesEnd() throws Exception {
        proxy.mode(Fault.HTTP_500, Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.mode() == Fault.PASS);

        List<Fault> first = scheduled(42);
        List<Fault> second = scheduled(42);
        assertThat(first).isEqualTo(second).contains(Fault.DROP);
    }

    private List<Fault> scheduled(long seed) throws Exception {
        int from = proxy.switches().size();
        proxy.schedule(seed, Duration.ofMillis(20), Fault.DROP, Fault.HTTP_429, Fault.GARBAGE);
        await().atMost(Duration.ofSeconds(10)).until(() -> proxy.switches().size() >= from + 12);
        proxy.mode(Fault.PASS);
        return proxy.switches().subList(from, from + 12).stream().map(JsonRpcProxy.Switch::fault).toList();
    }

    /** Posts a call on a socket of its own: the first byte of the answer, -1 when the connection was closed. */
    private static int rawPost(URI url) throws IOException {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_blockNumber\",\"params\":[]}";
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("POST / HTTP/1.1\r\nHost: " + url.getHost() + "\r\nContent-Type: "
                    + "application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            return s.getInputStream().read();
        }
    }

    private long blockNumber(URI url) throws Exception {
        return Long.decode(rpc(url, "eth_blockNumber", "[]").asText());
    }

    private JsonNode rpc(URI url, String method, String params) throws Exception {
        HttpResponse<String> r = post(url, method, params, Duration.ofSeconds(10));
        JsonNode answer = Json.MAPPER.readTree(r.body());
        assertThat(answer.has("error")).as("%s answered %s", method, answer).isFalse();
        return answer.path("result");
    }

    private HttpResponse<String> post(URI url, String method, String params, Duration timeout) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
        return http.send(HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
