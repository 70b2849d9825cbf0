package dev.crossbar.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Temporary folders of test fixtures, made under the system's temp folder and removed with all they hold: by
 * {@link #delete} in the fixture's close, and, for any whose close did not get that far (a teardown that threw, a test
 * run interrupted), when the JVM exits.
 */
public final class TempDirs {
    private static final Logger log = LoggerFactory.getLogger(TempDirs.class);
    /** Created and not deleted yet: removed at the JVM's exit. */
    private static final Set<Path> LEFT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LEFT).forEach(TempDirs::delete),
                "crossbar-temp-dirs"));
    }

    private TempDirs() {}

    /** A new folder named {@code crossbar-<prefix>…}; remove it with {@link #delete} (else it goes at the JVM's exit). */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory("crossbar-" + prefix);
            LEFT.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for " + prefix, e);
        }
    }

    /** Removes {@code dir} and everything in it; what cannot be removed (a file still open) is logged and left. */
    public static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        LEFT.remove(dir);
        if (!Files.exists(dir)) {
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
        } catch (IOException | UncheckedIOException e) { // e.g. a file removed while the folder was walked
            log.warn("cannot remove test folder path={} error=\"{}\"", dir, e.toString());
        }
    }
}
