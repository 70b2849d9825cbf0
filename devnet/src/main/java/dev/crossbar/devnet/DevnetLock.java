package dev.crossbar.devnet;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One launcher per devnet folder whose nodes are detached: the launcher holds an OS file lock on
 * {@code <dataDir>/devnet.lock} while it runs, so that a second launcher on the same folder neither reattaches to nor
 * stops the first one's nodes. The OS drops the lock when the launcher dies, crash included, which is when its nodes
 * may be reattached or stopped as leftovers.
 */
final class DevnetLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DevnetLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** @throws IOException naming the folder when another launcher holds it */
    static DevnetLock acquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve("devnet.lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("another devnet launcher is running on " + dataDir.toAbsolutePath()
                    + " (it holds " + file + "): stop it first, or use another data folder");
        }
        return new DevnetLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
