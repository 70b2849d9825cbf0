package dev.crossbar.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.ExitCodes;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code crossbar messages}: list messages, show one with its history, retry one. */
@Command(name = "messages", mixinStandardHelpOptions = true,
        description = "Messages of a running service: list them, show one with its history, retry one.",
        subcommands = {MessagesCommand.ListMessages.class, MessagesCommand.Show.class, MessagesCommand.Retry.class,
                MessagesCommand.Resend.class})
public final class MessagesCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is needed: list, show or retry");
    }

    /** {@code crossbar messages list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List messages, newest first. Exit 2 when a filter is wrong (e.g. an unknown state).")
    static final class ListMessages extends ApiCommand {
        @Option(names = "--state", paramLabel = "STATE", split = ",",
                description = "Only these states (repeat or separate with commas): SENT, COMMITTED, PROVEN, "
                        + "IN_WINDOW, READY, RELAYING, RELAYED, FAILED, DEAD_LETTERED, ORPHANED, BLOCKED, EXITED.")
        List<String> states = new ArrayList<>();

        @Option(names = "--kind", paramLabel = "KIND", split = ",",
                description = "Only these kinds: DEPOSIT, WITHDRAWAL, CROSS_ROLLUP.")
        List<String> kinds = new ArrayList<>();

        @Option(names = "--chain", paramLabel = "CHAIN", description = "Only messages from or to this chain "
                + "(name or chain id).")
        String chain;

        @Option(names = "--sender", paramLabel = "ADDRESS", description = "Only messages from this sender.")
        String sender;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
                description = "At most this many (1-1000; default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            StringBuilder q = new StringBuilder("/api/messages?limit=").append(limit);
            states.forEach(s -> param(q, "state", s));
            kinds.forEach(k -> param(q, "kind", k));
            param(q, "chain", chain);
            param(q, "sender", sender);
            ApiClient.Response r = api.get(q.toString());
            if (!r.ok()) {
                return failed(r);
            }
            if (r.body().isEmpty()) {
                out().println("no messages");
                return ExitCodes.OK;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "KIND", "STATE", "FROM", "TO", "ATTEMPTS", "UPDATED"});
            for (JsonNode m : r.body()) {
                rows.add(new String[] {m.path("id").asText(), m.path("kind").asText(), m.path("state").asText(),
                        m.path("sourceChainId").asText(), m.path("destinationChainId").asText(),
                        m.path("attempts").asText(), m.path("updatedAt").asText()});
            }
            Table.print(out(), rows);
            return ExitCodes.OK;
        }
    }

    /** A command about one message: reads it ({@code GET /api/messages/<id>}) and shows what it needs of it. */
    abstract static class OneMessage extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The message's id (its hash, 0x...).")
        String id;

        @Override
        final int run(ApiClient api) throws ApiClient.Unreachable {
            ApiClient.Response r = api.get("/api/messages/" + encode(id));
            return r.ok() ? shown(r.body()) : failed(r);
        }

        /** Prints what the command shows of the message's {@code body}; the exit code. */
        abstract int shown(JsonNode body);
    }

    /** {@code crossbar messages show <id>}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a message and its history, one line per transition (time, from -> to, cause). "
                    + "Exit 3 when there is no such message.")
    static final class Show extends OneMessage {
        @Override
        int shown(JsonNode body) {
            print(body, out());
            return ExitCodes.OK;
        }

        static void print(JsonNode body, PrintWriter out) {
            JsonNode m = body.path("message");
            out.println("message " + m.path("id").asText());
            field(out, "kind", m.path("kind").asText());
            field(out, "state", m.path("state").asText());
            field(out, "route", "chain " + m.path("sourceChainId").asText() + " -> chain "
                    + m.path("destinationChainId").asText());
            field(out, "nonce", m.path("nonce").asText());
            field(out, "sender", m.path("sender").asText());
            field(out, "target", m.path("target").asText());
            field(out, "value", m.path("value").asText() + " wei");
            JsonNode s = m.path("source");
            field(out, "sent in", "block " + s.path("blockNumber").asText() + ", tx " + s.path("txHash").asText()
                    + ", log " + s.path("logIndex").asText());
            field(out, "attempts", m.path("attempts").asText());
            if (!m.path("lastError").isNull() && !m.path("lastError").isMissingNode()) {
                field(out, "last error", m.path("lastError").asText());
            }
            JsonNode id = body.path("interop").path("identifier");
            if (!id.isMissingNode()) {
                field(out, "identifier", "origin " + id.path("origin").asText() + ", chain " + id.path("chainId")
                        .asText() + ", block " + id.path("blockNumber").asText() + ", log " + id.path("logIndex")
                        .asText() + ", timestamp " + id.path("timestamp").asText());
            }
            out.println("history:");
            List<String[]> rows = new ArrayList<>();
            for (JsonNode t : body.path("history")) {
                String from = t.path("from").isNull() || t.path("from").isMissingNode() ? "(new)"
                        : t.path("from").asText();
                rows.add(new String[] {"  " + t.path("at").asText(), from + " -> " + t.path("to").asText(),
                        t.path("cause").asText()});
            }
            Table.print(out, rows);
            JsonNode txs = body.path("transactions");
            if (!txs.isEmpty()) {
                out.println("transactions:");
                for (JsonNode tx : txs) {
                    out.println("  " + tx.path("createdAt").asText() + "  " + tx.path("purpose").asText() + " on chain "
                            + tx.path("chainId").asText() + "  " + tx.path("txHash").asText() + "  "
                            + tx.path("status").asText());
                    JsonNode entries = body.path("accessLists").path(tx.path("txHash").asText());
                    if (entries.isArray() && !entries.isEmpty()) {
                        out.println("    access list:");
                        for (int i = 0; i < entries.size(); i++) {
                            out.println("      [" + i + "] " + entry(entries.get(i)));
                        }
                    }
                }
            }
        }

        private static void field(PrintWriter out, String name, String value) {
            out.printf("  %-10s %s%n", name, value);
        }

        /** One access-list entry: its address and key, and what it declares under the CrossL2Inbox. */
        static String entry(JsonNode e) {
            String type = e.path("type").asText("");
            String what = switch (type) {
                case "lookup" -> "lookup    chain " + e.path("chainId").asText() + ", block " + e.path("blockNumber")
                        .asText() + ", timestamp " + e.path("timestamp").asText() + ", log " + e.path("logIndex")
                        .asText();
                case "checksum" -> "checksum  of message " + e.path("message").asText();
                case "" -> "";
                default -> type;
            };
            return e.path("address").asText() + " " + e.path("key").asText() + (what.isEmpty() ? "" : "  " + what);
        }
    }

    /** {@code crossbar messages resend <id>}. */
    @Command(name = "resend", mixinStandardHelpOptions = true,
            description = "Show the resendMessage call that emits an L2-to-L2 message's SentMessage log again on its "
                    + "source chain: the way out for a message dead-lettered as expired (its log older than the "
                    + "interop expiry window). Any account may send the call; once the watcher sees the new log, the "
                    + "message is READY again and relayed with the new identifier. Exit 3 when there is no such "
                    + "message, 1 when it is not an L2-to-L2 message.")
    static final class Resend extends OneMessage {
        @Override
        int shown(JsonNode body) {
            JsonNode resend = body.path("interop").path("resend");
            if (resend.isMissingNode()) {
                err().println("crossbar: message " + id + " is a " + body.path("message").path("kind").asText()
                        + " message: only L2-to-L2 messages can be emitted again");
                return ExitCodes.FAILURE;
            }
            out().println("message " + body.path("message").path("id").asText() + " ("
                    + body.path("message").path("state").asText() + ")");
            out().println("send on chain " + resend.path("chain").asText() + " (" + resend.path("chainId").asText()
                    + "), from any account:");
            out().println("  to   " + resend.path("to").asText());
            out().println("  data " + resend.path("data").asText());
            out().println(resend.path("note").asText());
            return ExitCodes.OK;
        }
    }

    /** {@code crossbar messages retry <id>}. */
    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Retry a FAILED or DEAD_LETTERED withdrawal or cross-rollup message (it becomes READY; a"
                    + " deposit is refused: the L2's sequencer executes deposits). An admin action: the token "
                    + "comes from the environment variable --token-env names (the service's http.adminToken). Exit 3 "
                    + "when there is no such message, 1 when refused.")
    static final class Retry extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The message's id (its hash, 0x...).")
        String id;

        @Override
        int run(ApiClient api) throws ApiClient.Unreachable {
            if (tokenEnv == null) {
                err().println("crossbar: retry is an admin action: --token-env NAME names the environment variable"
                        + " holding the admin token (the service's http.adminToken)");
                return ExitCodes.USAGE;
            }
            ApiClient.Response r = api.post("/api/messages/" + encode(id) + "/retry");
            if (!r.ok()) {
                return failed(r);
            }
            out().println("message " + r.body().path("id").asText() + " is " + r.body().path("state").asText()
                    + " (retried by operator)");
            return ExitCodes.OK;
        }
    }

    static void param(StringBuilder q, String name, String value) {
        if (value != null && !value.isBlank()) {
            q.append('&').append(name).append('=').append(encode(value.trim()));
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
