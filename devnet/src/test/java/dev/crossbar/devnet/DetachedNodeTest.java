package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.process.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dev mode's detached nodes: a node started detached leaves a descriptor, a later start reattaches to it (same pid)
 * only when it is the same chain, and {@link AnvilNode#stopLeftovers} stops what an earlier run left behind.
 */
class DetachedNodeTest {
    @TempDir
    Path dir;

    private final List<Long> pids = new ArrayList<>();

    @AfterEach
    void killEverything() throws Exception {
        AnvilNode.stopLeftovers(dir);
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroyForcibly();
                h.onExit().join();
            });
        }
    }

    @Test
    void aDetachedNodeIsReattachedByPidAndChainAndStoppedAsALeftover() throws Exception {
        Path state = dir.resolve("l9.state.json");
        AnvilNode first = AnvilNode.startDetached("l9", 31337, 0, Duration.ZERO, dir, state);
        pids.add(first.pid());
        assertThat(first.detached()).isTrue();
        assertThat(dir.resolve("l9.node.json")).exists();
        String args = String.join(" ", ProcessHandle.of(first.pid()).orElseThrow().info().arguments()
                .orElse(new String[0]));
        assertThat(args).as("anvil itself, not a wrapper: the pid is the node's")
                .contains("--preserve-historical-states").contains("--state");

        // As a new JVM would after a crash of the one that started it: the same process, adopted.
        AnvilNode again = AnvilNode.reattach("l9", 31337, dir).orElseThrow();
        assertThat(again.reattached()).isTrue();
        assertThat(again.pid()).isEqualTo(first.pid());
        assertThat(again.port()).isEqualTo(first.port());

        // Another chain id: not reattached, and the node is stopped rather than left running.
        Optional<AnvilNode> wrong = AnvilNode.reattach("l9", 901, dir);
        assertThat(wrong).isEmpty();
        assertThat(first.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(AnvilNode.reattach("l9", 31337, dir)).as("a dead node is not reattached").isEmpty();

        AnvilNode third = AnvilNode.startDetached("l9", 31337, 0, Duration.ZERO, dir, state);
        pids.add(third.pid());
        assertThat(Files.exists(state)).as("the first node saved its chain when it was stopped (SIGTERM)").isTrue();
        assertThat(AnvilNode.stopLeftovers(dir)).extracting(AnvilNode.Descriptor::pid).containsExactly(third.pid());
        assertThat(third.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(dir.resolve("l9.node.json")).doesNotExist();
        assertThat(ChildProcesses.runningCount()).isZero();
    }

    @Test
    void anAttachedNodeLeavesNoDescriptor() throws Exception {
        try (AnvilNode node = AnvilNode.start("l8", 31338, 0, Duration.ZERO, dir)) {
            pids.add(node.pid());
            assertThat(node.detached()).isFalse();
            assertThat(AnvilNode.descriptors(dir)).isEmpty();
        }
    }
}
