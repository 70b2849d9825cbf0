package dev.crossbar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Temporary folders of test fixtures, made under the system's temp folder and removed with all they hold. */
public final class TempDirs {
    private static final Logger log = LoggerFactory.getLogger(TempDirs.class);

    private TempDirs() {}

    /** A new folder named {@code crossbar-<prefix>…}; remove it with {@link #delete}. */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory("crossbar-" + prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for " + prefix, e);
        }
    }

    /** Removes {@code dir} and everything in it; what cannot be removed (a file still open) is logged and left. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("cannot remove test file path={} error=\"{}\"", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("cannot remove test folder path={} error=\"{}\"", dir, e.toString());
        }
    }
}
