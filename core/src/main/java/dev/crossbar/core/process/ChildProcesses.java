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
 *
 * <p>A child can instead be started <em>detached</em> ({@link #startDetached}), for callers that must survive a
 * crash of this JVM (dev mode's anvil nodes): it runs in its own session and process group ({@code setsid}) without
 * the parent-death signal, so a SIGKILL of this JVM leaves it running and a later JVM can find it again (by its pid)
 * and {@link #adopt} it. Layers 1 and 2 still apply to it (a normal exit or SIGTERM/SIGINT stops it); only layer 3
 * is given up, on purpose. Tests never use it, so they leak no process even when killed.
 */
public final class ChildProcesses {
    private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);
    private static final Set<ProcessHandle> running = ConcurrentHashMap.newKeySet();
    private static final ExecutorService launcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "crossbar-child-launcher");
        t.setDaemon(true);
        return t;
    });
    private static volatile Duration ownerGrace = Duration.ZERO;
    private static final String SETPRIV = findTool("setpriv");
    private static final String SETSID = findTool("setsid");

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
        return launch(full, command, workDir, logFile);
    }

    /**
     * Like {@link #start}, but the child outlives a crash (SIGKILL) of this JVM: no parent-death signal, and its own
     * session and process group ({@code setsid}, which execs in place, so {@link Process#pid()} is the command's
     * pid), so that neither the kernel nor a terminal's signals to the launcher's group reach it. A normal exit or
     * SIGTERM/SIGINT of this JVM still stops it (shutdown hook), as does {@link #stop}.
     */
    public static Process startDetached(List<String> command, Path workDir, Path logFile) throws IOException {
        List<String> full = new ArrayList<>();
        if (SETSID != null) {
            full.add(SETSID);
        }
        full.addAll(command);
        return launch(full, command, workDir, logFile);
    }

    /**
     * Takes charge of a process started detached by an earlier JVM and still running: it is stopped like a child of
     * this JVM (by {@link #stop(ProcessHandle, Duration)} or the shutdown hook).
     */
    public static ProcessHandle adopt(ProcessHandle process) {
        running.add(process);
        process.onExit().thenRun(() -> running.remove(process));
        return process;
    }

    private static Process launch(List<String> full, List<String> command, Path workDir, Path logFile)
            throws IOException {
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            Process process = launcher.submit(builder::start).get();
            ProcessHandle handle = process.toHandle();
            running.add(handle);
            process.onExit().thenRun(() -> running.remove(handle));
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
        if (process == null) {
            return;
        }
        stop(process.toHandle(), grace);
    }

    /**
     * Asks the process (a child, or one {@linkplain #adopt adopted}) to stop (SIGTERM), waits up to {@code grace},
     * then kills it (SIGKILL).
     */
    public static void stop(ProcessHandle process, Duration grace) {
        if (process == null || !process.isAlive()) {
            if (process != null) {
                running.remove(process);
            }
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            try {
                process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.TimeoutException | ExecutionException e) {
            log.warn("process {} did not end after SIGKILL", process.pid());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        running.remove(process);
    }

    /** Number of children started (or adopted) here that are still running. */
    public static int runningCount() {
        return (int) running.stream().filter(ProcessHandle::isAlive).count();
    }

    /**
     * On SIGTERM/SIGINT, lets the owner stop its children in its own order (services first, then the broker, then the
     * nodes) for up to {@code grace} before the shutdown hook stops those still running. Zero (the default) stops
     * them at once.
     */
    public static void ownerStopsChildrenWithin(Duration grace) {
        ownerGrace = grace;
    }

    private static void stopAll() {
        long deadline = System.nanoTime() + ownerGrace.toNanos();
        while (System.nanoTime() < deadline && running.stream().anyMatch(ProcessHandle::isAlive)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ProcessHandle p : List.copyOf(running)) {
            stop(p, Duration.ofSeconds(5));
        }
    }

    private static String findTool(String name) {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return null;
        }
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        log.warn("{} not found: {}", name, "setpriv".equals(name)
                ? "child processes will be stopped on normal exit only, not if this JVM is killed"
                : "detached children share this JVM's process group");
        return null;
    }
}
