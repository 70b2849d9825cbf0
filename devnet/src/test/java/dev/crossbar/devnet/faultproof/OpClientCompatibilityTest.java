package dev.crossbar.devnet.faultproof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.SettlementKind;
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
import org.junit.jupiter.api.Test;

/**
 * An independent client against the fault-proof devnet: viem's OP Stack actions, pinned in package-lock.json and
 * unchanged, run by {@code src/test/js/op-client.mjs} as a wallet would run them against OP Mainnet. It deposits
 * (finding the deposit on the L2 by the hash it computes from the L1 receipt), withdraws, reads the withdrawal's
 * status at every stage, waits for a dispute game, proves, waits out maturity, the game's clock and the air gap
 * (moving the L1's clock), and finalizes. The devnet's own operator proposes and resolves the games.
 *
 * <p>viem is pinned at 2.47.0: from 2.54 on, its {@code getGames} reads {@code l2SequenceNumber()}, which the
 * FaultDisputeGame of contracts-bedrock 0.17.3 (1.2.0) does not have.
 */
class OpClientCompatibilityTest {
    private static final Path SCRIPT = Path.of("src", "test", "js", "op-client.mjs").toAbsolutePath();

    @Test
    void viemDepositsWithdrawsReadsEveryStatusProvesAndFinalizes() throws Exception {
        Path dir = TempDirs.create("op-client-test");
        // A live L2 (a block a second) for the proposer to propose past the withdrawal; the L1 mines on demand.
        DevnetConfig config = DevnetConfig.forTests(dir).withSettlement(SettlementKind.FAULT_PROOFS)
                .withBlockTimes(Duration.ZERO, Duration.ofSeconds(1));
        try (Devnet devnet = Devnet.start(config);
                DevnetOperator operator = DevnetOperator.running(devnet, Duration.ofMillis(300),
                        Duration.ofSeconds(1))) {
            Process node = new ProcessBuilder("node", SCRIPT.toString(), dir.resolve("manifest.json").toString(),
                    "l2a", "user", "--advance-time").redirectErrorStream(true).start();
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
            assertThat(lines).as("the client's steps").contains("{\"step\":\"portal\",\"version\":\"3.10.0\"}",
                    "{\"step\":\"statuses\",\"seen\":[\"waiting-to-prove\",\"ready-to-prove\","
                            + "\"waiting-to-finalize\",\"ready-to-finalize\",\"finalized\"]}",
                    "{\"ok\":true}");
            assertThat(node.exitValue()).as("exit code; output:%n%s", String.join("\n", lines)).isZero();
        } finally {
            TempDirs.delete(dir);
        }
    }
}
