package dev.crossbar.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.devnet.DevKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * The image tarball the build made (jib:buildTar, docker-archive format), read like a registry or a container
 * engine would: its manifest and config (entrypoint, user, port), its layers (the launcher, its class path, the
 * Java runtime, the C library), no key material in any file, and the runtime able to run the launcher.
 */
class ImageTarballIT {
    static final List<String> ENTRYPOINT = List.of("/opt/java/bin/java", "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/crossbar/crossbar.jar");
    static final Pattern PEM_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");
    static final Pattern HEX_KEY = Pattern.compile("(?i)(?<![0-9a-z])0x[0-9a-f]{64}(?![0-9a-f])");
    static final Pattern KEY_FILE = Pattern.compile("(?i).*(\\.key|\\.pem|\\.p12|\\.pfx|\\.jks|\\.keystore|"
            + "/id_(rsa|ecdsa|ed25519)|/keystore[^/]*\\.json|/\\.env)$");

    final DockerArchive image = Image.archive();

    @Test
    void entrypointIsTheLauncherUserIsNonRootAndPort8080IsExposed() {
        assertThat(image.manifest.size()).isEqualTo(1);
        assertThat(image.manifest.get(0).path("RepoTags").get(0).asText())
                .isEqualTo("crossbar:" + System.getProperty("project.version", "0.1.0-SNAPSHOT"));
        JsonNode c = image.containerConfig();
        assertThat(ChartRenderTest.list(c.path("Entrypoint"))).isEqualTo(ENTRYPOINT);
        assertThat(c.path("Cmd").isMissingNode() || c.path("Cmd").isNull() || c.path("Cmd").isEmpty())
                .as("no default command: the service is the argument").isTrue();
        String uid = System.getProperty("crossbar.image.uid", "65532");
        assertThat(c.path("User").asText()).isEqualTo(uid + ":" + uid);
        assertThat(Integer.parseInt(uid)).isPositive();
        assertThat(c.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/crossbar");
        assertThat(ChartRenderTest.list(c.path("Env"))).contains("CROSSBAR_CONFIG=/etc/crossbar/crossbar.yaml")
                .allSatisfy(e -> assertThat(e).doesNotContainPattern("(?i)(password|secret|token|key)="));
        assertThat(image.config.path("architecture").asText()).isEqualTo("amd64");
        assertThat(image.config.path("os").asText()).isEqualTo("linux");
        // The chart runs the pods as this user and relies on the entrypoint.
        Rendered chart = Helm.template("c", "n", List.of());
        JsonNode pod = chart.deployment("watcher").path("spec").path("template").path("spec");
        assertThat(pod.path("securityContext").path("runAsUser").asText()).isEqualTo(uid);
        assertThat(chart.container("watcher").path("ports").get(0).path("containerPort").asInt()).isEqualTo(8080);
    }

    @Test
    void layersHoldTheLauncherItsClassPathTheJavaRuntimeAndTheCLibrary() throws Exception {
        List<DockerArchive.Entry> entries = image.entries();
        Map<String, DockerArchive.Entry> byPath = new java.util.HashMap<>();
        entries.forEach(e -> byPath.put(e.path().replaceFirst("/$", ""), e));
        for (String exe : List.of("opt/java/bin/java", "lib64/ld-linux-x86-64.so.2")) {
            assertThat(byPath.containsKey(exe)).as(exe).isTrue();
            assertThat(byPath.get(exe).executable()).as("%s is executable", exe).isTrue();
        }
        assertThat(byPath.keySet()).contains("opt/crossbar/crossbar.jar", "opt/java/lib/modules", "opt/java/release",
                "opt/java/lib/server/libjvm.so", "opt/java/lib/security/cacerts", "lib/x86_64-linux-gnu/libc.so.6",
                "etc/passwd", "tmp", "var/lib/crossbar", "etc/crossbar");
        assertThat(Files.readString(Image.rootfs().resolve("etc/passwd"))).contains(":65532:65532:");
        // Every jar of the launcher's Class-Path is in the image, where the manifest points.
        Path jar = Image.rootfs().resolve("opt/crossbar/crossbar.jar");
        String classPath;
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("dev.crossbar.app.Main");
            classPath = j.getManifest().getMainAttributes().getValue("Class-Path");
        }
        List<String> cp = Arrays.stream(classPath.trim().split("\\s+")).toList();
        assertThat(cp).hasSizeGreaterThan(50).anyMatch(p -> p.startsWith("lib/crossbar-watcher-"))
                .anyMatch(p -> p.startsWith("lib/kafka-clients-"));
        // Production only: no devnet, no embedded broker (nor the Kafka server it runs), no dev launcher.
        assertThat(cp).as("dev tooling on the image's class path").noneMatch(p -> p.startsWith("lib/crossbar-devnet-")
                || p.startsWith("lib/crossbar-kafka-embedded-") || p.startsWith("lib/crossbar-dev-")
                || p.startsWith("lib/kafka_2.") || p.startsWith("lib/kafka-server-"));
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.endsWith(".class")))
                    .as("dev commands in the launcher").noneMatch(n -> n.startsWith("dev/crossbar/app/bench/")
                            || n.startsWith("dev/crossbar/app/Dev"));
        }
        assertThat(cp.stream().filter(p -> !byPath.containsKey("opt/crossbar/" + p)).toList())
                .as("Class-Path entries of crossbar.jar missing from the image").isEmpty();
        assertThat(byPath.keySet().stream().filter(p -> p.matches("opt/crossbar/lib/.+\\.jar"))
                .filter(p -> !cp.contains(p.substring("opt/crossbar/".length()))).toList())
                .as("jars in the image that the launcher does not use").isEmpty();
        // Layers, least often changed first: OS, Java runtime, third-party jars, Crossbar's jars.
        int os = byPath.get("lib/x86_64-linux-gnu/libc.so.6").layer();
        int java = byPath.get("opt/java/lib/modules").layer();
        int thirdParty = byPath.get("opt/crossbar/" + cp.stream().filter(p -> p.startsWith("lib/kafka-clients-"))
                .findFirst().orElseThrow()).layer();
        int ours = byPath.get("opt/crossbar/crossbar.jar").layer();
        assertThat(List.of(os, java, thirdParty, ours)).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void theRuntimeHasEveryModuleTheLauncherNeeds() throws Exception {
        String release = Files.readString(Image.rootfs().resolve("opt/java/release"));
        String modules = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow()
                .replaceAll("MODULES=|\"", "");
        Set<String> inImage = new TreeSet<>(Arrays.asList(modules.trim().split("\\s+")));
        Path root = Image.rootfs().resolve("opt/crossbar");
        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        Assumptions.assumeTrue(Files.isExecutable(jdeps), "jdeps is not in " + System.getProperty("java.home"));
        Process p = new ProcessBuilder(jdeps.toString(), "--ignore-missing-deps", "--print-module-deps",
                "--multi-release", "21", "-q", "--class-path", root.resolve("lib") + "/*",
                root.resolve("crossbar.jar").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String last = out.lines().reduce((a, b) -> b).orElse("");
        Set<String> needed = new TreeSet<>(Arrays.asList(last.split(",")));
        assertThat(needed).as("jdeps: %s", out).contains("java.base");
        assertThat(inImage).as("the image's runtime modules (crossbar.image.modules in deploy/pom.xml)")
                .containsAll(needed);
    }

    @Test
    void noKeyMaterialInAnyLayer() {
        // The well-known devnet keys (anvil's test mnemonic) are the likeliest to leak from tooling: none of them,
        // in any file or any jar entry, class files included.
        List<String> devKeys = new ArrayList<>();
        for (DevKeys k : DevKeys.values()) {
            devKeys.add(Numeric.toHexStringNoPrefixZeroPadded(k.credentials().getEcKeyPair().getPrivateKey(), 64));
        }
        List<String> found = new ArrayList<>();
        int[] files = {0};
        image.eachFile((e, in) -> {
            files[0]++;
            String path = "/" + e.path();
            if (KEY_FILE.matcher(path).matches()) {
                found.add(path + ": a key or keystore file");
            }
            byte[] content = in.readAllBytes();
            scan(path, content, devKeys, found);
            if (path.endsWith(".jar")) {
                try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(content))) {
                    for (ZipEntry z1; (z1 = z.getNextEntry()) != null; ) {
                        if (!z1.isDirectory()) {
                            scan(path + "!/" + z1.getName(), readAll(z), devKeys, found);
                        }
                    }
                }
            }
        });
        assertThat(files[0]).isGreaterThan(300);
        assertThat(found).as("key material in the image").isEmpty();
    }

    /** The image runs: its own runtime, from its own root, as its user, starts the launcher. */
    @Test
    void theImageRunsTheLauncherAsItsUser() throws Exception {
        Path rootfs = Image.rootfs();
        Path logs = Repo.target().resolve("image-it");
        Rendered chart = Helm.template("c", "n", List.of(Repo.productionValues()));
        Path config = Files.createDirectories(logs.resolve("config"));
        Files.writeString(config.resolve("crossbar.yaml"), chart.configText());
        for (List<String> args : List.of(List.of("--version"), List.of("config", "check",
                "/etc/crossbar/crossbar.yaml"))) {
            List<String> cmd = new ArrayList<>(ENTRYPOINT);
            cmd.addAll(args);
            try (Pod pod = Pod.start("image-" + args.getFirst().replace("-", ""), rootfs, cmd,
                    Map.of("PATH", "/opt/java/bin:/usr/bin:/bin", "LANG", "C.UTF-8", "PGPASSWORD", "x",
                            "CROSSBAR_ADMIN_TOKEN", "y"),
                    "/var/lib/crossbar", 65532, 65532,
                    List.of(new Pod.Mount("/etc/crossbar", config, true)), List.of("/tmp"), logs)) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (pod.alive() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                String out = Files.readString(logs.resolve(pod.name + ".out"));
                assertThat(pod.exitCode()).as("%s (isolated: %s)\n%s\n%s", args, pod.isolated, out, pod.logText())
                        .isZero();
                if (args.getFirst().equals("--version")) {
                    assertThat(out).isNotBlank();
                } else {
                    assertThat(out).contains("is valid");
                }
            }
        }
    }

    static void scan(String path, byte[] content, List<String> devKeys, List<String> found) {
        // A private key in hex is a run of at least 64 hex digits: look only at those runs.
        int start = -1;
        for (int i = 0; i <= content.length; i++) {
            boolean hex = i < content.length && Character.digit(content[i], 16) >= 0;
            if (hex && start < 0) {
                start = i;
            } else if (!hex && start >= 0) {
                if (i - start >= 64) {
                    String run = new String(content, start, i - start, StandardCharsets.US_ASCII).toLowerCase();
                    for (String k : devKeys) {
                        if (run.contains(k)) {
                            found.add(path + ": a devnet private key");
                        }
                    }
                }
                start = -1;
            }
        }
        boolean text = !path.endsWith(".class") && !path.endsWith(".so") && !path.contains(".so.")
                && !path.endsWith("/modules") && content.length < 4_000_000;
        if (text) {
            String s = new String(content, StandardCharsets.ISO_8859_1);
            if (PEM_KEY.matcher(s).find()) {
                found.add(path + ": a PEM private key");
            }
            if (isCrossbarOwn(path) && HEX_KEY.matcher(s).find()) {
                found.add(path + ": a 0x-prefixed 32-byte hex value (a private key?)");
            }
        }
    }

    /** Crossbar's own files (its jars' resources, the image's configuration files), where no 32-byte secret belongs. */
    static boolean isCrossbarOwn(String path) {
        return path.startsWith("/opt/crossbar/crossbar.jar!/") || path.matches("/opt/crossbar/lib/crossbar-[^/]*\\.jar!/.*")
                || path.startsWith("/etc/");
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }
}
