package dev.crossbar.devnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the anvil executable: {@code $CROSSBAR_ANVIL}, else the npm package
 * {@code @foundry-rs/anvil-linux-amd64} in the {@code node_modules} folder of {@code $CROSSBAR_HOME}
 * (set by the launcher to the repository), of the working directory or of one of its parents,
 * else {@code anvil} on the {@code PATH}.
 */
public final class AnvilBinary {
    static final String NPM_PATH = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    private AnvilBinary() {}

    public static Path locate() throws IOException {
        String override = System.getenv("CROSSBAR_ANVIL");
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new IOException("CROSSBAR_ANVIL points at " + p + ", which is not an executable file");
        }
        String home = System.getenv("CROSSBAR_HOME");
        if (home != null && Files.isExecutable(Path.of(home, NPM_PATH))) {
            return Path.of(home, NPM_PATH);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(NPM_PATH);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "anvil");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IOException("anvil not found: run 'npm ci' at the repository root (it installs "
                + "@foundry-rs/anvil-linux-amd64), or set CROSSBAR_ANVIL to an anvil executable");
    }
}
