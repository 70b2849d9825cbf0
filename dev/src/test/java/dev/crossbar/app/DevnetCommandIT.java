package dev.crossbar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code crossbar devnet start} and {@code crossbar devnet stop} as a user runs them, from two terminals: the stop
 * command answers, and the devnet's process exits at once with no node left.
 */
class DevnetCommandIT {
    @TempDir
    Path work;

    @Test
    void devnetStopStopsADevnetStartedInAnotherTerminalAndItsProcessExitsAtOnce() throws Exception {
        Path dir = work.resolve("devnet");
        Process devnet = launcher("devnet", "start", "--data-dir", dir.toString(), "--base-port", "0").start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread.ofPlatform().daemon().start(() -> read(devnet, lines));
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(devnet.isAlive()).as("devnet start still runs:%n%s", String.join("\n", lines)).isTrue();
                return lines.stream().anyMatch(l -> l.contains("devnet running; Ctrl-C stops it"));
            });
            List<ProcessHandle> nodes = devnet.descendants()
                    .filter(h -> h.info().command().orElse("").contains("anvil")).toList();
            assertThat(nodes).as("the devnet's anvil nodes").hasSize(3);

            Process stop = launcher("devnet", "stop", "--data-dir", dir.toString()).start();
            String answer = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(stop.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(stop.exitValue()).as("devnet stop's exit code; it said: %s", answer).isZero();
            assertThat(answer).isEqualTo("stopping");

            // Not after a 30 s wait in a shutdown hook: the command thread exits by itself.
            assertThat(devnet.waitFor(15, TimeUnit.SECONDS)).as("devnet start exits:%n%s", String.join("\n", lines))
                    .isTrue();
            assertThat(devnet.exitValue()).isZero();
            assertThat(nodes).as("no node left running").noneMatch(ProcessHandle::isAlive);
        } finally {
            devnet.descendants().forEach(ProcessHandle::destroyForcibly);
            devnet.destroyForcibly();
        }
    }

    private static ProcessBuilder launcher(String... args) {
        Path jar = Path.of("target", "crossbar-dev.jar").toAbsolutePath();
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("CROSSBAR_HOME", Path.of("..").toAbsolutePath().normalize().toString());
        return pb;
    }

    private static void read(Process p, List<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("<read failed: " + e + ">");
        }
    }
}
