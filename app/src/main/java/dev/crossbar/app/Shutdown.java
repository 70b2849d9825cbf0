package dev.crossbar.app;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT) and SIGTERM: stop what runs, then let the command's own thread finish its clean-up and final
 * output before the JVM exits (with 130 for SIGINT and 143 for SIGTERM, as shells expect).
 */
public final class Shutdown {
    private static final Duration FINISH = Duration.ofSeconds(30);
    private static final AtomicBoolean inProgress = new AtomicBoolean();
    /** The command finished and exits by itself: a shutdown hook has nothing to stop or wait for. */
    private static final AtomicBoolean exiting = new AtomicBoolean();

    private Shutdown() {}

    /** On a signal, runs {@code stop} and waits for the calling (command) thread to finish. */
    public static void onSignal(Runnable stop) {
        Thread command = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (exiting.get()) {
                return; // the command thread is the one exiting: joining it would wait for ever (30 s)
            }
            inProgress.set(true);
            stop.run();
            try {
                command.join(FINISH.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "crossbar-shutdown"));
    }

    /**
     * Exits the JVM with {@code code} once the command finished by itself (e.g. a devnet stopped through its admin
     * endpoint), unless a signal is already stopping it (then the signal's exit code stands).
     */
    static void exit(int code) {
        if (!inProgress.get()) {
            exiting.set(true);
            System.exit(code);
        }
    }

    /** Whether the JVM is shutting down on a signal: then {@code System.exit} must not be called. */
    public static boolean inProgress() {
        return inProgress.get();
    }
}
