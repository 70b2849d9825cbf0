package dev.crossbar.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/** Dev mode's folder: the devnet's chains, the broker's log and the store, all kept between runs. */
public final class DevData {
    private DevData() {}

    /**
     * The file holding dev mode's HTTP admin token (the console's retry and breaker actions need it): made once
     * with a random token, readable by its owner only, and kept between runs.
     */
    public static Path adminToken(Path dir) throws IOException {
        Path file = dir.resolve("admin-token");
        if (!Files.exists(file)) {
            byte[] raw = new byte[24];
            new SecureRandom().nextBytes(raw);
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "admin-token", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the folder's permissions guard it
            }
            Files.writeString(tmp, HexFormat.of().formatHex(raw) + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return file;
    }

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
