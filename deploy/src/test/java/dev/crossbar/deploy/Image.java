package dev.crossbar.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The image the build made (deploy/target/crossbar-image.tar), and its root file system unpacked once. */
final class Image {
    private static DockerArchive archive;
    private static Path rootfs;

    private Image() {}

    static synchronized DockerArchive archive() {
        if (archive == null) {
            String p = System.getProperty("crossbar.image.tar", Repo.target().resolve("crossbar-image.tar").toString());
            Path tar = Path.of(p);
            if (!Files.isRegularFile(tar)) {
                throw new IllegalStateException("no image tarball at " + tar + ": the build makes it in the package "
                        + "phase (profile image, active unless -DskipTests)");
            }
            archive = new DockerArchive(tar);
        }
        return archive;
    }

    /** The image's layers unpacked, in order, into deploy/target/image-rootfs. */
    static synchronized Path rootfs() {
        if (rootfs == null) {
            Path dir = Repo.target().resolve("image-rootfs");
            Pod.deleteTree(dir);
            archive().extract(dir);
            rootfs = dir;
        }
        return rootfs;
    }
}
