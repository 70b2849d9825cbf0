package dev.crossbar.testkit.stack;

import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.testkit.TempDirs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The one shared devnet of a test JVM, as {@code KafkaFixture} is its one broker: started (three anvil nodes, the
 * protocol deployed) for the first stack that asks, with a snapshot of every chain taken right after deployment, and
 * reverted to it for each later stack, so every stack starts on the chains as deployed without deploying again (a
 * revert uses the snapshot up, so a new one is taken at once). Stopped, and its folder removed, when the JVM exits.
 *
 * <p>Only the chains are shared, and by one stack at a time: each stack has its own operator (the sequencer keeps a
 * cursor of L1 blocks in memory, which a revert would leave pointing past the chain), topics, store and clients. The
 * chains' clocks run from their deployment's time again after each revert, as a fresh devnet's would (an output's
 * age, a proposer's silence since deployment), so they are behind the wall clock by the time since the deployment.
 */
final class DevnetFixture {
    private static final Logger log = LoggerFactory.getLogger(DevnetFixture.class);

    private static Devnet devnet;
    private static Devnet.Snapshot deployed;
    /** The hash of every chain's head when {@link #deployed} was taken: a revert must come back to it. */
    private static List<String> deployedHeads;
    private static Path dir;
    private static boolean taken;

    private DevnetFixture() {}

    /**
     * The shared devnet with its chains as deployed, for one stack until {@link #release}; a devnet that cannot be
     * reverted (a node gone) is replaced by a new one.
     *
     * @throws IllegalStateException when another stack has it
     */
    static synchronized Devnet take() throws IOException {
        if (taken) {
            throw new IllegalStateException("the shared devnet is in use by another stack: close that stack first, "
                    + "or give this one a devnet of its own (RealStack.startWithOwnDevnet)");
        }
        long startedAt = System.nanoTime();
        if (devnet != null) {
            try {
                devnet.revert(deployed);
                if (!heads(devnet).equals(deployedHeads)) {
                    // a reorg reaching below the snapshot replaced deployed blocks, say
                    throw new IllegalStateException("heads after the revert " + heads(devnet) + " are not the "
                            + "deployed ones " + deployedHeads);
                }
                deployed = devnet.snapshot();
                log.info("shared devnet reverted to its deployment ms={}", (System.nanoTime() - startedAt) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                log.warn("shared devnet cannot be reverted, starting a new one: error=\"{}\"", e.toString());
                stop();
            }
        }
        if (devnet == null) {
            if (dir == null) {
                dir = TempDirs.create("devnet-shared");
                Runtime.getRuntime().addShutdownHook(new Thread(DevnetFixture::stopAndRemove,
                        "crossbar-devnet-fixture-stop"));
            }
            devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
            deployed = devnet.snapshot();
            deployedHeads = heads(devnet);
            log.info("shared devnet started dir={} ms={}", dir, (System.nanoTime() - startedAt) / 1_000_000);
        }
        taken = true;
        return devnet;
    }

    private static List<String> heads(Devnet d) throws IOException {
        List<String> out = new ArrayList<>();
        for (DevChain c : Stream.concat(Stream.of(d.l1()), d.l2s().stream()).toList()) {
            out.add(c.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getHash());
        }
        return out;
    }

    /** The stack that took the devnet is done with it. */
    static synchronized void release() {
        taken = false;
    }

    private static synchronized void stop() {
        if (devnet != null) {
            devnet.close();
            devnet = null;
        }
    }

    private static synchronized void stopAndRemove() {
        stop();
        TempDirs.delete(dir);
    }
}
