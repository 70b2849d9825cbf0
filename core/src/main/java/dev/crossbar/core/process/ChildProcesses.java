package dev.crossbar.core.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the child processes this JVM owns (anvil nodes, a Kafka broker) so that none outlives it.
 *
 * <p>Three layers, because each alone leaves a gap:
 * <ol>
 *   <li>{@link #stop(Process, Duration)} terminates a child and waits for it, escalating to SIGKILL;</li>
 *   <li>a shutdown hook stops every child still running when the JVM exits normally or on SIGTERM/SIGINT;</li>
 *   <li>on Linux each child is started under {@code setpriv --pdeathsig KILL}, so the kernel kills it
 *       even when this JVM is killed with SIGKILL. The parent-death signal is tied to the thread that
 *       forked the child, so every child is started from one dedicated thread that lives as long as
 *       the JVM.</li>
 * </ol>
 */
public final class ChildProcesses {
    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);
    private static final Set<Process> running = ConcurrentHashMap.newKeySet();
    private static final ExecutorService launcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crossbar-child-launcher");
        t.setDaemon(true);
        return t;
    });
    private static final String SETPRIV = findSetpriv();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "crossbar-child-reaper"));
    }

    private ChildProcesses() {}

    /**
     * Starts {@code command}, with its standard output and error appended to {@code logFile}.
     *
     * @throws IOException when the executable cannot be started; the message names the command
     */
    public static Process start(List<String> command, Path workDir, Path logFile) throws IOException {
        List<String> full = new ArrayList<>();
        if (SETPRIV != null) {
            full.addAll(List.of(SETPRIV, "--pdeathsig", "KILL", "--"));
        }
        full.addAll(command);
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            Process process = launcher.submit(builder::start).get();
            running.add(process);
            process.onExit().thenRun(() -> running.remove(process));
            return process;
        } catch (ExecutionException e) {
            throw new IOException("cannot start " + command.getFirst() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command.getFirst(), e);
        }
    }

    /** Asks the process to stop (SIGTERM), waits up to {@code grace}, then kills it (SIGKILL). */
    public static void stop(Process process, Duration grace) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        running.remove(process);
    }

    /** Number of children started here that are still running. */
    public static int runningCount() {
        return (int) running.stream().filter(Process::isAlive).count();
    }

    private static void stopAll() {
        for (Process p : List.copyOf(running)) {
            stop(p, Duration.ofSeconds(5));
        }
    }

    private static String findSetpriv() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return null;
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, "setpriv");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        log.warn("setpriv not found: child processes will be stopped on normal exit only, not if this JVM is killed");
        return null;
    }
}
