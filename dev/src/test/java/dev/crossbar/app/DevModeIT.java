package dev.crossbar.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command, run as a user runs it: the packaged launcher starts dev mode (devnet, broker, store,
 * services), prints what it started, delivers demo messages, and on Ctrl-C (SIGINT) stops cleanly leaving no
 * process behind.
 */
class DevModeIT {

    @TempDir
    Path work;

    @Test
    void devModeStartsEverythingDeliversMessagesStopsOnCtrlCAndResumes() throws Exception {
        List<String> first = runUntilCtrlC(true);
        assertThat(first).anyMatch(l -> l.contains("RELAYED"));
        List<String> second = runUntilCtrlC(false);
        assertThat(second).as("a second start continues the same chains and store")
                .anyMatch(l -> l.contains("devnet resumed from its state files"));
    }

    /** Runs dev mode until it shows a delivered message (first run) or its status (second), then sends SIGINT. */
    private List<String> runUntilCtrlC(boolean firstRun) throws Exception {
        Path jar = Path.of("target", "crossbar-dev.jar").toAbsolutePath();
        assertThat(jar).exists();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "dev", "--data-dir", work.resolve("dev").toString(), "--status-interval", "2s",
                "--http", "127.0.0.1:0", "--demo-interval", "5s")
                .redirectErrorStream(true);
        pb.environment().put("CROSSBAR_HOME", Path.of("..").toAbsolutePath().normalize().toString());
        Process p = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> read(p, lines),
                r -> Thread.ofPlatform().daemon().start(r)); // not the common pool: one thread on two cores
        try {
            awaitLine(lines, "running; Ctrl-C stops everything", Duration.ofSeconds(120), p);
            awaitLine(lines, "demo round 1 sent", Duration.ofSeconds(60), p);
            awaitLine(lines, firstRun ? "RELAYED" : "messages:", Duration.ofSeconds(90), p);
            // Fault-proof chains by default: the status shows the dispute games the proposer created.
            awaitLine(lines, "(type 255, L2 block", Duration.ofSeconds(60), p);
            List<ProcessHandle> children = new ArrayList<>(p.descendants().toList());
            assertThat(children).as("three anvil nodes run under dev mode")
                    .filteredOn(h -> h.info().command().orElse("").contains("anvil")).hasSizeGreaterThanOrEqualTo(3);
            assertThat(children).as("and the Kafka broker")
                    .anyMatch(h -> String.join(" ", h.info().arguments().orElse(new String[0])).contains("BrokerMain"));
            assertThat(String.join("\n", lines)).contains("l1    chain 900", "l2a   chain 901", "l2b   chain 902",
                    "portal (on l1)", "file:");
            assertThat(Files.readString(work.resolve("dev/devnet/manifest.json"))).contains("\"chainId\" : 901");

            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("dev mode stops on Ctrl-C").isTrue();
            reader.get(10, TimeUnit.SECONDS);
            assertThat(p.exitValue()).as("the exit code of a clean stop on Ctrl-C").isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(lines).anyMatch(l -> l.contains("stopped; no process left running"));
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
                assertThat(child.isAlive()).as("child %s", child.info().command().orElse("?")).isFalse();
            }
            return lines;
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            // The whole output, for a failure's diagnosis (assertion messages shorten long lists).
            Files.write(Path.of("target", "DevModeIT-run" + (firstRun ? 1 : 2) + ".log"), lines);
        }
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

    private static void awaitLine(List<String> lines, String text, Duration timeout, Process p) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lines.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("dev mode exited early with " + p.exitValue() + ":\n" + String.join("\n", lines));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no line containing '" + text + "' within " + timeout + ":\n" + String.join("\n", lines));
    }
}
