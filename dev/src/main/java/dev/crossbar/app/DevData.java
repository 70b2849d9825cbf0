package dev.crossbar.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Dev mode's folder: the devnet's chains, the broker's log and the store, all kept between runs. */
public final class DevData {
    private DevData() {}

    /** Deletes everything an earlier run kept, so that the next start begins anew. */
    public static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
