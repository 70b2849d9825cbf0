package dev.crossbar.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A container of the image, run here without a container engine: the image's layers unpacked into a root file
 * system, and the process started the way the kubelet would start the pod's container.
 *
 * <p>Isolated (root, with {@code unshare}): in its own mount namespace, the root file system read-only, /proc and
 * /dev mounted, each volume bind-mounted at its mount path (read-only where the pod spec says so), emptyDirs as
 * tmpfs, chrooted into the image's root, as the pod's user, in the image's working directory, with exactly the
 * environment the pod spec and the image give it. The network is the host's (loopback reaches the test's chains
 * and broker).
 *
 * <p>Elsewhere (not root): the image's Java runtime and jars run as the current user, with every container path
 * mapped onto the unpacked root or the volume's host directory ({@link #hostPath}).
 */
final class Pod implements AutoCloseable {
    /** A volume at {@code containerPath}, from {@code hostPath}. */
    record Mount(String containerPath, Path hostPath, boolean readOnly) {}

    private static Boolean isolation;

    final String name;
    final Path log;
    final boolean isolated;
    private final ProcessBuilder builder;
    private Process process;
    private int restarts;

    private Pod(String name, Path log, boolean isolated, ProcessBuilder builder) throws IOException {
        this.name = name;
        this.log = log;
        this.isolated = isolated;
        this.builder = builder;
        this.process = builder.start();
    }

