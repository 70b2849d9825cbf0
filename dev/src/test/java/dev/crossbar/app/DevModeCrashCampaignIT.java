package dev.crossbar.app;

import static dev.crossbar.app.DevModeProcess.BROADCAST;
import static dev.crossbar.app.DevModeProcess.READY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.chaos.AuditResult;
import dev.crossbar.app.chaos.ChainAudit;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.Finding;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash-and-resume campaign of issue #10, run from the jar as a user runs dev mode: {@code kill -9} of the
 * launcher at a seeded random moment while demo traffic flows (half of the kills right after a send), then a restart
 * on the same folder, {@code campaign.kills} times; then one last run without traffic until everything due has
 * settled (withdrawals wait out the two-minute window), and a check from the chains, not from the store
 * ({@link ChainAudit}):
 * <ul>
 *   <li>every message sent in every flow had exactly one effect on its destination (none lost, none doubled, none
 *       still waiting), and no effect happened there without its message on the source chain (no forged relay);</li>
 *   <li>the store agrees: what the chain delivered it holds as RELAYED and nothing else, and it holds no live message
 *       the chains do not have;</li>
 *   <li>nothing is left in flight: no open transaction, and for every key of the relayer each chain's mined nonce is
 *       one past the highest it recorded and nothing waits in the node's pool (no nonce gap);</li>
 *   <li>no critical finding.</li>
 * </ul>
 * The relayer keys' transactions that reverted or had no effect are listed in the report (extra transactions).
 * It prints, per resume, how long the relayer took to take its keys and to send again after the restart was ready.
 * Too long for every build: {@code ./mvnw -pl dev verify -Dit.test=DevModeCrashCampaignIT -Dcampaign.kills=5
 * [-Dcampaign.seed=N]} (see README).
 */
@EnabledIfSystemProperty(named = "campaign.kills", matches = "\\d+")
class DevModeCrashCampaignIT {
    @TempDir
    Path work;

    private final List<DevModeProcess> runs = new ArrayList<>();

