package dev.crossbar.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.crossbar.app.testing.ApiFixture;
import dev.crossbar.app.testing.Seed;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.Finding;
import io.vertx.ext.web.Route;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON API over a real store and a real HTTP server: filters, history, errors, admin actions. */
class HttpApiTest {
    @TempDir
    Path dir;

    ApiFixture api;

    @BeforeEach
    void start() throws Exception {
        // l1 is followed by a watcher in this process (head 120, cursor 100); the others fall back to the store.
        api = new ApiFixture(dir, true, id -> id == Seed.L1 ? Optional.of(new ChainProgress(120, 100))
                : Optional.empty());
        Seed.messages(api.store);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void liveAnswersWhileTheProcessRuns() throws Exception {
        assertThat(api.get("/health/live").status()).isEqualTo(200);
        ApiFixture.Response ready = api.get("/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("checks").get(0).path("name").asText()).isEqualTo("store");
    }

    @Test
    void messagesFilterByState() throws Exception {
        JsonNode relayed = api.get("/api/messages?state=RELAYED").json();
        assertThat(ids(relayed)).containsExactly(Seed.RELAYED);
        assertThat(relayed.get(0).path("state").asText()).isEqualTo("RELAYED");
        assertThat(ids(api.get("/api/messages?state=READY,relayed").json())).containsExactlyInAnyOrder(Seed.RELAYED,
                Seed.WAITING);
        assertThat(ids(api.get("/api/messages?state=READY&state=SENT").json())).containsExactlyInAnyOrder(
                Seed.WAITING, Seed.DEPOSIT);
        assertThat(ids(api.get("/api/messages").json())).as("newest first").containsExactly(Seed.DEPOSIT,
                Seed.WAITING, Seed.RELAYED);
        assertThat(ids(api.get("/api/messages?kind=DEPOSIT").json())).containsExactly(Seed.DEPOSIT);
        assertThat(ids(api.get("/api/messages?chain=l2b").json())).containsExactlyInAnyOrder(Seed.RELAYED,
                Seed.WAITING);
        assertThat(ids(api.get("/api/messages?chain=900").json())).containsExactly(Seed.DEPOSIT);
        assertThat(ids(api.get("/api/messages?sender=" + Seed.OTHER_SENDER.toUpperCase().replace("0X", "0x")).json()))
                .containsExactly(Seed.WAITING);
        assertThat(ids(api.get("/api/messages?limit=1").json())).as("the newest").containsExactly(Seed.DEPOSIT);
    }

    @Test
    void aBadFilterIsA400NamingIt() throws Exception {
        ApiFixture.Response r = api.get("/api/messages?state=RELAYED,DELIVERED");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().path("error").asText()).startsWith("unknown state 'DELIVERED' (known: SENT, COMMITTED");
        assertThat(api.get("/api/messages?chain=l9").json().path("error").asText()).startsWith("unknown chain 'l9'");
        assertThat(api.get("/api/messages?limit=5000").status()).isEqualTo(400);
        assertThat(api.get("/api/messages?sender=bob").json().path("error").asText()).contains("is not an address");
        assertThat(api.get("/api/outputs?chain=l1").json().path("error").asText()).contains("is not an L2");
        assertThat(api.get("/api/findings?status=closed").status()).isEqualTo(400);
    }

    @Test
    void aMessageShowsItsFullHistory() throws Exception {
        JsonNode m = api.get("/api/messages/" + Seed.RELAYED).json();
        assertThat(m.path("message").path("id").asText()).isEqualTo(Seed.RELAYED);
        assertThat(m.path("message").path("kind").asText()).isEqualTo("CROSS_ROLLUP");
        List<String> moves = new ArrayList<>();
        for (JsonNode t : m.path("history")) {
            moves.add(t.path("from").asText("(new)") + "->" + t.path("to").asText());
            assertThat(t.path("cause").asText()).isNotBlank();
            assertThat(t.path("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        }
        assertThat(moves).containsExactly("(new)->SENT", "SENT->READY", "READY->RELAYED");
        assertThat(m.path("transactions").isArray()).isTrue();
        assertThat(api.get("/api/messages/" + Seed.RELAYED.toUpperCase().replace("0X", "0x")).status())
                .as("ids are matched in any case").isEqualTo(200);
    }

    @Test
    void anUnknownMessageOrPathIsA404() throws Exception {
        ApiFixture.Response r = api.get("/api/messages/" + Seed.hash("nothing"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").asText()).isEqualTo("no message " + Seed.hash("nothing"));
        ApiFixture.Response path = api.get("/api/nothing");
        assertThat(path.status()).isEqualTo(404);
        assertThat(path.json().path("error").asText()).contains("no such endpoint");
    }

    @Test
    void gamesAreListedNewestFirstWithTheClocksOfThoseInProgress() throws Exception {
        Seed.games(api.store);
        long before = java.time.Instant.now().getEpochSecond();
        JsonNode games = api.get("/api/games").json();
        long after = java.time.Instant.now().getEpochSecond();

        assertThat(addresses(games)).containsExactly(Seed.GAME_A1, Seed.GAME_B0, Seed.GAME_A0);
        JsonNode a1 = games.get(0);
        assertThat(a1.path("index").asLong()).isEqualTo(1);
        assertThat(a1.path("l2ChainId").asLong()).isEqualTo(Seed.L2A);
        assertThat(a1.path("gameType").asInt()).isEqualTo(255);
        assertThat(a1.path("l2BlockNumber").asLong()).isEqualTo(20);
        assertThat(a1.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(a1.path("claims").asInt()).isEqualTo(4);
        assertThat(a1.path("verdict").isNull()).isTrue();
        // Block 3 (time 1_700_000_006) has the moves: claim 3 (a challenger's, uncountered) runs the defender's
        // clock from its parent's 0 s; claim 2 (the defender's, uncountered) the challengers' from claim 1's 5 s.
        long defender = a1.path("defenderClockUsedSeconds").asLong();
        assertThat(defender).isBetween(before - 1_700_000_006L, after - 1_700_000_006L);
        assertThat(a1.path("challengerClockUsedSeconds").asLong()).isEqualTo(defender + 5);
        assertThat(a1.path("timeLeftSeconds").asLong()).as("its 60 s clocks ran out long ago").isZero();
        JsonNode b0 = games.get(1);
        assertThat(b0.path("blacklisted").asBoolean()).isTrue();
        assertThat(b0.path("challengerClockUsedSeconds").asLong()).as("its root claim, made in block 2")
                .isBetween(before - 1_700_000_004L, after - 1_700_000_004L);
        assertThat(b0.path("defenderClockUsedSeconds").isNull()).as("no challenger claim runs it").isTrue();
        JsonNode a0 = games.get(2);
        assertThat(a0.path("status").asText()).isEqualTo("DEFENDER_WINS");
        assertThat(a0.path("resolvedAt").asLong()).isEqualTo(1_700_000_006L);
        assertThat(a0.path("verdict").asText()).isEqualTo("VALID");
        assertThat(a0.has("challengerClockUsedSeconds")).as("resolved: no clocks").isFalse();

        assertThat(addresses(api.get("/api/games?chain=l2b").json())).containsExactly(Seed.GAME_B0);
        assertThat(addresses(api.get("/api/games?chain=901&status=in_progress").json()))
                .containsExactly(Seed.GAME_A1);
        assertThat(addresses(api.get("/api/games?status=DEFENDER_WINS,CHALLENGER_WINS").json()))
                .containsExactly(Seed.GAME_A0);
        assertThat(addresses(api.get("/api/games?type=255&limit=2").json()))
                .containsExactly(Seed.GAME_A1, Seed.GAME_B0);
        assertThat(api.get("/api/games?type=0").body()).isEqualTo("[]");
    }

    @Test
    void aBadGameFilterIsA400NamingIt() throws Exception {
        ApiFixture.Response status = api.get("/api/games?status=LOST");
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.json().path("error").asText())
                .isEqualTo("unknown status 'LOST' (known: IN_PROGRESS, CHALLENGER_WINS, DEFENDER_WINS)");
        assertThat(api.get("/api/games?chain=l1").json().path("error").asText()).contains("is not an L2");
        ApiFixture.Response type = api.get("/api/games?type=cannon");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.json().path("error").asText()).startsWith("type 'cannon' is not a game type number");
        assertThat(api.get("/api/games?type=-1").status()).isEqualTo(400);
        assertThat(api.get("/api/games?limit=0").status()).isEqualTo(400);
    }

    @Test
    void aGameIsFoundByAddressOrIndexWithItsClaimsAndHistory() throws Exception {
        Seed.games(api.store);

        JsonNode byAddress = api.get("/api/games/" + Seed.GAME_A1.toUpperCase().replace("0X", "0x")).json();

        assertThat(byAddress.path("game").path("address").asText()).isEqualTo(Seed.GAME_A1);
        assertThat(byAddress.path("game").has("challengerClockUsedSeconds")).isTrue();
        JsonNode claims = byAddress.path("claims");
        assertThat(claims).hasSize(4);
        JsonNode root = claims.get(0);
        assertThat(root.path("position").asText()).isEqualTo("1");
        assertThat(root.path("parentIndex").isNull()).isTrue();
        assertThat(root.path("clockDurationSeconds").asLong()).isZero();
        assertThat(root.path("clockTimestamp").asLong()).isEqualTo(1_700_000_004L);
        JsonNode second = claims.get(2);
        assertThat(second.path("claimIndex").asLong()).isEqualTo(2);
        assertThat(second.path("parentIndex").asLong()).isEqualTo(1);
        assertThat(second.path("depth").asInt()).isEqualTo(2);
        assertThat(second.path("position").asText()).isEqualTo("4");
        assertThat(second.path("bond").asText()).isEqualTo("80000000000000000");
        assertThat(second.path("clock").asText()).isEqualTo(BigInteger.valueOf(7).shiftLeft(64)
                .or(BigInteger.valueOf(1_700_000_006L)).toString());
        assertThat(second.path("clockDurationSeconds").asLong()).isEqualTo(7);
        assertThat(second.path("clockTimestamp").asLong()).isEqualTo(1_700_000_006L);
        List<String> history = new ArrayList<>();
        byAddress.path("history").forEach(h -> history.add(h.path("what").asText()));
        assertThat(history).containsExactly("CREATED", "MOVE", "MOVE", "MOVE");

        assertThat(api.get("/api/games/1").json().path("game").path("address").asText()).isEqualTo(Seed.GAME_A1);
        assertThat(api.get("/api/games/0?chain=l2b").json().path("game").path("address").asText())
                .isEqualTo(Seed.GAME_B0);
        JsonNode a0 = api.get("/api/games/0?chain=901").json();
        assertThat(a0.path("game").path("address").asText()).isEqualTo(Seed.GAME_A0);
        assertThat(a0.path("history").get(2).path("what").asText()).isEqualTo("VERDICT");
        assertThat(a0.path("history").get(2).path("cause").asText())
                .isEqualTo("VALID by relayer: the L2 node gives the same output root for L2 block 10");
    }

    @Test
    void aGameRefThatIsAmbiguousUnknownOrMalformedSaysSo() throws Exception {
        Seed.games(api.store);

        ApiFixture.Response ambiguous = api.get("/api/games/0");
        assertThat(ambiguous.status()).isEqualTo(400);
        assertThat(ambiguous.json().path("error").asText())
                .isEqualTo("game index 0 is on several L2s (l2a, l2b): say which with the chain parameter");
        ApiFixture.Response noIndex = api.get("/api/games/7");
        assertThat(noIndex.status()).isEqualTo(404);
        assertThat(noIndex.json().path("error").asText()).isEqualTo("no game with index 7 on any L2");
        assertThat(api.get("/api/games/1?chain=l2b").json().path("error").asText())
                .isEqualTo("no game with index 1 on l2b");
        String unknown = "0x" + Seed.hash("no-game").substring(26);
        ApiFixture.Response noAddress = api.get("/api/games/" + unknown);
        assertThat(noAddress.status()).isEqualTo(404);
        assertThat(noAddress.json().path("error").asText()).isEqualTo("no game " + unknown);
        assertThat(api.get("/api/games/" + Seed.GAME_A1 + "?chain=l2b").json().path("error").asText())
                .isEqualTo("no game " + Seed.GAME_A1 + " on l2b");
        ApiFixture.Response malformed = api.get("/api/games/banana");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").asText())
                .isEqualTo("game 'banana' is neither an address (0x and 40 hex digits) nor a factory index (a number)");
        assertThat(api.get("/api/games/1?chain=l1").status()).isEqualTo(400);
    }

    @Test
    void findingsAreAnEmptyListWhenThereAreNone() throws Exception {
        ApiFixture.Response r = api.get("/api/findings");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[]");
        api.store.recordFinding(new Finding(0, "BAD_OUTPUT", "critical", Seed.L2A, "bad-output:901:3",
                "output root does not match the L2", Map.of("index", "3"), null, 0, null, null));
        assertThat(api.get("/api/findings?status=open").json()).singleElement()
                .satisfies(f -> assertThat(f.path("kind").asText()).isEqualTo("BAD_OUTPUT"));
        assertThat(api.get("/api/findings?status=RESOLVED").body()).isEqualTo("[]");
        assertThat(api.get("/api/outputs").body()).isEqualTo("[]");
    }

    @Test
    void chainsShowHeadCursorLagAndBreaker() throws Exception {
        api.store.setBreaker(Seed.L2B, true, "forged relay", "monitor");
        JsonNode chains = api.get("/api/chains").json();
        assertThat(chains).hasSize(3);
        JsonNode l1 = chains.get(0);
        assertThat(l1.path("name").asText()).isEqualTo("l1");
        assertThat(l1.path("head").asLong()).isEqualTo(120);
        assertThat(l1.path("cursor").asLong()).isEqualTo(100);
        assertThat(l1.path("lag").asLong()).isEqualTo(20);
        assertThat(l1.path("source").asText()).isEqualTo("watcher");
        assertThat(l1.path("breaker").path("tripped").asBoolean()).isFalse();
        JsonNode l2b = chains.get(2);
        assertThat(l2b.path("source").asText()).isEqualTo("store");
        assertThat(l2b.path("cursor").asLong()).as("the store's cursor").isEqualTo(1);
        assertThat(l2b.path("head").isNull()).as("its endpoint is down").isTrue();
        assertThat(l2b.path("error").asText()).startsWith("head unknown:");
        assertThat(l2b.path("breaker").path("tripped").asBoolean()).isTrue();
        assertThat(l2b.path("breaker").path("reason").asText()).isEqualTo("forged relay");

        JsonNode status = api.get("/api/status").json();
        assertThat(status.path("messages").path("RELAYED").asLong()).isEqualTo(1);
        assertThat(status.path("messages").path("READY").asLong()).isEqualTo(1);
        assertThat(status.path("findings").path("open").asInt()).isZero();
    }

    @Test
    void adminActionsAreRefusedWithoutTheToken() throws Exception {
        String path = "/api/messages/" + Seed.WAITING + "/retry";
        ApiFixture.Response none = api.post(path, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().path("error").asText()).contains("Authorization: Bearer");
        assertThat(api.post(path, "Bearer wrong-token").status()).isEqualTo(401);
        assertThat(api.post(path, "Bearer " + ApiFixture.TOKEN + "x").status()).isEqualTo(401);
        assertThat(api.post(path, "Basic " + ApiFixture.TOKEN).status()).isEqualTo(401);
        assertThat(api.post("/api/breakers/l2a/trip", null).status()).isEqualTo(401);
        assertThat(api.post("/api/breakers/l2a/reset", "Bearer nope").status()).isEqualTo(401);
        assertThat(api.store.message(Seed.WAITING).orElseThrow().state()).as("nothing changed")
                .isEqualTo(MessageState.READY);
        assertThat(api.store.breakers()).isEmpty();
    }

    @Test
    void retryWithTheTokenMovesAFailedMessageToReady() throws Exception {
        api.store.transition(Seed.WAITING, MessageState.FAILED, "reverted on chain 902");
        api.store.recordAttempt(Seed.WAITING, 3, null, "execution reverted");
        ApiFixture.Response r = api.post("/api/messages/" + Seed.WAITING + "/retry", "Bearer " + ApiFixture.TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("state").asText()).isEqualTo("READY");
        assertThat(r.json().path("attempts").asInt()).isZero();
        var last = api.store.history(Seed.WAITING).getLast();
        assertThat(last.from()).isEqualTo(MessageState.FAILED);
        assertThat(last.to()).isEqualTo(MessageState.READY);
        assertThat(last.cause()).isEqualTo("retried by operator");
    }

    @Test
    void retryOfADeadLetteredCrossRollupMessageMakesItReadyForTheRelayer() throws Exception {
        api.store.transition(Seed.WAITING, MessageState.DEAD_LETTERED, "replays ran out");
        ApiFixture.Response r = api.post("/api/messages/" + Seed.WAITING + "/retry", "Bearer " + ApiFixture.TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("state").asText()).isEqualTo("READY");
    }

    @Test
    void retryOfADepositIsA409SayingTheSequencerExecutesDeposits() throws Exception {
        api.store.transition(Seed.DEPOSIT, MessageState.FAILED, "its call reverted on l2a");
        for (MessageState state : List.of(MessageState.FAILED, MessageState.DEAD_LETTERED)) {
            if (state == MessageState.DEAD_LETTERED) {
                api.store.transition(Seed.DEPOSIT, MessageState.DEAD_LETTERED, "replays ran out");
            }
            ApiFixture.Response r = api.post("/api/messages/" + Seed.DEPOSIT + "/retry", "Bearer " + ApiFixture.TOKEN);
            assertThat(r.status()).as(state.name()).isEqualTo(409);
            assertThat(r.json().path("error").asText()).as(state.name())
                    .contains("is a deposit (" + state + ")", "executed on the L2 by its sequencer");
            assertThat(api.store.message(Seed.DEPOSIT).orElseThrow().state()).as("unchanged").isEqualTo(state);
        }
    }

    @Test
    void retryOfAMessageTheLifecycleForbidsIsA409NamingTheState() throws Exception {
        ApiFixture.Response r = api.post("/api/messages/" + Seed.RELAYED + "/retry", "Bearer " + ApiFixture.TOKEN);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().path("error").asText()).contains("is RELAYED: only FAILED or DEAD_LETTERED messages can be"
                + " retried");
        assertThat(api.post("/api/messages/" + Seed.hash("x") + "/retry", "Bearer " + ApiFixture.TOKEN).status())
                .isEqualTo(404);
    }

    @Test
    void breakersTripAndResetWithTheToken() throws Exception {
        ApiFixture.Response trip = api.post("/api/breakers/l2a/trip?reason=bad%20output", "Bearer " + ApiFixture.TOKEN);
        assertThat(trip.status()).isEqualTo(200);
        assertThat(trip.json().path("tripped").asBoolean()).isTrue();
        assertThat(api.store.breaker(Seed.L2A).orElseThrow().reason()).isEqualTo("bad output");
        assertThat(api.store.breaker(Seed.L2A).orElseThrow().changedBy()).isEqualTo("operator (http)");
        ApiFixture.Response reset = api.post("/api/breakers/901/reset", "Bearer " + ApiFixture.TOKEN);
        assertThat(reset.json().path("tripped").asBoolean()).isFalse();
        assertThat(api.store.breaker(Seed.L2A).orElseThrow().tripped()).isFalse();
        assertThat(api.post("/api/breakers/l9/reset", "Bearer " + ApiFixture.TOKEN).status()).isEqualTo(404);
    }

    @Test
    void withoutAConfiguredTokenAdminActionsAreForbidden() throws Exception {
        try (ApiFixture open = new ApiFixture(dir.resolve("other"), false, ChainStatusSource.none())) {
            java.nio.file.Files.createDirectories(dir.resolve("other"));
            ApiFixture.Response r = open.post("/api/breakers/l2a/trip", "Bearer " + ApiFixture.TOKEN);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().path("error").asText()).contains("no http.adminToken is configured");
        }
    }

    @Test
    void withAReadTokenEveryApiRouteNeedsItOrTheAdminTokenWhileHealthAndMetricsStayOpen() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("read"));
        try (ApiFixture closed = new ApiFixture(dir.resolve("read"), true, true, ChainStatusSource.none())) {
            Seed.messages(closed.store);
            for (String path : List.of("/api/messages", "/api/messages/" + Seed.RELAYED, "/api/status", "/api/chains",
                    "/api/findings", "/api/breakers", "/api/openapi.yaml", "/api/nothing")) {
                ApiFixture.Response none = closed.get(path);
                assertThat(none.status()).as(path).isEqualTo(401);
                assertThat(none.json().path("error").asText()).as(path).isEqualTo("the API needs Authorization:"
                        + " Bearer <token> with the configured http.readToken (or http.adminToken); the request has no"
                        + " Authorization header");
                ApiFixture.Response wrong = closed.get(path, "Bearer " + ApiFixture.READ_TOKEN + "x");
                assertThat(wrong.status()).as(path).isEqualTo(401);
                assertThat(wrong.json().path("error").asText()).endsWith("the token given is not one of them");
                assertThat(closed.get(path, "Basic " + ApiFixture.READ_TOKEN).status()).as(path).isEqualTo(401);
                int expected = path.equals("/api/nothing") ? 404 : 200;
                assertThat(closed.get(path, "Bearer " + ApiFixture.READ_TOKEN).status()).as(path).isEqualTo(expected);
                assertThat(closed.get(path, "bearer " + ApiFixture.TOKEN).status()).as("%s with the admin token", path)
                        .isEqualTo(expected);
            }
            for (String open : List.of("/health/live", "/health/ready", "/metrics")) {
                assertThat(closed.get(open).status()).as("%s needs no token (probes, Prometheus)", open).isEqualTo(200);
            }
            // The read token is not an admin token.
            String trip = "/api/breakers/l2a/trip";
            assertThat(closed.post(trip, null).status()).isEqualTo(401);
            ApiFixture.Response readOnly = closed.post(trip, "Bearer " + ApiFixture.READ_TOKEN);
            assertThat(readOnly.status()).isEqualTo(401);
            assertThat(readOnly.json().path("error").asText()).contains("http.adminToken");
            assertThat(closed.store.breakers()).isEmpty();
            assertThat(closed.post(trip, "Bearer " + ApiFixture.TOKEN).status()).isEqualTo(200);
        }
    }

    @Test
    void theOpenApiDocumentIsServedAndDescribesEveryRoute() throws Exception {
        ApiFixture.Response r = api.get("/api/openapi.yaml");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/yaml");
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(r.body());
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        Set<String> documented = new TreeSet<>();
        doc.path("paths").properties().forEach(p -> p.getValue().properties().forEach(m ->
                documented.add(m.getKey().toUpperCase() + " " + p.getKey())));
        Set<String> served = new TreeSet<>();
        for (Route route : api.http.router().getRoutes()) {
            if (route.getPath() == null || route.methods() == null) {
                continue;
            }
            route.methods().forEach(m -> served.add(m.name() + " " + route.getPath().replaceAll(":(\\w+)", "{$1}")));
        }
        assertThat(served).isNotEmpty();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(served);
    }

    private static List<String> addresses(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(g -> out.add(g.path("address").asText()));
        return out;
    }

    private static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(m -> out.add(m.path("id").asText()));
        return out;
    }
}
