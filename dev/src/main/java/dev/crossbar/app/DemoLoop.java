package dev.crossbar.app;

import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dev mode's demo traffic: every round, one message in each flow, each a ping of a DemoTarget with a note that
 * says where it came from: a deposit (L1 to l2a), a withdrawal (l2a to L1), a fast cross-rollup message (l2a to l2b
 * and back), and a settled one (l2a to L1 to l2b).
 */
final class DemoLoop implements AutoCloseable {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dev-demo-traffic");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger round = new AtomicInteger();

    private DemoLoop() {}

    static DemoLoop start(Devnet devnet, Duration every, PrintStream out) {
        DemoLoop loop = new DemoLoop();
        DemoTraffic user = new DemoTraffic(devnet, DevKeys.USER.credentials());
        loop.scheduler.scheduleWithFixedDelay(() -> loop.round(user, out), 2, every.toSeconds(), TimeUnit.SECONDS);
        return loop;
    }

    private void round(DemoTraffic user, PrintStream out) {
        int n = round.incrementAndGet();
        try {
            user.deposit(0, "deposit #" + n, BigInteger.ZERO);
            user.withdrawal(0, "withdrawal #" + n, BigInteger.ZERO);
            if (user.fastMessages()) {
                user.crossRollup(0, 1, "fast l2a->l2b #" + n);
                user.crossRollup(1, 0, "fast l2b->l2a #" + n);
            }
            user.settled(0, 1, "settled l2a->L1->l2b #" + n);
            out.println("  demo round " + n + " sent: deposit, withdrawal, " + (user.fastMessages() ? "2 fast and "
                    : "") + "1 settled cross-rollup message" + (user.fastMessages() ? "s" : ""));
        } catch (Exception e) {
            out.println("  demo round " + n + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
