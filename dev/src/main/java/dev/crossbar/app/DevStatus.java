package dev.crossbar.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.json.Json;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Dev mode's live status, read from the service's own API (what {@code crossbar status} shows, on a few lines):
 * each chain's head and cursor, messages by state, the newest output of each L2 with the time left in its window
 * (on L2s that settle through dispute games: the newest game of each and every game in progress with its clocks),
 * and the monitor's findings.
 */
final class DevStatus {
    private final String api;
    private final PrintStream out;
    private final long windowSeconds;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final boolean games;

    /** @param games whether the L2s settle through dispute games (the status shows games, not outputs) */
    DevStatus(String api, PrintStream out, Duration window, boolean games) {
        this.api = api;
        this.out = out;
        this.windowSeconds = window.toSeconds();
        this.games = games;
    }

    void print() {
        StringBuilder s = new StringBuilder(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            JsonNode status = get("/api/status");
            List<String> chains = new ArrayList<>();
            for (JsonNode c : status.path("chains")) {
                String breaker = c.path("breaker").path("tripped").asBoolean() ? " BREAKER TRIPPED" : "";
                chains.add(c.path("name").asText() + " #" + c.path("head").asText("-") + " (cursor "
                        + c.path("cursor").asText("-") + ")" + breaker);
            }
            s.append("  ").append(String.join("  ", chains));
            List<String> counts = new ArrayList<>();
            status.path("messages").properties().forEach(e -> counts.add(e.getKey() + " " + e.getValue().asLong()));
            s.append("\n          messages: ").append(counts.isEmpty() ? "none yet" : String.join(", ", counts));
            if (games) {
                s.append("\n          games: ").append(games());
            } else {
                s.append("\n          outputs: ").append(outputs());
            }
            int open = status.path("findings").path("open").asInt();
            s.append("\n          findings: ").append(open == 0 ? "none" : open + " open");
            for (JsonNode f : status.path("findings").path("latest")) {
                s.append("\n            ").append(f.path("severity").asText()).append(' ').append(f.path("kind").asText())
                        .append(": ").append(f.path("summary").asText());
            }
        } catch (Exception e) {
            s.append("  status unavailable: ").append(e.getMessage());
        }
        out.println(s);
    }

    private String outputs() throws Exception {
        JsonNode outputs = get("/api/outputs?limit=20");
        List<String> parts = new ArrayList<>();
        List<Long> seen = new ArrayList<>();
        long now = Instant.now().getEpochSecond();
        for (JsonNode o : outputs.isArray() ? outputs : outputs.path("outputs")) {
            long l2 = o.path("l2ChainId").asLong();
            if (seen.contains(l2) || !"PROPOSED".equals(o.path("status").asText())) {
                continue;
            }
            seen.add(l2);
            long left = o.path("l1Timestamp").asLong() + windowSeconds - now;
            parts.add(l2 + ": #" + o.path("outputIndex").asText() + " at L2 block " + o.path("l2BlockNumber").asText()
                    + (left > 0 ? ", " + left + "s left in its window" : ", window passed"));
        }
        return parts.isEmpty() ? "none yet" : String.join("; ", parts);
    }

    /**
     * The newest game of each L2 and every game in progress with its clock: how long the side to move has used and
     * how long the first running clock has left.
     */
    private String games() throws Exception {
        JsonNode games = get("/api/games?limit=30");
        List<String> parts = new ArrayList<>();
        List<Long> newestSeen = new ArrayList<>();
        for (JsonNode g : games.isArray() ? games : games.path("games")) {
            long l2 = g.path("l2ChainId").asLong();
            boolean open = "IN_PROGRESS".equals(g.path("status").asText());
            boolean newest = !newestSeen.contains(l2);
            if (!open && !newest) {
                continue;
            }
            newestSeen.add(l2);
            StringBuilder p = new StringBuilder(l2 + " #" + g.path("index").asText() + " (type "
                    + g.path("gameType").asText() + ", L2 block " + g.path("l2BlockNumber").asText() + ") "
                    + g.path("status").asText());
            if (g.hasNonNull("verdict")) {
                p.append(' ').append(g.path("verdict").asText());
            }
            if (g.path("blacklisted").asBoolean()) {
                p.append(" BLACKLISTED");
            }
            if (open && g.has("timeLeftSeconds")) {
                p.append(", ").append(g.path("timeLeftSeconds").asLong()).append("s left on its clocks");
            }
            parts.add(p.toString());
        }
        return parts.isEmpty() ? "none yet" : String.join("; ", parts);
    }

    private JsonNode get(String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(3));
        // With http.readToken set (e.g. CROSSBAR_HTTP_READ_TOKEN_ENV=CROSSBAR_READ_TOKEN), the token the CLI sends too.
        String token = System.getenv("CROSSBAR_READ_TOKEN");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.trim());
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }
}
