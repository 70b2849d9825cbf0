package dev.crossbar.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fixture's temporary folder goes with its close, or, when the close did not get that far, with the JVM. */
class TempDirsTest {
    @TempDir
    Path tmp;

    /** In a JVM of its own: makes a folder with a file in it, prints it and exits without deleting it. */
    public static void main(String[] args) throws Exception {
        Path dir = TempDirs.create("exit-check");
        Files.writeString(dir.resolve("left.txt"), "left behind");
        System.out.println("made " + dir);
    }

    @Test
    void aFolderAFixtureLeftBehindIsRemovedWhenTheJvmExits() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"), TempDirsTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the child exits").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        String made = out.lines().filter(l -> l.startsWith("made ")).findFirst()
                .orElseThrow(() -> new AssertionError("the child made no folder: " + out)).substring(5);
        assertThat(Path.of(made)).startsWithRaw(tmp).doesNotExist();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void deleteRemovesTheFolderWithAllItHolds() throws Exception {
        Path dir = TempDirs.create("delete-check");
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c.txt"), "c");
        assertThat(dir.getFileName().toString()).startsWith("crossbar-delete-check");
        TempDirs.delete(dir);
        assertThat(dir).doesNotExist();
    }
}
