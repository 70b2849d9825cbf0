package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.testkit.TempDirs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * An independent client against both devnet kinds: viem's OP Stack actions, pinned in package-lock.json and
 * unchanged, run by {@code src/test/js/op-client.mjs} as a wallet would run them against an OP Stack chain. It
 * deposits (finding the deposit on the L2 by the hash it computes from the L1 receipt), withdraws, reads the
 * withdrawal's status at every stage, waits for a dispute game or an output, proves, waits out the delays, and
 * finalizes. The devnet's own operator proposes (and resolves the games). viem picks its path by the portal's
 * version: OptimismPortal2 3.x and games on the fault-proof devnet, OptimismPortal 2.x and the L2OutputOracle views
 * on the output-oracle devnet.
 *
 * <p>viem is pinned at 2.47.0: from 2.54 on, its {@code getGames} reads {@code l2SequenceNumber()}, which the
 * FaultDisputeGame of contracts-bedrock 0.17.3 (1.2.0) does not have.
 */
class OpClientCompatibilityTest {
    private static final Path SCRIPT = Path.of("src", "test", "js", "op-client.mjs").toAbsolutePath();
    private static final String STATUSES = "{\"step\":\"statuses\",\"seen\":[\"waiting-to-prove\",\"ready-to-prove\","
            + "\"waiting-to-finalize\",\"ready-to-finalize\",\"finalized\"]}";

    @Test
    void viemDepositsWithdrawsReadsEveryStatusProvesAndFinalizesThroughADisputeGame() throws Exception {
        // A live L2 (a block a second) for the proposer to propose past the withdrawal; the L1 mines on demand and
        // the client moves its clock through the game's clock, the proof maturity and the air gap.
        runClient(cfg -> cfg.withSettlement(SettlementKind.FAULT_PROOFS)
                .withBlockTimes(Duration.ZERO, Duration.ofSeconds(1)), "3.10.0", "--advance-time");
    }

    @Test
    void viemDepositsWithdrawsReadsEveryStatusProvesAndFinalizesThroughAnOutput() throws Exception {
        // viem times an output's challenge window with the wall clock against the proof's L1 timestamp: the L1 mines
        // a block a second so that its clock is the wall clock, and the window is short.
        runClient(cfg -> cfg.withSettlement(SettlementKind.OUTPUT_ORACLE)
                .withBlockTimes(Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withFinalizationPeriod(Duration.ofSeconds(8)), "2.0.0");
    }

    private static void runClient(UnaryOperator<DevnetConfig> settings, String portalVersion,
            String... flags) throws Exception {
        Path dir = TempDirs.create("op-client-test");
        DevnetConfig config = settings.apply(DevnetConfig.forTests(dir));
        try (Devnet devnet = Devnet.start(config);
                DevnetOperator operator = DevnetOperator.running(devnet, Duration.ofMillis(300),
                        Duration.ofSeconds(1))) {
            List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString(),
                    dir.resolve("manifest.json").toString(), "l2a", "user"));
            command.addAll(List.of(flags));
            Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
            }
            boolean exited = node.waitFor(30, TimeUnit.SECONDS); // its output ended: it has exited or is about to
            if (!exited) {
                node.destroyForcibly();
            }
            assertThat(exited).as("the client finished").isTrue();
            assertThat(lines).as("the client's steps").contains(
                    "{\"step\":\"portal\",\"version\":\"" + portalVersion + "\"}", STATUSES, "{\"ok\":true}");
            assertThat(node.exitValue()).as("exit code; output:%n%s", String.join("\n", lines)).isZero();
        } finally {
            TempDirs.delete(dir);
        }
    }
}
