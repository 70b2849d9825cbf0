package dev.crossbar.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the repository, the chart, the build's output. */
final class Repo {
    private Repo() {}

    /** The repository's root (the build passes it; else found from the working directory). */
    static Path root() {
        String p = System.getProperty("crossbar.repo");
        if (p != null && !p.isBlank()) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("helm/crossbar")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
    }

    static Path chart() {
        return root().resolve("helm/crossbar");
    }

    static Path productionValues() {
        return chart().resolve("ci/production-values.yaml");
    }

    /** deploy/target. */
    static Path target() {
        return root().resolve("deploy/target");
    }
}