    /**
     * Starts the container again after it exited, as the kubelet does under restartPolicy Always; its earlier
     * log is kept in {@code <name>.log.<n>}.
     */
    synchronized void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs");
        }
        restarts++;
        Files.move(log, log.resolveSibling(log.getFileName() + "." + restarts));
        process = builder.start();
    }

    int restarts() {
        return restarts;
    }

    /**
     * Whether this machine lets the test isolate pods (root, unshare, mount): probed once;
     * {@code -Dcrossbar.pod.isolation=false} forces host mode.
     */
    static synchronized boolean isolationAvailable(Path rootfs) {
        if (isolation == null) {
            isolation = !"false".equals(System.getProperty("crossbar.pod.isolation")) && probe(rootfs);
        }
        return isolation;
    }

    private static boolean probe(Path rootfs) {
        try {
            Path dir = Files.createTempDirectory(Repo.target(), "pod-probe");
            Path out = dir.resolve("out");
            Process p = builder(rootfs, List.of(), List.of("/tmp"), Map.of("PATH", "/opt/java/bin"), "/", 65532,
                    65532, List.of("/opt/java/bin/java", "-version")).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            String text = Files.readString(out);
            return done && p.exitValue() == 0 && text.contains("version");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts a container.
     *
     * @param command the image's entrypoint followed by the container's args, as container paths
     * @param env the container's environment (the image's, then the pod spec's)
     */
    static Pod start(String name, Path rootfs, List<String> command, Map<String, String> env, String workingDir,
            int uid, int gid, List<Mount> mounts, List<String> emptyDirs, Path logDir) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        boolean isolated = isolationAvailable(rootfs);
        ProcessBuilder pb;
        if (isolated) {
            pb = builder(rootfs, mounts, emptyDirs, env, workingDir, uid, gid, command);
        } else {
            Map<String, Path> map = hostMap(rootfs, mounts, emptyDirs, logDir.resolve(name + "-emptydirs"));
            List<String> cmd = command.stream().map(a -> a.startsWith("/") ? hostPath(a, rootfs, map) : a).toList();
            pb = new ProcessBuilder(cmd).directory(Path.of(hostPath(workingDir, rootfs, map)).toFile());
            pb.environment().clear();
            env.forEach((k, v) -> pb.environment().put(k, v.startsWith("/") && !k.equals("PATH")
                    ? hostPath(v, rootfs, map) : v));
        }
        pb.redirectErrorStream(false).redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".out")
                .toFile())).redirectError(log.toFile());
        return new Pod(name, log, isolated, pb);
    }

    /** In host mode, where a container path is on this machine. */
    static String hostPath(String containerPath, Path rootfs, Map<String, Path> mounts) {
        String best = null;
        for (String m : mounts.keySet()) {
            if ((containerPath.equals(m) || containerPath.startsWith(m + "/")) && (best == null
                    || m.length() > best.length())) {
                best = m;
            }
        }
        if (best != null) {
            return mounts.get(best).resolve(containerPath.substring(best.length()).replaceFirst("^/", "")).toString();
        }
        return rootfs.resolve(containerPath.substring(1)).toString();
    }

    static Map<String, Path> hostMap(Path rootfs, List<Mount> mounts, List<String> emptyDirs, Path scratch)
            throws IOException {
        Map<String, Path> map = new LinkedHashMap<>();
        mounts.forEach(m -> map.put(m.containerPath(), m.hostPath()));
        for (String e : emptyDirs) {
            Path d = scratch.resolve(e.substring(1).replace('/', '_'));
            Files.createDirectories(d);
            map.put(e, d);
        }
        return map;
    }

    private static ProcessBuilder builder(Path rootfs, List<Mount> mounts, List<String> emptyDirs,
            Map<String, String> env, String workingDir, int uid, int gid, List<String> command) throws IOException {
        String unshare = which("unshare");
        // Mount points must exist in the image's root before it turns read-only.
        for (String d : List.of("/proc", "/dev", workingDir)) {
            Files.createDirectories(rootfs.resolve(d.substring(1)));
        }
        StringBuilder s = new StringBuilder("set -e\nR=\"$1\"\n");
        s.append("mount --bind \"$R\" \"$R\"\n");
        s.append("mount -t proc proc \"$R/proc\"\n");
        s.append("mount --bind /dev \"$R/dev\"\n");
        for (Mount m : mounts) {
            Files.createDirectories(rootfs.resolve(m.containerPath().substring(1)));
            s.append("mount --bind ").append(q(m.hostPath().toString())).append(" \"$R\"").append(q(m.containerPath()))
                    .append('\n');
            if (m.readOnly()) {
                s.append("mount -o remount,bind,ro \"$R\"").append(q(m.containerPath())).append('\n');
            }
        }
        for (String e : emptyDirs) {
            Files.createDirectories(rootfs.resolve(e.substring(1)));
            // An emptyDir: writable by the pod's group (fsGroup), like the kubelet makes it.
            s.append("mount -t tmpfs -o mode=2777,size=256m tmpfs \"$R\"").append(q(e)).append('\n');
        }
        s.append("mount -o remount,bind,ro \"$R\"\n");
        s.append("exec env -i");
        env.forEach((k, v) -> s.append(' ').append(q(k + "=" + v)));
        s.append(' ').append(unshare).append(" --root=\"$R\" --wd=").append(q(workingDir)).append(" --setgid=")
                .append(gid).append(" --setuid=").append(uid);
        command.forEach(c -> s.append(' ').append(q(c)));
        s.append('\n');
        List<String> cmd = new ArrayList<>(List.of(unshare, "--mount", "--propagation", "private", "sh", "-c",
                s.toString(), "pod", rootfs.toString()));
        return new ProcessBuilder(cmd);
    }

    private static String which(String tool) {
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return dir + "/" + tool;
            }
        }
        throw new IllegalStateException(tool + " not found");
    }

    private static String q(String s) {
        return "'" + s.replace("'", "'\"'\"'") + "'";
    }

    synchronized boolean alive() {
        return process.isAlive();
    }

    synchronized Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of its standard error (where the launcher logs), then of its standard output. */
    String tail(int lines) {
        StringBuilder b = new StringBuilder();
        for (Path f : List.of(log, log.resolveSibling(name + ".out"))) {
            try {
                List<String> all = Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(l -> b.append(l).append('\n'));
            } catch (IOException e) {
                b.append("<").append(f).append(": ").append(e).append(">\n");
            }
        }
        return b.toString().stripTrailing();
    }

    /** Stops it as the kubelet does: SIGTERM, then SIGKILL after the grace period. */
    @Override
    public synchronized void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Deletes a directory tree (an unpacked root file system, a pod's volumes). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
