package dev.crossbar.monitor;

import dev.crossbar.devnet.DevChain;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the devnet's automining chains producing blocks (one every {@code intervalMs}), as live chains do, so that
 * a quiet chain is not a halted one; a test stops one chain's blocks to halt it.
 */
final class Heartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final List<DevChain> chains;
    private final Map<String, Boolean> stopped = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    Heartbeat(List<DevChain> chains, long intervalMs) {
        this.chains = List.copyOf(chains);
        this.thread = Thread.ofPlatform().daemon(true).name("heartbeat").start(() -> {
            while (running) {
                for (DevChain c : this.chains) {
                    if (!stopped.getOrDefault(c.name(), false)) {
                        try {
                            c.anvil().mine(1);
                        } catch (Exception e) {
                            log.debug("heartbeat failed chain={} error={}", c.name(), e.toString());
                        }
                    }
                }
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Stops (or restarts) the blocks of chain {@code name}. */
    void halt(String name, boolean halted) {
        stopped.put(name, halted);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5000);
    }
}
