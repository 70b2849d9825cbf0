package dev.crossbar.watcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.core.policy.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Follows a chain's head: a {@code newHeads} WebSocket subscription when one is configured and up, and
 * polling {@code eth_blockNumber} otherwise. Polling also runs, slower, while the subscription is up, so a
 * subscription that silently stops delivering costs at most a few poll intervals. A dropped socket is
 * reconnected with capped exponential backoff.
 *
 * <p>The polling is a {@link SupervisedLoop#driven driven} supervised loop: a poll that fails is counted and reports
 * the loop down, to readiness, until a poll answers; the next poll waits for the loop's backoff. (A socket that is
 * down is not: the polling stands in for it.)
 */
final class HeadTracker {
    private static final Logger log = LoggerFactory.getLogger(HeadTracker.class);
    private static final int SAFETY_POLL_FACTOR = 4;
    private static final Backoff RECONNECT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final String chain;
    private final EthApi api;
    private final List<URI> wsEndpoints;
    private final Duration pollInterval;
    private final LongConsumer onHead;
    private final MeterRegistry meters;
    /** The polling loop of the current run (a new one at each start). */
    private SupervisedLoop polling;
    private WebSocketClient wsClient;
    private WebSocket socket;
    private long pollTimer = -1;
    private int reconnects;
    private int wsIndex;
    private volatile boolean subscribed;
    private volatile boolean running;
    private volatile long head = -1;

    HeadTracker(Vertx vertx, String chain, EthApi api, List<URI> wsEndpoints, Duration pollInterval,
            LongConsumer onHead, MeterRegistry meters) {
        this.vertx = vertx;
        this.chain = chain;
        this.api = api;
        this.wsEndpoints = wsEndpoints;
        this.pollInterval = pollInterval;
        this.onHead = onHead;
        this.meters = meters;
    }

    void start() {
        running = true;
        polling = SupervisedLoop.driven("watcher-" + chain + "-heads", SupervisedLoop.RESTART, meters).start();
        if (!wsEndpoints.isEmpty()) {
            wsClient = vertx.createWebSocketClient();
            connect();
        }
        schedulePoll(0);
    }

    void stop() {
        running = false;
        if (polling != null) {
            polling.stop(Duration.ZERO);
        }
        if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
        }
        if (socket != null) {
            socket.close();
        }
        if (wsClient != null) {
            wsClient.close();
        }
    }

    long head() {
        return head;
    }

    boolean isSubscribed() {
        return subscribed;
    }

    private void schedulePoll(long delayMs) {
        if (!running) {
            return;
        }
        pollTimer = vertx.setTimer(Math.max(1, delayMs), id -> poll());
    }

    private void poll() {
        vertx.executeBlocking(api::blockNumber, false).onComplete(ar -> {
            if (!running) {
                return;
            }
            if (ar.failed()) {
                schedulePoll(polling.failed(ar.cause()).toMillis());
                return;
            }
            polling.ran();
            seen(ar.result());
            long next = subscribed ? pollInterval.toMillis() * SAFETY_POLL_FACTOR : pollInterval.toMillis();
            schedulePoll(next);
        });
    }

    private void connect() {
        if (!running) {
            return;
        }
        URI uri = wsEndpoints.get(wsIndex % wsEndpoints.size());
        wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(uri.toString())).onComplete(ar -> {
            if (ar.failed()) {
                wsIndex++;
                reconnectLater("connect to " + uri + " failed: " + ar.cause().getMessage());
                return;
            }
            socket = ar.result();
            socket.textMessageHandler(this::onMessage);
            socket.closeHandler(v -> {
                subscribed = false;
                reconnectLater("socket " + uri + " closed");
            });
            socket.exceptionHandler(err -> {
                if (running) { // closing the socket on stop is no error
                    log.warn("head socket error chain={} error={}", chain, err.getMessage());
                }
            });
            socket.writeTextMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_subscribe\",\"params\":[\"newHeads\"]}");
            WebSocket mine = socket;
            vertx.setTimer(SUBSCRIBE_TIMEOUT.toMillis(), id -> {
                if (running && !subscribed && socket == mine) {
                    log.warn("no answer to eth_subscribe chain={} endpoint={} within {}s; reconnecting", chain, uri,
                            SUBSCRIBE_TIMEOUT.toSeconds());
                    mine.close();
                }
            });
        });
    }

    private void onMessage(String text) {
        try {
            JsonNode msg = Json.MAPPER.readTree(text);
            if (msg.has("id") && msg.has("result")) {
                subscribed = true;
                reconnects = 0;
                log.info("subscribed to new heads chain={}", chain);
                return;
            }
            if (msg.has("id") && msg.has("error")) {
                log.warn("newHeads subscription refused chain={} error={}; polling instead", chain, msg.get("error"));
                socket.close();
                return;
            }
            JsonNode number = msg.path("params").path("result").path("number");
            if (number.isTextual()) {
                seen(Numeric.toBigInt(number.asText()).longValueExact());
            }
        } catch (Exception e) {
            log.warn("unreadable head notification chain={} error={}", chain, e.getMessage());
        }
    }

    private void reconnectLater(String why) {
        subscribed = false;
        if (!running) {
            return;
        }
        long delayMs = RECONNECT.delay(++reconnects).toMillis();
        log.warn("head subscription down chain={} reason={} retryInMs={}; polling meanwhile", chain, why, delayMs);
        vertx.setTimer(delayMs, id -> connect());
    }

    private void seen(long number) {
        if (number > head) {
            head = number;
        }
        onHead.accept(number);
    }
}
