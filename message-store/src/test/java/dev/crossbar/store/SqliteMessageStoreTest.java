package dev.crossbar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite (each test its own file), and what only an embedded store must prove: durability. */
class SqliteMessageStoreTest extends MessageStoreContract {
    @TempDir
    Path dir;

    @Override
    StoreFixture newFixture() {
        return StoreFixture.sqlite(dir.resolve("store-" + System.nanoTime() + ".db"));
    }

    /**
     * A child JVM commits batches in a loop and prints each cursor once its commit returned; it is killed with
     * SIGKILL mid-writes. Every batch it reported is there after reopening, and nothing of a batch that was
     * not committed is.
     */
    @Test
    void committedBatchesSurviveAKillAndNoPartialBatchIsVisible() throws Exception {
        Path file = dir.resolve("killed.db");
        Path childLog = dir.resolve("child.log");
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", classpath,
                CommittingChild.class.getName(), file.toString())
                .redirectError(childLog.toFile())
                .start();
        List<Long> reported = new CopyOnWriteArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> readCursors(child, reported));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (reported.size() < 20 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(reported).as("cursors the child reported (its log: %s)", childLog).hasSizeGreaterThanOrEqualTo(20);
            Thread.sleep(37); // land somewhere in the middle of a batch
        } finally {
            child.destroyForcibly(); // SIGKILL
            child.waitFor(20, TimeUnit.SECONDS);
        }
        reader.join(10_000);
        long lastReported = reported.getLast();

        try (MessageStore reopened = SqliteMessageStore.open(file, TOPOLOGY)) {
            long cursor = reopened.cursor(CommittingChild.CHAIN).orElseThrow().blockNumber();
            assertThat(cursor).isGreaterThanOrEqualTo(lastReported);
            assertThat(cursor % CommittingChild.BLOCKS_PER_BATCH).as("cursor ends a whole batch").isZero();
            long events = cursor * CommittingChild.EVENTS_PER_BLOCK;
            assertThat(reopened.eventCount(CommittingChild.CHAIN)).isEqualTo(events);
            assertThat(reopened.messages(MessageQuery.all())).hasSize((int) Math.min(events, 1000));
            assertThat(reopened.countByState().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(events);
            assertThat(reopened.recentBlocks(CommittingChild.CHAIN, 1).getFirst().number()).isEqualTo(cursor);
        }
        assertThat(Files.exists(file)).isTrue();
    }

    private static void readCursors(Process child, List<Long> reported) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(CommittingChild.COMMITTED)) {
                    reported.add(Long.parseLong(line.substring(CommittingChild.COMMITTED.length()).trim()));
                }
            }
        } catch (IOException e) {
            // the child was killed
        }
    }
}
