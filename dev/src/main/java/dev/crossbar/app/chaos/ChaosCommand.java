package dev.crossbar.app.chaos;

import dev.crossbar.app.Durations;
import dev.crossbar.app.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crossbar chaos}: the fault campaign ({@link ChaosCampaign}), with its table and a JSON line. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Fault campaign: the devnet with 1 s blocks, a Kafka broker, PostgreSQL and every role as its own"
                + " process from the jar (a watcher, two relayers, a monitor); a user sends messages in every flow"
                + " while roles are killed and frozen, the broker restarted, store connections cut and chains reorged"
                + " on a seeded schedule; then everything due settles and the outcome is checked from the chains.")
public final class ChaosCommand implements Callable<Integer> {
    @Option(names = "--messages", defaultValue = "1000", description = "Messages the user sends (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--seed", description = "The schedule's seed (default: random, printed).")
    Long seed;

    @Option(names = "--confirmations", defaultValue = "2",
            description = "Blocks every chain's events wait for (default: ${DEFAULT-VALUE}).")
    int confirmations;

    @Option(names = "--fault-every", defaultValue = "15s", paramLabel = "DURATION",
            description = "Mean time between two faults (default: ${DEFAULT-VALUE}).")
    String faultEvery;

    @Option(names = "--settle-within", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long to wait for everything due to settle after the traffic (default: ${DEFAULT-VALUE}).")
    String settleWithin;

    @Option(names = "--data-dir", defaultValue = ".crossbar/chaos", paramLabel = "DIR",
            description = "The campaign's folder, wiped first (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--jdbc-url", defaultValue = "${env:CROSSBAR_CHAOS_JDBC_URL:-jdbc:postgresql://127.0.0.1:5432/test}",
            description = "The PostgreSQL database the roles share (default: ${DEFAULT-VALUE}).")
    String jdbcUrl;

    @Option(names = "--db-user", defaultValue = "${env:CROSSBAR_CHAOS_DB_USER:-postgres}",
            description = "Its user (trust or certificate authentication; default: ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--jar", paramLabel = "FILE",
            description = "The service jar the roles run from (default: app/target/crossbar.jar under CROSSBAR_HOME).")
    Path jar;

    @Override
    public Integer call() throws Exception {
        Path serviceJar = jar != null ? jar : Path.of(System.getenv().getOrDefault("CROSSBAR_HOME", "."), "app",
                "target", "crossbar.jar");
        if (!Files.isRegularFile(serviceJar)) {
            System.err.println("crossbar: chaos: no service jar at " + serviceJar + " (build first: ./crossbar build)");
            return ExitCodes.USAGE;
        }
        long s = seed != null ? seed : System.nanoTime();
        ChaosCampaign.Settings settings = new ChaosCampaign.Settings(messages, s, dir.toAbsolutePath(),
                serviceJar.toAbsolutePath(), jdbcUrl, dbUser, confirmations, Durations.parse("--fault-every",
                        faultEvery), Durations.parse("--settle-within", settleWithin));
        ChaosReport report = new ChaosCampaign(settings, System.out).run();
        report.print(System.out);
        System.out.println(report.json());
        return report.clean() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
