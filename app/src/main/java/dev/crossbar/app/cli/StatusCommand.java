package dev.crossbar.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.app.ExitCodes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code crossbar status}: a running service's chains, messages by state and open findings. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a running service's chains (head, cursor, lag, breaker), messages by state and open "
                + "findings. Exit 1 when the service cannot be reached.")
public final class StatusCommand extends ApiCommand {

    @Override
    int run(ApiClient api) throws ApiClient.Unreachable {
        ApiClient.Response r = api.get("/api/status");
        if (!r.ok()) {
            return failed(r);
        }
        print(api, r.body(), out());
        return ExitCodes.OK;
    }

    static void print(ApiClient api, JsonNode status, PrintWriter out) {
        out.println("crossbar at " + api.base());
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"CHAIN", "ID", "ROLE", "HEAD", "CURSOR", "LAG", "BREAKER"});
        for (JsonNode c : status.path("chains")) {
            JsonNode b = c.path("breaker");
            rows.add(new String[] {c.path("name").asText(), c.path("chainId").asText(), c.path("role").asText(),
                    number(c.path("head")), number(c.path("cursor")), number(c.path("lag")),
                    b.path("tripped").asBoolean() ? "TRIPPED (" + b.path("reason").asText() + ")" : "ok"});
        }
        Table.print(out, rows);
        for (JsonNode c : status.path("chains")) {
            if (c.has("error")) {
                out.println("  " + c.path("name").asText() + ": " + c.path("error").asText());
            }
        }
        out.println();
        List<String> counts = new ArrayList<>();
        status.path("messages").properties().forEach(e -> counts.add(e.getKey() + " " + e.getValue().asLong()));
        out.println("messages: " + (counts.isEmpty() ? "none" : String.join(", ", counts)));
        JsonNode findings = status.path("findings");
        int open = findings.path("open").asInt();
        out.println("findings: " + (open == 0 ? "none open" : open + " open"));
        for (JsonNode f : findings.path("latest")) {
            out.println("  " + f.path("severity").asText() + " " + f.path("kind").asText() + " chain "
                    + f.path("chainId").asText() + ": " + f.path("summary").asText() + " (seen "
                    + f.path("count").asInt() + "x, last " + f.path("lastSeen").asText() + ")");
        }
    }

    private static String number(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "-" : n.asText();
    }
}