    @AfterEach
    void killEverything() throws Exception {
        DevModeProcess.killAll(runs, work.resolve("dev"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void repeatedKillsDuringTrafficEndWithEveryMessageDeliveredOnceAndNoGap() throws Exception {
        int kills = Integer.getInteger("campaign.kills");
        long seed = Long.getLong("campaign.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("crash campaign: kills=%d seed=%d folder=%s%n", kills, seed, work);
        List<String> resumes = new ArrayList<>();
        DevModeProcess run = launch(0, true);
        long ready = run.await(0, l -> l.contains(READY), Duration.ofSeconds(180));
        for (int k = 1; k <= kills; k++) {
            run.await(ready, l -> l.contains(BROADCAST), Duration.ofSeconds(120));
            boolean midSend = random.nextBoolean();
            long delayMs = midSend ? random.nextInt(150) : 2_000 + random.nextInt(15_000);
            if (midSend) {
                // Right after a send: wait for the next broadcast line, then kill within 150 ms of it.
                run.await(System.nanoTime(), l -> l.contains(BROADCAST), Duration.ofSeconds(60));
            }
            Thread.sleep(delayMs);
            long sends = run.lines.stream().filter(l -> l.text().contains(BROADCAST)).count();
            run.kill();
            System.out.printf("kill %d: SIGKILL %s (%d ms after %s), %d sends in that run%n", k,
                    midSend ? "mid-send" : "at random", delayMs, midSend ? "a broadcast" : "the wait", sends);

            long restarted = System.nanoTime();
            run = launch(k, true);
            ready = run.await(0, l -> l.contains(READY), Duration.ofSeconds(180));
            long keys = run.await(0, l -> l.contains("relayer took over key="), Duration.ofSeconds(60));
            long sending = run.await(0, l -> l.contains(BROADCAST), Duration.ofSeconds(120));
            String resume = String.format("resume %d: ready %d ms after the restart; relayer took its keys %d ms and"
                    + " sent %d ms after ready", k, (ready - restarted) / 1_000_000, Math.max(0, keys - ready) / 1_000_000,
                    Math.max(0, sending - ready) / 1_000_000);
            resumes.add(resume);
            System.out.println(resume);
        }
        // Settle: stop the traffic, let the window pass and everything due be delivered.
        run.stop();
        run = launch(kills + 1, false);
        run.await(0, l -> l.contains(READY), Duration.ofSeconds(180));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        Map<String, Long> open;
        do {
            Thread.sleep(5_000);
            open = unsettled();
            System.out.println("settling: " + open);
        } while (!open.isEmpty() && System.nanoTime() < deadline);
        try {
            verify(resumes); // while the chains run: the last run stops them
        } finally {
            run.stop();
        }
    }

    private DevModeProcess launch(int run, boolean demo) throws IOException {
        List<String> args = new ArrayList<>(List.of("--status-interval", "10s", "--demo-interval", "3s"));
        if (!demo) {
            args.add("--no-demo");
        }
        // Fast messages are what a crash can duplicate most easily: the output-oracle devnet has them.
        args.addAll(List.of("--settlement", "output-oracle"));
        DevModeProcess p = DevModeProcess.start(work.resolve("dev"), Path.of("target", "crash-campaign-run" + run
                + ".log"), args.toArray(String[]::new));
        runs.add(p);
        return p;
    }

    /** Messages of the relayer's kinds not yet in a final state, by state (read from a copy of the store). */
    private Map<String, Long> unsettled() throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (MessageStore store = storeCopy()) {
            for (MessageRecord m : store.messages(new MessageQuery(null, Set.of(MessageKind.CROSS_ROLLUP,
                    MessageKind.WITHDRAWAL), null, null, null, null, 1000))) {
                if (!Set.of(MessageState.RELAYED, MessageState.ORPHANED).contains(m.state())) {
                    out.merge(m.kind() + ":" + m.state(), 1L, Long::sum);
                }
            }
        }
        return out;
    }

    private MessageStore storeCopy() throws IOException {
        Path copy = Files.createTempFile(work, "store-copy", ".db");
        Files.copy(work.resolve("dev/store.db"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String suffix : List.of("-wal", "-shm")) {
            Path side = work.resolve("dev/store.db" + suffix);
            if (Files.exists(side)) {
                Files.copy(side, Path.of(copy + suffix), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return SqliteMessageStore.open(copy, new ChainTopology(Map.of(901L, 900L, 902L, 900L), 1));
    }

    /** Audits the chains ({@link ChainAudit}) with the store the run left, and the monitor's findings. */
    private void verify(List<String> resumes) throws Exception {
        DevnetManifest manifest = DevnetManifest.read(work.resolve("dev/devnet"));
        try (MessageStore store = storeCopy()) {
            AuditResult audit = ChainAudit.of(manifest).store(store)
                    .signers(List.of(DevKeys.RELAYER.address(), DevKeys.RELAYER_2.address())).run();
            List<String> problems = new ArrayList<>();
            audit.problems().forEach(p -> problems.add(p.flow().label() + " " + p.kind() + " on chain " + p.chainId()
                    + ": " + p.id() + " (" + p.detail() + ")"));
            audit.flows().stream().filter(f -> f.notYetDue() > 0).forEach(f -> problems.add(f.notYetDue() + " "
                    + f.flow().label() + " message(s) still not due after settling"));
            audit.nonces().stream().filter(n -> n.problem() != null).forEach(n -> problems.add("nonce of "
                    + n.signer() + " on chain " + n.chainId() + ": " + n.problem()));
            audit.store().forEach(r -> problems.add("store: " + r.kind() + " " + r.id() + " in " + r.state() + ": "
                    + r.why()));
            List<Finding> critical = store.findings(null, 10_000).stream()
                    .filter(f -> f.severity().equals("CRITICAL")).toList();
            critical.forEach(f -> problems.add("critical finding " + f.kind() + ": " + f.summary()));
            Map<String, Long> findings = new java.util.TreeMap<>();
            store.findings(null, 10_000).forEach(f -> findings.merge(f.severity() + " " + f.kind(), 1L, Long::sum));

            StringBuilder report = new StringBuilder("crash campaign result\n");
            resumes.forEach(r -> report.append("  ").append(r).append('\n'));
            report.append(audit.table()).append('\n');
            report.append("  findings ").append(findings).append('\n');
            report.append("  problems: ").append(problems.isEmpty() ? "none" : String.join("\n    ", problems));
            System.out.println(report);
            System.out.println(audit.json());
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of("target",
                    "crash-campaign-report.txt")))) {
                w.println(report);
            }
            assertThat(problems).isEmpty();
            assertThat(audit.flow(ChainAudit.Flow.FAST_L2_TO_L2).delivered()).as("fast messages delivered")
                    .isPositive();
            assertThat(audit.flow(ChainAudit.Flow.MESSAGE_L2_TO_L1).delivered()).as("withdrawals finalized")
                    .isPositive();
        }
    }
}
