package dev.crossbar.app;

import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetConfig;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crossbar dev}: everything on one machine. Starts the devnet with its operator, sends demo
 * traffic, and prints a live status until Ctrl-C.
 */
@Command(name = "dev",
        mixinStandardHelpOptions = true,
        description = "Dev mode: start the devnet (an L1 and two L2s), send demo traffic and show a live status. "
                + "Ctrl-C stops everything.")
public final class DevCommand implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:CROSSBAR_DEV_DIR:-.crossbar/dev}",
            description = "Folder for the devnet's manifest, keys and logs (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--no-demo", description = "Do not send demo traffic.")
    boolean noDemo;

    @Option(names = "--status-interval", defaultValue = "5s", paramLabel = "DURATION",
            description = "How often the live status is printed (default: ${DEFAULT-VALUE}).")
    String statusInterval;

    @Option(names = "--run-for", paramLabel = "DURATION",
            description = "Stop by itself after this long (for scripts); default: run until Ctrl-C.")
    String runFor;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Duration interval = Durations.parse("--status-interval", statusInterval);
        Duration limit = runFor == null ? null : Durations.parse("--run-for", runFor);
        DevnetConfig config = DevnetConfig.forDemo(dataDir.resolve("devnet")).withBasePort(0);
        out.println("[1/2] devnet");
        try (DevnetSession session = DevnetSession.start(config, Duration.ofSeconds(6), out)) {
            Shutdown.onSignal(session::close);
            DevnetSession.describe(session.manifest(), out);
            out.println("[2/2] demo traffic" + (noDemo ? ": off (--no-demo)" : ""));
            if (!noDemo) {
                sendDemo(session, out);
            }
            out.println("running; Ctrl-C stops everything");
            long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
            while (!session.awaitStop(interval)) {
                printStatus(session, out);
                if (System.nanoTime() > deadline) {
                    out.println("--run-for elapsed; stopping");
                    break;
                }
            }
        }
        out.println("stopped; no process left running");
        return ExitCodes.OK;
    }

    private static void sendDemo(DevnetSession session, PrintStream out) {
        DemoTraffic demo = new DemoTraffic(session.devnet(), DevKeys.USER.credentials());
        try {
            var d = demo.deposit(0, "hello from L1", BigInteger.ZERO);
            out.println("  deposit L1 -> l2a sent, tx " + d.getTransactionHash());
            var w = demo.withdrawal(0, "hello from l2a", BigInteger.ZERO);
            out.println("  withdrawal l2a -> L1 initiated, tx " + w.getTransactionHash());
            var x = demo.crossRollup(0, 1, "hello l2b");
            out.println("  cross-rollup l2a -> l2b sent, tx " + x.getTransactionHash());
        } catch (Exception e) {
            out.println("  demo traffic failed: " + e.getMessage());
        }
    }

    private static void printStatus(DevnetSession session, PrintStream out) {
        StringBuilder line = new StringBuilder(LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        try {
            line.append("  l1 #").append(session.devnet().l1().blockNumber());
            for (DevChain l2 : session.devnet().l2s()) {
                line.append("  ").append(l2.name()).append(" #").append(l2.blockNumber());
            }
            for (Map<String, Object> s : session.operator().status()) {
                line.append("  | ").append(s.get("l2")).append(": outputs ").append(s.get("outputsProposed"))
                        .append(" (last L2 block ").append(s.get("lastProposedL2Block")).append("), deposits ")
                        .append(s.get("depositsExecuted"));
            }
        } catch (Exception e) {
            line.append("  status unavailable: ").append(e.getMessage());
        }
        out.println(line);
    }
}
