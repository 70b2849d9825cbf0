package dev.crossbar.app.cli;

import static dev.crossbar.app.cli.MessagesCommand.encode;
import static dev.crossbar.app.cli.MessagesCommand.param;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.ExitCodes;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code crossbar games}: list the dispute games of fault-proof L2s, show one with its claims and history. */
@Command(name = "games", mixinStandardHelpOptions = true,
        description = "Dispute games of the L2s that settle through fault proofs: list them, show one with its claims "
                + "and history.",
        subcommands = {GamesCommand.ListGames.class, GamesCommand.Show.class})
public final class GamesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: list or show");
    }

    /** {@code crossbar games list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List dispute games, newest factory index first, with the clocks of those in progress "
                    + "(C: the challengers' clock, D: the defender's, on their longest-running branch). Exit 2 when a "
                    + "filter is wrong.")
    static final class ListGames extends ApiCommand {
        @Option(names = "--chain", paramLabel = "CHAIN", description = "Only the games of this L2 (name or chain id).")
        String chain;

        @Option(names = "--status", paramLabel = "STATUS", split = ",",
                description = "Only these statuses (repeat or separate with commas): IN_PROGRESS, CHALLENGER_WINS, "
                        + "DEFENDER_WINS.")
        List<String> statuses = new ArrayList<>();

        @Option(names = "--type", paramLabel = "TYPE", description = "Only games of this type (a number, e.g. 0, 1, "
                + "255).")
        String type;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most this many (1-1000; default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            StringBuilder q = new StringBuilder("/api/games?limit=").append(limit);
            param(q, "chain", chain);
            statuses.forEach(s -> param(q, "status", s));
            param(q, "type", type);
            ApiClient.Response r = api.get(q.toString());
            if (!r.ok()) {
                return failed(r);
            }
            if (r.body().isEmpty()) {
                out().println("no games");
                return ExitCodes.OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"L2", "INDEX", "TYPE", "L2 BLOCK", "ROOT CLAIM", "STATUS", "CREATED", "CLAIMS",
                "VERDICT", "BLACKLISTED", "CLOCKS"});
            for (JsonNode g : r.body()) {
                rows.add(new String[] {g.path("l2ChainId").asText(), g.path("index").asText(),
                        g.path("gameType").asText(), g.path("l2BlockNumber").asText(), shortHash(g.path("rootClaim")),
                        g.path("status").asText(), seconds(g.path("createdAt")), g.path("claims").asText(),
                        text(g.path("verdict")), g.path("blacklisted").asBoolean() ? "yes" : "no", clocks(g)});
            }
            Table.print(out(), rows);
            return ExitCodes.OK;
        }
    }

    /** {@code crossbar games show <ref>}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a dispute game with its claims and history. Exit 3 when there is no such game, 2 when "
                    + "the index is on several L2s and --chain does not say which.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "REF", description = "The game's address (0x...) or its index in its L2's factory.")
        String ref;

        @Option(names = "--chain", paramLabel = "CHAIN", description = "The game's L2 (name or chain id).")
        String chain;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            String path = "/api/games/" + encode(ref.trim());
            ApiClient.Response r = api.get(chain == null || chain.isBlank() ? path
                    : path + "?chain=" + encode(chain.trim()));
            if (!r.ok()) {
                return failed(r);
            }
            print(r.body(), out());
            return ExitCodes.OK;
        }

        static void print(JsonNode body, PrintWriter out) {
            JsonNode g = body.path("game");
            out.println("game " + g.path("index").asText() + " of chain " + g.path("l2ChainId").asText() + " at "
                    + g.path("address").asText());
            field(out, "type", g.path("gameType").asText());
            field(out, "root claim", g.path("rootClaim").asText() + " (L2 block " + g.path("l2BlockNumber").asText()
                    + ")");
            field(out, "status", g.path("status").asText() + (g.path("resolvedAt").isNumber()
                    ? " (resolved " + seconds(g.path("resolvedAt")) + ")" : ""));
            field(out, "created", seconds(g.path("createdAt")) + " (chain " + g.path("l1ChainId").asText() + " block "
                    + g.path("l1BlockNumber").asText() + ", tx " + g.path("l1TxHash").asText() + ")");
            field(out, "blacklisted", g.path("blacklisted").asBoolean() ? "yes" : "no");
            field(out, "verdict", g.path("verdict").isTextual() ? g.path("verdict").asText() + " by "
                    + g.path("verdictBy").asText() + ": " + g.path("verdictDetail").asText() : "not checked yet");
            if (g.has("challengerClockUsedSeconds")) {
                field(out, "clocks", "challenger used " + duration(g.path("challengerClockUsedSeconds"))
                        + ", defender used " + duration(g.path("defenderClockUsedSeconds"))
                        + (g.has("timeLeftSeconds") ? ", " + duration(g.path("timeLeftSeconds")) + " left" : ""));
            }
            out.println("claims:");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"  INDEX", "PARENT", "DEPTH", "POSITION", "CLAIM", "CLAIMANT", "BOND (WEI)",
                "CLOCK"});
            for (JsonNode c : body.path("claims")) {
                rows.add(new String[] {"  " + c.path("claimIndex").asText(), text(c.path("parentIndex")),
                        c.path("depth").asText(), c.path("position").asText(), c.path("claim").asText(),
                        text(c.path("claimant")), text(c.path("bond")), duration(c.path("clockDurationSeconds"))
                        + " used at " + seconds(c.path("clockTimestamp"))});
            }
            Table.print(out, rows);
            out.println("history:");
            rows = new ArrayList<>();
            for (JsonNode h : body.path("history")) {
                rows.add(new String[] {"  " + h.path("at").asText(), h.path("what").asText(),
                        h.path("cause").asText()});
            }
            Table.print(out, rows);
        }

        private static void field(PrintWriter out, String name, String value) {
            out.printf("  %-11s %s%n", name, value);
        }
    }

    /** The clocks of a game in progress: {@code C 2m00s D -} and the time left when known; null otherwise. */
    static String clocks(JsonNode g) {
        if (!g.has("challengerClockUsedSeconds")) {
            return null;
        }
        return "C " + duration(g.path("challengerClockUsedSeconds")) + " D "
                + duration(g.path("defenderClockUsedSeconds"))
                + (g.has("timeLeftSeconds") ? " (" + duration(g.path("timeLeftSeconds")) + " left)" : "");
    }

    private static String duration(JsonNode seconds) {
        return seconds.isNumber() ? duration(seconds.asLong()) : "-";
    }

    /** Seconds in their two largest units: 45s, 5m20s, 1h02m, 3d12h. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3_600) {
            return seconds / 60 + "m" + String.format("%02ds", seconds % 60);
        }
        if (seconds < 86_400) {
            return seconds / 3_600 + "h" + String.format("%02dm", seconds % 3_600 / 60);
        }
        return seconds / 86_400 + "d" + String.format("%02dh", seconds % 86_400 / 3_600);
    }

    /** An L1 time in seconds as an instant. */
    private static String seconds(JsonNode seconds) {
        return seconds.isNumber() ? Instant.ofEpochSecond(seconds.asLong()).toString() : "-";
    }

    /** A hash cut to its first 8 digits. */
    private static String shortHash(JsonNode hash) {
        String h = hash.asText();
        return h.length() > 12 ? h.substring(0, 10) + ".." : h;
    }

    private static String text(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? null : n.asText();
    }
}
