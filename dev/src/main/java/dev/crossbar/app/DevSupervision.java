package dev.crossbar.app;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Dev mode's watch over its child processes (the anvil nodes, whether started or reattached, and the Kafka broker).
 * When one exits while dev mode runs, dev mode does not carry on logging connection errors: {@link #failure()} says
 * which child died and where its log is, and {@code onFailure} wakes the command so that it stops everything and
 * exits with {@link ExitCodes#CHILD_EXITED}.
 *
 * <p>Why stop rather than restart the child: an anvil node that died lost what it mined since its last state dump,
 * so a restarted node would be a different chain under services that already saw the lost blocks; the broker's
 * clients would need to be rebuilt too. A restart of the whole of dev mode handles all of that already (the chains
 * are reattached or reloaded, the watchers check block-hash ancestry, the relayer reconciles nonces), so dev mode
 * stops with a clear message and the user runs it again.
 */
final class DevSupervision {
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final Runnable onFailure;
    private volatile boolean stopping;

    DevSupervision(Runnable onFailure) {
        this.onFailure = onFailure;
    }

    /** Watches one child: {@code what} names it in the message ("devnet node l2a", "Kafka broker"). */
    void watch(String what, long pid, Path logFile, CompletableFuture<?> exit) {
        exit.thenRun(() -> {
            if (stopping || Shutdown.inProgress()) {
                return;
            }
            String message = what + " (pid " + pid + ") exited while dev mode was running; its log: "
                    + logFile.toAbsolutePath() + ". Dev mode stops everything else now; run ./crossbar dev again to"
                    + " resume (the chains continue from their running nodes or state files).";
            if (failure.compareAndSet(null, message)) {
                onFailure.run();
            }
        });
    }

    /** From now on children exit because dev mode stops them: not a failure. */
    void stopping() {
        stopping = true;
    }

    /** The first child's death, or null. */
    String failure() {
        return failure.get();
    }
}
