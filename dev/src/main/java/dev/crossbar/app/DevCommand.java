package dev.crossbar.app;

import dev.crossbar.app.config.Config;
import dev.crossbar.app.config.HostPort;
import dev.crossbar.app.run.Logging;
import dev.crossbar.app.run.Role;
import dev.crossbar.app.run.Roles;
import dev.crossbar.app.run.ServiceRuntime;
import dev.crossbar.devnet.AnvilNode;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.kafka.embedded.EmbeddedKafka;
import dev.crossbar.kafka.embedded.EmbeddedKafkaConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crossbar dev}: everything on one machine, the way production runs it, in one process. Starts the devnet
 * and its operator, an embedded Kafka broker, the embedded store, the watchers, the relayer and the monitor (from the
 * same roles production runs, configured from the devnet's manifest), sends demo traffic in every flow and prints a
 * live status until Ctrl-C. A second start on the same folder resumes: the chains, the broker and the store keep
 * their data.
 *
 * <p>Crash safety: the anvil nodes run detached (they outlive a SIGKILL of this JVM, see
 * {@link DevnetConfig#detached()}) and the next start reattaches to them, so no mined block is lost; the broker
 * restarts on its data. The relayer is a static member of its group ({@link #DEV_INSTANCE}), so a restarted dev mode
 * gets its partitions back at once. While it runs, a child that exits stops dev mode ({@link DevSupervision}).
 */
@Command(name = "dev",
        mixinStandardHelpOptions = true,
        description = "Dev mode: the devnet (an L1 and two L2s), an embedded Kafka broker, the embedded store, the "
                + "watchers, the relayer and the monitor; demo traffic in every flow and a live status. Ctrl-C stops "
                + "everything; a second start resumes where it stopped (--fresh starts over).")
public final class DevCommand implements Callable<Integer> {
    /**
     * Dev mode's instance name: the relayer and the monitor join their groups as the static members
     * {@code relayer-crossbar-dev} and {@code monitor-crossbar-dev} (written into its configuration file), so that a
     * restarted dev mode takes its partitions back at once instead of waiting out the dead member's session.
     */
    static final String DEV_INSTANCE = "crossbar-dev";

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:CROSSBAR_DEV_DIR:-.crossbar/dev}",
            description = "Folder for the devnet, the broker and the store (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--settlement", paramLabel = "KIND", defaultValue = "fault-proofs",
            description = "How the L2s of a new devnet settle: fault-proofs (OP's unmodified dispute-game contracts) "
                    + "or output-oracle (Crossbar's Bedrock-v1 output oracle; fast L2-to-L2 messages need it) "
                    + "(default: ${DEFAULT-VALUE}). A devnet kept from an earlier run keeps its kind.")
    String settlement;

    @Option(names = "--fresh", description = "Start over: forget the chains, messages and records of an earlier run.")
    boolean fresh;

    @Option(names = "--no-demo", description = "Do not send demo traffic.")
    boolean noDemo;

    @Option(names = "--http", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            description = "Where the HTTP API and /metrics listen; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String http;

    @Option(names = "--status-interval", defaultValue = "5s", paramLabel = "DURATION",
            description = "How often the live status is printed (default: ${DEFAULT-VALUE}).")
    String statusInterval;

    @Option(names = "--demo-interval", defaultValue = "15s", paramLabel = "DURATION",
            description = "How often a round of demo traffic is sent (default: ${DEFAULT-VALUE}).")
    String demoInterval;

    @Option(names = "--run-for", paramLabel = "DURATION",
            description = "Stop by itself after this long (for scripts); default: run until Ctrl-C.")
    String runFor;

    private static HostPort hostPort(String text) {
        int colon = text.lastIndexOf(':');
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (colon <= 0 || port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new HostPort(text.substring(0, colon), port);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--http: '" + text + "' is not host:port (example: 127.0.0.1:8080)");
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Duration interval = Durations.parse("--status-interval", statusInterval);
        Duration demoEvery = Durations.parse("--demo-interval", demoInterval);
        Duration limit = runFor == null ? null : Durations.parse("--run-for", runFor);
        HostPort address = hostPort(http);
        if (fresh) {
            for (AnvilNode.Descriptor d : dev.crossbar.devnet.Devnet.stopLeftovers(dataDir.resolve("devnet"))) {
                out.println("stopped devnet node " + d.name() + " (pid " + d.pid() + ") left running by an earlier run");
            }
            DevData.wipe(dataDir);
        }
        Files.createDirectories(dataDir);
        SettlementKind kind;
        try {
            kind = SettlementKind.fromCliName(settlement);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--settlement: "
                    + e.getMessage());
        }
        DevnetConfig devnetConfig = DevnetConfig.forDemo(dataDir.resolve("devnet")).withSettlement(kind)
                .withBasePort(0).persistent(true).detached(true);

        String failure = null;
        // On Ctrl-C this command stops services, broker and nodes in that order; the children's reaper waits for it.
        dev.crossbar.core.process.ChildProcesses.ownerStopsChildrenWithin(Duration.ofSeconds(25));
        out.println("[1/5] devnet: L1 " + devnetConfig.l1ChainId() + ", L2s " + devnetConfig.l2ChainIds()
                + " (anvil), settling through " + (kind == SettlementKind.FAULT_PROOFS ? "OP's dispute games"
                        : "output roots, challenge window " + devnetConfig.finalizationPeriod().toSeconds() + "s"));
        try (DevnetSession session = DevnetSession.start(devnetConfig, Duration.ofSeconds(6), out)) {
            java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
            Shutdown.onSignal(stop::countDown);
            DevSupervision supervision = new DevSupervision(stop::countDown);
            for (AnvilNode node : session.devnet().nodes()) {
                supervision.watch("devnet node " + node.name(), node.pid(), node.logFile(), node.onExit());
            }
            DevnetSession.describe(session.manifest(), out);

            out.println("[2/5] Kafka: a single-node KRaft broker in " + dataDir.resolve("kafka"));
            try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.forDataDir(dataDir.resolve("kafka")))) {
                out.println("      listening at " + kafka.bootstrapServers());
                supervision.watch("the Kafka broker", kafka.pid(), kafka.logFile(), kafka.onExit());
                Path adminToken = DevData.adminToken(dataDir);
                Path configFile = DevConfigFile.write(session.manifest(), dataDir, new DevConfigFile.Options(
                        kafka.bootstrapServers(), address.toString(), DEV_INSTANCE, adminToken));
                Config config = Config.load(configFile);
                out.println("      configuration: " + configFile + " (crossbar config check " + configFile
                        + ")");
                Logging.apply(config.log());
                Set<Role> roles = EnumSet.noneOf(Role.class);
                roles.addAll(Roles.available());
                out.println("[3/5] store: " + dataDir.resolve("store.db") + " (embedded)");
                out.println("[4/5] services: " + roles.stream().map(Role::command).toList());
                try (ServiceRuntime runtime = ServiceRuntime.start(config, roles, System::getenv)) {
                    String api = runtime.http().url();
                    out.println("      HTTP " + api + "  (/api/status, /api/messages, /metrics, /health/ready)");
                    out.println("      console " + api + "/  (admin token for retries: the file " + adminToken
                            + ")");
                    boolean games = session.manifest().l2s().getFirst().faultProofs() != null;
                    out.println("[5/5] demo traffic" + (noDemo ? ": off (--no-demo)" : " every " + demoEvery.toSeconds()
                            + "s: deposits, withdrawals" + (games ? " and settled cross-rollup messages"
                                    : ", fast and settled cross-rollup messages")));
                    out.println();
                    out.println("make the operator misbehave while this runs, and watch the monitor catch it:");
                    out.println("  ./crossbar devnet misbehave " + (games
                            ? "wrong-root|attack-valid|censor-deposit|stop-proposing|blacklist-game N|"
                                    + "set-respected-type T|pause|unpause"
                            : "wrong-output|censor-deposit|stop-proposing|forge-relay")
                            + " --l2 l2a --data-dir " + devnetConfig.dataDir());
                    out.println("running; Ctrl-C stops everything");
                    DemoLoop demo = noDemo ? null : DemoLoop.start(session.devnet(), demoEvery, out);
                    DevStatus status = new DevStatus(api, out, devnetConfig.finalizationPeriod(), games);
                    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
                    try {
                        while (!stop.await(interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                                && !session.isStopped()) {
                            status.print();
                            if (System.nanoTime() > deadline) {
                                out.println("--run-for elapsed; stopping");
                                break;
                            }
                        }
                    } finally {
                        supervision.stopping();
                        if (demo != null) {
                            demo.close();
                        }
                    }
                }
            }
            if (supervision.failure() != null) {
                failure = supervision.failure();
            }
        }
        if (failure != null) {
            System.err.println("crossbar: " + failure);
            out.println("stopped: a child process exited (see above); data kept in " + dataDir);
            return ExitCodes.CHILD_EXITED;
        }
        out.println("stopped; no process left running (data kept in " + dataDir + ")");
        return ExitCodes.OK;
    }
}
