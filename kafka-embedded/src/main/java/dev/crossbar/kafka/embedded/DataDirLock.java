package dev.crossbar.kafka.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Rule: one embedded broker per data directory. The owner JVM holds an OS file lock on
 * {@code embedded.lock} for as long as its broker runs, so a second start on the same directory (from this
 * JVM or another) fails at once with a clear message, before it touches the first broker's files. The OS
 * drops the lock when the owner dies.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve("embedded.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dataDir, file, null);
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw inUse(dataDir, file, e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EmbeddedKafkaException("embedded Kafka data directory " + dataDir + " is unusable: cannot lock "
                    + file + ": " + e.getMessage(), e);
        } catch (EmbeddedKafkaException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
    }

    private static EmbeddedKafkaException inUse(Path dataDir, Path file, Exception cause) {
        return new EmbeddedKafkaException("embedded Kafka data directory " + dataDir + " is unusable: another embedded"
                + " broker is running on it (lock " + file + " is held)", cause);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
