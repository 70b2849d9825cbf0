package dev.crossbar.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.devnet.operator.Misbehaviour;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crossbar devnet ...}: the local L1 and L2s, and their operator's switches. */
@Command(name = "devnet",
        mixinStandardHelpOptions = true,
        description = "Run the local devnet (an L1 and two L2 rollups on anvil) and flip its operator's switches.",
        subcommands = {
            DevnetCommand.Start.class,
            DevnetCommand.Stop.class,
            DevnetCommand.Status.class,
            DevnetCommand.Misbehave.class,
            DevnetCommand.Behave.class
        })
public final class DevnetCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Options every devnet subcommand shares. */
    static class DataDirOption {
        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Devnet folder: manifest, key files, node logs (default: ${DEFAULT-VALUE}).",
                defaultValue = "${env:CROSSBAR_DEVNET_DIR:-.crossbar/devnet}")
        Path dataDir;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start the devnet in the foreground; Ctrl-C (or 'crossbar devnet stop') stops it.")
    static final class Start extends DataDirOption implements Callable<Integer> {
        @Option(names = "--block-time", paramLabel = "DURATION", defaultValue = "1s",
                description = "Block interval of every chain, e.g. 1s, 500ms; 0 for automine (default: ${DEFAULT-VALUE}).")
        String blockTime;

        @Option(names = "--window", paramLabel = "DURATION", defaultValue = "2m",
                description = "Challenge window of the output oracles (default: ${DEFAULT-VALUE}).")
        String window;

        @Option(names = "--proposal-interval", paramLabel = "DURATION", defaultValue = "6s",
                description = "How often the proposer posts an output root (default: ${DEFAULT-VALUE}).")
        String proposalInterval;

        @Option(names = "--sequencing-window", paramLabel = "DURATION", defaultValue = "60s",
                description = "Fault proofs: how long (L1 time) after its L1 block a censored deposit is forced into "
                        + "the L2 anyway, as OP's derivation does (default: ${DEFAULT-VALUE}).")
        String sequencingWindow;

        @Option(names = "--settlement", paramLabel = "KIND", defaultValue = "fault-proofs",
                description = "How the L2s settle: fault-proofs (OP's unmodified dispute-game contracts; the L2s run "
                        + "in OP mode) or output-oracle (Crossbar's Bedrock-v1 output oracle) (default: "
                        + "${DEFAULT-VALUE}).")
        String settlement;

        @Option(names = "--base-port", defaultValue = "8545",
                description = "Port of the L1 node; the L2s take the next ones; 0 picks free ports (default: ${DEFAULT-VALUE}).")
        int basePort;

        @Override
        public Integer call() throws Exception {
            Duration block = Durations.parse("--block-time", blockTime);
            SettlementKind kind;
            try {
                kind = SettlementKind.fromCliName(settlement);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--settlement: " + e.getMessage());
            }
            DevnetConfig config = DevnetConfig.forDemo(dataDir)
                    .withSettlement(kind);
            config = config.withFaultProofs(config.faultProofs().withSequencingWindow(
                    Durations.parse("--sequencing-window", sequencingWindow)))
                    .withBlockTimes(block, block)
                    .withFinalizationPeriod(Durations.parse("--window", window))
                    .withBasePort(basePort);
            try (DevnetSession session = DevnetSession.start(config, Durations.parse("--proposal-interval",
                    proposalInterval), System.out)) {
                Shutdown.onSignal(session::close);
                DevnetSession.describe(session.manifest(), System.out);
                System.out.println("devnet running; Ctrl-C stops it");
                session.awaitStop();
            }
            System.out.println("devnet stopped");
            return ExitCodes.OK;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a devnet started by 'devnet start' or "
            + "'dev'; after a crash of 'dev', stop the nodes it left running (they keep their chains in their state files).")
    static final class Stop extends DataDirOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            try {
                System.out.println(post(dataDir, "/shutdown").path("done").asText());
            } catch (IOException e) {
                // No launcher answers: a crashed 'crossbar dev' may have left its detached nodes running.
                var stopped = dev.crossbar.devnet.Devnet.stopLeftovers(dataDir);
                if (stopped.isEmpty()) {
                    throw e;
                }
                stopped.forEach(d -> System.out.println("stopped devnet node " + d.name() + " (pid " + d.pid()
                        + ") left running by a crashed run; its chain is kept in " + d.name() + ".state.json"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "What the devnet operator did and which switches are on.")
    static final class Status extends DataDirOption implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            JsonNode status = request(dataDir, "GET", "/status");
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(status));
            return ExitCodes.OK;
        }
    }

    @Command(name = "misbehave", mixinStandardHelpOptions = true,
            description = "Make the devnet operator misbehave, so that the monitor has something to catch.")
    static final class Misbehave extends DataDirOption implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SWITCH", description = "Both settlements: censor-deposit (do not "
                + "execute a deposit; on fault proofs it is forced in after the sequencing window), stop-proposing (stop proposing). Output oracle: wrong-output (propose a wrong "
                + "output root next), forge-relay (relay a forged L2-to-L2 message to the L2). Fault proofs: "
                + "wrong-root (the next game claims a wrong root), blacklist-game, set-respected-type, pause, unpause "
                + "(the guardian's actions; pause is shared by every L2), attack-valid (attack the true root of the "
                + "latest game in progress with a false claim).")
        String what;

        @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1",
                description = "The switch's number: censor-deposit the deposit (default: the next one), "
                        + "blacklist-game the game's factory index, set-respected-type the game type (255 or 1).")
        Long value;

        @Option(names = "--l2", defaultValue = "l2a", description = "Which L2's operator (default: ${DEFAULT-VALUE}).")
        String l2;

        @Option(names = "--nonce", description = "For censor-deposit: the deposit nonce, the same as VALUE.")
        Long nonce;

        @Override
        public Integer call() throws Exception {
            Misbehaviour m;
            try {
                m = Misbehaviour.fromSwitch(what);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
            }
            if (value != null && nonce != null && !value.equals(nonce)) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "VALUE " + value + " and --nonce " + nonce + " disagree: give one");
            }
            Long v = value != null ? value : nonce;
            String path = "/misbehave?switch=" + enc(m.switchName()) + "&l2=" + enc(l2)
                    + (v == null ? "" : "&value=" + v);
            System.out.println(post(dataDir, path).path("done").asText());
            return ExitCodes.OK;
        }
    }

    @Command(name = "behave", mixinStandardHelpOptions = true, description = "Make an L2's operator honest again.")
    static final class Behave extends DataDirOption implements Callable<Integer> {
        @Option(names = "--l2", defaultValue = "l2a", description = "Which L2's operator (default: ${DEFAULT-VALUE}).")
        String l2;

        @Override
        public Integer call() throws Exception {
            System.out.println(post(dataDir, "/behave?l2=" + enc(l2)).path("done").asText());
            return ExitCodes.OK;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static JsonNode post(Path dataDir, String path) throws IOException, InterruptedException {
        return request(dataDir, "POST", path);
    }

    private static JsonNode request(Path dataDir, String method, String path) throws IOException, InterruptedException {
        DevnetManifest manifest = DevnetManifest.read(dataDir);
        if (manifest.operatorAdminUrl() == null) {
            throw new IOException("the devnet in " + dataDir + " has no operator endpoint recorded");
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(manifest.operatorAdminUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> resp;
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IOException("no devnet answers at " + manifest.operatorAdminUrl() + " (from " + dataDir
                    + "/manifest.json): is it still running?");
        }
        JsonNode body = JSON.readTree(resp.body());
        if (resp.statusCode() != 200) {
            throw new IOException("devnet operator refused: " + body.path("error").asText(resp.body()));
        }
        return body;
    }
}
