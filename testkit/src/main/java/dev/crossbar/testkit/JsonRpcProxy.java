package dev.crossbar.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.core.json.Json;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.impl.ConnectionBase;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-RPC endpoint in front of a real node, for tests: forwards HTTP calls and bridges WebSockets on loopback,
 * counts the calls it receives, and can be told to behave the ways real endpoints do. The behaviours compose (a
 * lagging endpoint can also have dropped old state) and can be switched on and off while a test runs:
 * <ul>
 *   <li>{@link #kill()} and {@link #revive()}: stops listening (connections refused, open ones and WebSockets cut),
 *       then listens again on the same port, as a node that dies and comes back;</li>
 *   <li>{@link #lagBehind}: its head is some blocks behind the node's ({@code eth_blockNumber} and {@code latest}
 *       say so, a block above it is unknown: {@code null} for {@code eth_getBlockByNumber}, "header not found" for a
 *       state query), as a second endpoint that is behind;</li>
 *   <li>{@link #keepStateOf} and {@link #pruneState}: state queries at old blocks answer anvil 1.7.1's own error for
 *       state it no longer keeps ({@code -32602 "BlockOutOfRangeError: block height is 20 but requested was 2"}),
 *       while block headers are still served, as a node with {@code --prune-history} or restarted from a state
 *       file;</li>
 *   <li>{@link #limitLogRange}: refuses {@code eth_getLogs} over more blocks than a limit, as hosted nodes do;</li>
 *   <li>{@link #on}: the test's own {@link Hook} for one method, e.g. {@link #failing} to fail every call of it;</li>
 *   <li>{@link #mode}: one {@link Fault} at a time, as a fault campaign injects them: drops, stalls, TCP resets, HTTP
 *       429 and 500, garbage in place of JSON, a head frozen where it was, logs or call results that lie; for a while
 *       or until the next mode, or switched at random on a seeded {@link #schedule}. {@link #injected} counts what
 *       each kind did to calls.</li>
 * </ul>
 * A call meets the method's hook first, then the log range limit, the state pruning and the lag, then the node; the
 * head a behaviour asks for goes through the ones after it (a lagging endpoint prunes below its own head). Batches
 * are taken apart and each call handled on its own; WebSocket traffic is passed through as it is, except that the
 * fault mode cuts sockets and refuses new ones (drop, reset, HTTP errors), and holds back head notifications (stall,
 * stale head) or garbles them (garbage).
 */
public final class JsonRpcProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JsonRpcProxy.class);
    /** State queries and the position of their block parameter. */
    private static final Map<String, Integer> STATE = Map.of("eth_getProof", 2, "eth_getStorageAt", 2, "eth_call", 1,
            "eth_getBalance", 1, "eth_getCode", 1, "eth_getTransactionCount", 1);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Vertx vertx;
    private final URI node;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final WebSocketClient ws;
    private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<Hook> steps = List.of(this::hooked, this::lying, this::rangeLimited, this::pruned,
            this::lagging);
    private final Map<String, Hook> hooks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile long lag;
    private volatile long maxLogRange = Long.MAX_VALUE;
    /** Which blocks' state is gone, given the head: null while every block's state is served. */
    private volatile PrunedState prunedState;
    private volatile HttpServer server;
    private int port;
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private final List<Switch> switches = new CopyOnWriteArrayList<>();
    private final Object modeLock = new Object();
    private volatile Fault mode = Fault.PASS;
    /** Bumped at every mode switch: a stalled request waits for its deadline or the next switch. */
    private final AtomicLong modeEpoch = new AtomicLong();
    private volatile Duration stall = null;
    /** The head a {@link Fault#STALE_HEAD} endpoint keeps reporting; -1 in other modes. */
    private volatile long frozenHead = -1;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "json-rpc-proxy-faults");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> pending;

    /**
     * What the endpoint does to the requests it gets while in a mode. Drops, stalls, resets, HTTP errors and garbage
     * hit every request; the others change the answers of some methods only.
     */
    public enum Fault {
        /** Every call is passed to the node as it is. */
        PASS,
        /** The connection is closed without an answer. */
        DROP,
        /** The request is held, unanswered, for the {@link JsonRpcProxy#stallFor stall time} or until the mode
         * changes; then it is passed on. */
        STALL,
        /** The connection is reset (TCP RST) without an answer. */
        RESET,
        /** HTTP 429 Too Many Requests, as a rate-limited hosted endpoint. */
        HTTP_429,
        /** HTTP 500, as a broken gateway. */
        HTTP_500,
        /** HTTP 200 with a body that is not JSON (the node's answer cut in half). */
        GARBAGE,
        /**
         * The head stays where it was when the mode was set: {@code eth_blockNumber} and the tags say so, later
         * blocks are unknown (as {@link JsonRpcProxy#lagBehind}).
         */
        STALE_HEAD,
        /** {@code eth_getLogs} answers without its first log and with the data of the others altered. */
        LYING_LOGS,
        /** {@code eth_call} answers with its result altered (its last hex digit changed). */
        LYING_STATE
    }

    /** A mode switch: when (milliseconds since the epoch) and to which fault. */
    public record Switch(long atMillis, Fault fault) {}

    /** What the endpoint does with a call: answers it itself, or passes it on (changed or not). */
    @FunctionalInterface
    public interface Hook {
        /**
         * @param call the call as received ({@code jsonrpc}, {@code id}, {@code method}, {@code params}); it may be
         *     changed before it is passed on
         * @param next the rest of the way: the behaviours after this one, then the node
         * @return the answer the client gets
         */
        JsonNode answer(ObjectNode call, Next next) throws IOException;
    }

    /** The rest of the way to the node. */
    @FunctionalInterface
    public interface Next {
        JsonNode call(ObjectNode call) throws IOException;
    }

    @FunctionalInterface
    private interface PrunedState {
        boolean pruned(long block, long head);
    }

    private JsonRpcProxy(Vertx vertx, URI node) {
        this.vertx = vertx;
        this.node = node;
        this.ws = vertx.createWebSocketClient();
    }

    /** Starts an endpoint on a free loopback port in front of the node at {@code node} (its HTTP URL). */
    public static JsonRpcProxy start(Vertx vertx, URI node) throws Exception {
        JsonRpcProxy proxy = new JsonRpcProxy(vertx, node);
        proxy.listen(0);
        return proxy;
    }

    public URI httpUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public URI wsUrl() {
        return URI.create("ws://127.0.0.1:" + port);
    }

    // ---- behaviours ------------------------------------------------------------------------------------------

    /** From now on the endpoint's head is {@code blocks} blocks behind the node's (0: level with it). */
    public JsonRpcProxy lagBehind(long blocks) {
        if (blocks < 0) {
            throw new IllegalArgumentException("lag must be zero or more blocks, was " + blocks);
        }
        lag = blocks;
        return this;
    }

    /** From now on serves the state of the newest {@code blocks} blocks only (below {@code head - blocks}: gone). */
    public JsonRpcProxy keepStateOf(long blocks) {
        if (blocks < 0) {
            throw new IllegalArgumentException("blocks of state kept must be zero or more, was " + blocks);
        }
        prunedState = (block, head) -> block < head - blocks;
        return this;
    }

    /** From now on the state of the blocks {@code gone} selects is gone. */
    public JsonRpcProxy pruneState(LongPredicate gone) {
        prunedState = (block, head) -> gone.test(block);
        return this;
    }

    /** Serves every block's state again. */
    public JsonRpcProxy keepAllState() {
        prunedState = null;
        return this;
    }

    /** Refuses {@code eth_getLogs} spanning more than {@code blocks} blocks ({@code -32005}), as a hosted node does. */
    public JsonRpcProxy limitLogRange(long blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("log range limit must be at least 1 block, was " + blocks);
        }
        maxLogRange = blocks;
        return this;
    }

    /** Every call of {@code method} is answered by {@code hook} (in place of an earlier one) until {@link #off}. */
    public JsonRpcProxy on(String method, Hook hook) {
        hooks.put(method, hook);
        return this;
    }

    /** Removes the hook of {@code method}: its calls take the usual way again. */
    public JsonRpcProxy off(String method) {
        hooks.remove(method);
        return this;
    }

    /** Fails every call of {@code method} with this error (as a broken node does, say) until {@link #off}. */
    public JsonRpcProxy failing(String method, int code, String message) {
        return on(method, (call, next) -> refuse(call, code, message));
    }

    // ---- fault modes -----------------------------------------------------------------------------------------

    /** From now on, until the next switch, every request meets {@code fault} ({@link Fault#PASS}: none). */
    public JsonRpcProxy mode(Fault fault) {
        synchronized (modeLock) {
            cancelPending();
            switchTo(fault);
        }
        return this;
    }

    /** {@code fault} for {@code duration}, then {@link Fault#PASS} (unless the mode was switched meanwhile). */
    public JsonRpcProxy mode(Fault fault, Duration duration) {
        synchronized (modeLock) {
            cancelPending();
            switchTo(fault);
            pending = timer.schedule(() -> {
                synchronized (modeLock) {
                    switchTo(Fault.PASS);
                }
            }, duration.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** The fault requests meet now. */
    public Fault mode() {
        return mode;
    }

    /** How long {@link Fault#STALL} holds a request; {@code null} (the default): until the mode changes. */
    public JsonRpcProxy stallFor(Duration hold) {
        stall = hold;
        return this;
    }

    /**
     * Switches the mode every {@code slot} to one drawn from {@code faults} and {@link Fault#PASS} (equally likely)
     * by a random generator seeded with {@code seed}, so that a run can be replayed, until another mode is set. The
     * switches are kept ({@link #switches}).
     */
    public JsonRpcProxy schedule(long seed, Duration slot, Fault... faults) {
        if (faults.length == 0 || slot.isZero() || slot.isNegative()) {
            throw new IllegalArgumentException("a schedule needs faults and a positive slot, got " + faults.length
                    + " faults and " + slot);
        }
        SplittableRandom random = new SplittableRandom(seed);
        Runnable next = () -> {
            int i = random.nextInt(faults.length + 1);
            Fault fault = i == faults.length ? Fault.PASS : faults[i];
            synchronized (modeLock) {
                try {
                    switchTo(fault);
                } catch (RuntimeException e) { // a failed switch must not end the schedule
                    log.warn("proxy mode switch failed endpoint={} fault={} error=\"{}\"", httpUrl(), fault,
                            e.getMessage());
                }
            }
        };
        synchronized (modeLock) {
            cancelPending();
            pending = timer.scheduleAtFixedRate(next, 0, slot.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Requests (or calls, or WebSockets) each fault kind acted on. */
    public int injected(Fault fault) {
        synchronized (injected) {
            AtomicInteger n = injected.get(fault);
            return n == null ? 0 : n.get();
        }
    }

    /** Every fault kind that acted at least once, with its count. */
    public Map<Fault, Integer> injected() {
        Map<Fault, Integer> out = new EnumMap<>(Fault.class);
        synchronized (injected) {
            injected.forEach((f, n) -> out.put(f, n.get()));
        }
        return out;
    }

    /** The mode switches so far, in order. */
    public List<Switch> switches() {
        return new ArrayList<>(switches);
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    /** Called under {@link #modeLock}. */
    private void switchTo(Fault fault) {
        if (fault == Fault.STALE_HEAD && mode != Fault.STALE_HEAD) {
            try {
                frozenHead = head(c -> node(c));
            } catch (IOException e) {
                throw new IllegalStateException("cannot freeze the head: the node at " + node + " did not answer", e);
            }
        } else if (fault != Fault.STALE_HEAD) {
            frozenHead = -1;
        }
        mode = fault;
        modeEpoch.incrementAndGet();
        synchronized (modeEpoch) {
            modeEpoch.notifyAll();
        }
        switches.add(new Switch(System.currentTimeMillis(), fault));
        if (fault == Fault.DROP || fault == Fault.RESET) {
            if (!sockets.isEmpty()) {
                count(fault);
            }
            dropSockets();
        }
    }

    private void count(Fault fault) {
        synchronized (injected) {
            injected.computeIfAbsent(fault, f -> new AtomicInteger()).incrementAndGet();
        }
    }

    // ---- outages ---------------------------------------------------------------------------------------------

    /** Stops listening and cuts every connection: connections are refused, as if the node died. */
    public void kill() throws Exception {
        dropSockets();
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Listens again on the same port. */
    public void revive() throws Exception {
        listen(port);
    }

    /** Closes the WebSockets open through the endpoint (new ones can be opened). */
    public void dropSockets() {
        sockets.forEach(ServerWebSocket::close);
        sockets.clear();
    }

    // ---- what it saw -----------------------------------------------------------------------------------------

    /** HTTP requests received (a batch is one). */
    public int requests() {
        return requests.get();
    }

    /** Calls of {@code method} received, in batches or not. */
    public int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** Calls answered with an error made up here (a behaviour's or a {@link #failing} method's), not by the node. */
    public int refused() {
        return refused.get();
    }

    // ---- the way of a call -----------------------------------------------------------------------------------

    private void listen(int onPort) throws Exception {
        HttpServer s = vertx.createHttpServer().webSocketHandler(this::bridge).requestHandler(this::serve);
        s.listen(onPort, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        server = s;
        port = s.actualPort();
    }

    /** Handles a request on a virtual thread (behaviours wait on the node) and answers on the connection's context. */
    private void serve(HttpServerRequest req) {
        Context context = vertx.getOrCreateContext();
        req.body().onSuccess(body -> Thread.ofVirtual().start(() -> {
            requests.incrementAndGet();
            Fault fault = mode;
            if (fault == Fault.STALL) {
                count(fault);
                hold();
                fault = Fault.PASS;
            }
            switch (fault) {
                case DROP -> {
                    count(fault);
                    context.runOnContext(v -> req.connection().close());
                    return;
                }
                case RESET -> {
                    count(fault);
                    context.runOnContext(v -> reset(req));
                    return;
                }
                case HTTP_429, HTTP_500 -> {
                    count(fault);
                    int status = fault == Fault.HTTP_429 ? 429 : 500;
                    context.runOnContext(v -> req.response().setStatusCode(status).putHeader("Retry-After", "1")
                            .putHeader("Content-Type", "text/plain")
                            .end(status == 429 ? "Too Many Requests" : "Internal Server Error"));
                    return;
                }
                default -> { }
            }
            Buffer answer;
            try {
                byte[] bytes = Json.MAPPER.writeValueAsBytes(handle(Json.MAPPER.readTree(body.getBytes())));
                if (fault == Fault.GARBAGE) {
                    count(fault);
                    bytes = java.util.Arrays.copyOf(bytes, bytes.length / 2);
                }
                answer = Buffer.buffer(bytes);
            } catch (Exception e) {
                answer = null;
            }
            Buffer done = answer;
            context.runOnContext(v -> {
                if (done == null) {
                    req.response().setStatusCode(502).end();
                } else {
                    req.response().putHeader("Content-Type", "application/json").end(done);
                }
            });
        }));
    }

    /** Waits out a stall: its time, or until the mode changes (or the endpoint closes). */
    private void hold() {
        long epoch = modeEpoch.get();
        Duration hold = stall;
        long deadline = hold == null ? Long.MAX_VALUE : System.nanoTime() + hold.toNanos();
        synchronized (modeEpoch) {
            while (modeEpoch.get() == epoch) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    modeEpoch.wait(Math.max(1, Math.min(left / 1_000_000, 60_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Resets the request's connection: SO_LINGER 0 makes the close send a TCP RST instead of a FIN. */
    private static void reset(HttpServerRequest req) {
        var channel = ((ConnectionBase) req.connection()).channel();
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    private JsonNode handle(JsonNode request) throws IOException {
        if (!request.isArray()) {
            return handleOne(request);
        }
        ArrayNode answers = NODES.arrayNode();
        for (JsonNode call : request) {
            answers.add(handleOne(call));
        }
        return answers;
    }

    private JsonNode handleOne(JsonNode call) throws IOException {
        if (!call.isObject()) {
            return node(call);
        }
        calls.computeIfAbsent(call.path("method").asText(), m -> new AtomicInteger()).incrementAndGet();
        return step(0, (ObjectNode) call);
    }

    private JsonNode step(int index, ObjectNode call) throws IOException {
        if (index == steps.size()) {
            return node(call);
        }
        return steps.get(index).answer(call, c -> step(index + 1, c));
    }

    private JsonNode hooked(ObjectNode call, Next next) throws IOException {
        Hook hook = hooks.get(call.path("method").asText());
        return hook == null ? next.call(call) : hook.answer(call, next);
    }

    /** {@link Fault#LYING_LOGS} and {@link Fault#LYING_STATE}: the node's answer, altered. */
    private JsonNode lying(ObjectNode call, Next next) throws IOException {
        Fault fault = mode;
        String method = call.path("method").asText();
        boolean logs = fault == Fault.LYING_LOGS && method.equals("eth_getLogs");
        boolean state = fault == Fault.LYING_STATE && method.equals("eth_call");
        if (!logs && !state) {
            return next.call(call);
        }
        JsonNode answer = next.call(call);
        JsonNode result = answer.path("result");
        if (logs && result.isArray() && !result.isEmpty()) {
            ArrayNode lies = NODES.arrayNode();
            for (int i = 1; i < result.size(); i++) {
                ObjectNode log = result.get(i).deepCopy();
                log.put("data", alter(log.path("data").asText("0x")));
                lies.add(log);
            }
            count(fault);
            return result(call, lies);
        }
        if (state && result.isTextual()) {
            count(fault);
            return result(call, NODES.textNode(alter(result.asText())));
        }
        return answer;
    }

    /** Hex data with its last digit changed ({@code 0x} becomes one word holding 1). */
    private static String alter(String hex) {
        if (hex.length() <= 2) {
            return "0x" + "0".repeat(63) + "1";
        }
        char last = hex.charAt(hex.length() - 1);
        return hex.substring(0, hex.length() - 1) + (last == '0' ? '1' : '0');
    }

    private JsonNode rangeLimited(ObjectNode call, Next next) throws IOException {
        long max = maxLogRange;
        if (max == Long.MAX_VALUE || !call.path("method").asText().equals("eth_getLogs")) {
            return next.call(call);
        }
        JsonNode filter = call.path("params").path(0);
        OptionalLong from = blockNumber(filter.path("fromBlock"));
        OptionalLong to = blockNumber(filter.path("toBlock"));
        if (from.isPresent() && to.isPresent() && to.getAsLong() - from.getAsLong() + 1 > max) {
            return refuse(call, -32005, "query exceeds max block range " + max);
        }
        return next.call(call);
    }

    private JsonNode pruned(ObjectNode call, Next next) throws IOException {
        PrunedState gone = prunedState;
        Integer at = STATE.get(call.path("method").asText());
        OptionalLong block = at == null ? OptionalLong.empty() : blockNumber(call.path("params").path(at));
        if (gone == null || block.isEmpty()) {
            return next.call(call);
        }
        long head = head(next);
        if (!gone.pruned(block.getAsLong(), head)) {
            return next.call(call);
        }
        return refuse(call, -32602, "BlockOutOfRangeError: block height is " + head + " but requested was "
                + block.getAsLong());
    }

    private JsonNode lagging(ObjectNode call, Next next) throws IOException {
        long behind = lag;
        long frozen = frozenHead;
        String method = call.path("method").asText();
        Integer at = method.equals("eth_getBlockByNumber") ? Integer.valueOf(0) : STATE.get(method);
        if ((behind == 0 && frozen < 0) || (at == null && !method.equals("eth_blockNumber"))) {
            return next.call(call);
        }
        long head = Math.max(0, head(next) - behind);
        if (frozen >= 0 && frozen < head) {
            head = frozen;
            count(Fault.STALE_HEAD);
        }
        if (at == null) {
            return result(call, NODES.textNode(hex(head)));
        }
        JsonNode tag = call.path("params").path(at);
        long block = blockNumber(tag).orElse(tag.asText().equals("earliest") ? 0 : head);
        if (block > head) {
            return method.equals("eth_getBlockByNumber") ? result(call, NODES.nullNode())
                    : refuse(call, -32000, "header not found");
        }
        ArrayNode params = call.path("params").isArray() ? (ArrayNode) call.get("params") : call.putArray("params");
        while (params.size() <= at) {
            params.addNull();
        }
        params.set(at, NODES.textNode(hex(block)));
        return next.call(call);
    }

    /** The head as the behaviours after the asking one see it. */
    private static long head(Next next) throws IOException {
        ObjectNode call = NODES.objectNode().put("jsonrpc", "2.0").put("id", 0).put("method", "eth_blockNumber");
        call.putArray("params");
        JsonNode answer = next.call(call);
        OptionalLong head = blockNumber(answer.path("result"));
        if (head.isEmpty()) {
            throw new IOException("eth_blockNumber answered " + answer);
        }
        return head.getAsLong();
    }

    private JsonNode refuse(ObjectNode call, int code, String message) {
        refused.incrementAndGet();
        ObjectNode answer = NODES.objectNode().put("jsonrpc", "2.0");
        answer.set("id", call.get("id"));
        answer.set("error", NODES.objectNode().put("code", code).put("message", message));
        return answer;
    }

    private static JsonNode result(ObjectNode call, JsonNode result) {
        ObjectNode answer = NODES.objectNode().put("jsonrpc", "2.0");
        answer.set("id", call.get("id"));
        answer.set("result", result);
        return answer;
    }

    /** A block number given as a hex quantity; empty for a tag ({@code latest}...), a hash or nothing. */
    private static OptionalLong blockNumber(JsonNode value) {
        String s = value.asText("");
        if (!s.startsWith("0x") || s.length() < 3 || s.length() > 17) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(s.substring(2), 16));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static String hex(long n) {
        return "0x" + Long.toHexString(n);
    }

    private JsonNode node(JsonNode call) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(node).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(call))).build();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException("the node at " + node + " answered HTTP " + r.statusCode());
            }
            return Json.MAPPER.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling the node at " + node, e);
        }
    }

    private void bridge(ServerWebSocket client) {
        Fault fault = mode;
        if (fault == Fault.DROP || fault == Fault.RESET || fault == Fault.HTTP_429 || fault == Fault.HTTP_500) {
            count(fault); // an endpoint that fails requests does not keep a subscription either
            client.close();
            return;
        }
        sockets.add(client);
        client.pause(); // hold the client's first messages until the upstream socket is there
        String target = node.toString().replaceFirst("^http", "ws");
        ws.connect(new WebSocketConnectOptions().setAbsoluteURI(target)).onComplete(ar -> {
            if (ar.failed()) {
                client.close();
                return;
            }
            var upstream = ar.result();
            upstream.textMessageHandler(text -> {
                Fault now = mode;
                if (now == Fault.STALL || now == Fault.STALE_HEAD) {
                    count(now); // a stalled or stale node tells of no new heads
                } else if (now == Fault.GARBAGE) {
                    count(now);
                    client.writeTextMessage(text.substring(0, text.length() / 2));
                } else {
                    client.writeTextMessage(text);
                }
            });
            client.textMessageHandler(upstream::writeTextMessage);
            client.closeHandler(v -> upstream.close());
            upstream.closeHandler(v -> client.close());
            client.resume();
        });
    }

    @Override
    public void close() {
        synchronized (modeLock) {
            cancelPending();
            mode = Fault.PASS;
            frozenHead = -1;
            modeEpoch.incrementAndGet();
            synchronized (modeEpoch) {
                modeEpoch.notifyAll();
            }
        }
        timer.shutdownNow();
        dropSockets();
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
        ws.close();
        http.shutdownNow();
    }
}
