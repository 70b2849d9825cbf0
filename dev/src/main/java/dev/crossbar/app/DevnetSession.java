package dev.crossbar.app;

import dev.crossbar.core.config.SettlementKind;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.devnet.operator.OperatorAdminServer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A devnet with its operator and the operator's admin endpoint, started together and stopped together
 * (on {@link #close()}, on Ctrl-C through the JVM's shutdown hook, or on the admin endpoint's shutdown).
 */
public final class DevnetSession implements AutoCloseable {
    private final Devnet devnet;
    private final DevnetOperator operator;
    private final OperatorAdminServer admin;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DevnetSession(Devnet devnet, DevnetOperator operator, OperatorAdminServer admin) {
        this.devnet = devnet;
        this.operator = operator;
        this.admin = admin;
    }

    public static DevnetSession start(DevnetConfig config, Duration proposalInterval, PrintStream out) throws IOException {
        out.println("starting devnet: L1 " + config.l1ChainId() + " and L2s " + config.l2ChainIds() + " (anvil), data in "
                + config.dataDir().toAbsolutePath());
        Devnet devnet = Devnet.start(config);
        DevnetOperator operator = null;
        try {
            operator = DevnetOperator.running(devnet, Duration.ofMillis(500), proposalInterval);
            DevnetSession[] self = new DevnetSession[1];
            OperatorAdminServer admin = new OperatorAdminServer(operator, () -> self[0].close());
            devnet.publishOperatorAdmin(admin.url());
            self[0] = new DevnetSession(devnet, operator, admin);
            return self[0];
        } catch (IOException | RuntimeException e) {
            if (operator != null) {
                operator.close();
            }
            devnet.close();
            throw e;
        }
    }

    public Devnet devnet() {
        return devnet;
    }

    public DevnetOperator operator() {
        return operator;
    }

    public DevnetManifest manifest() {
        return devnet.manifest();
    }

    /** Blocks until the session is closed (Ctrl-C or the admin endpoint's shutdown). */
    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    boolean awaitStop(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /**
     * Prints what was started: chains, endpoints, contracts, how each L2 settles (its kind as the configuration names
     * it), keys by reference, the admin endpoint.
     */
    static void describe(DevnetManifest m, PrintStream out) {
        out.println();
        out.printf("  %-5s chain %-5d %s  %s%n", m.l1().name(), m.l1().chainId(), m.l1().rpcUrl(), m.l1().wsUrl());
        m.l1().contracts().forEach((k, v) -> out.printf("          %-28s %s%n", k, v));
        for (DevnetManifest.Chain l2 : m.l2s()) {
            out.printf("  %-5s chain %-5d %s  %s%n", l2.name(), l2.chainId(), l2.rpcUrl(), l2.wsUrl());
            l2.contracts().forEach((k, v) -> out.printf("          %-28s %s%n", k, v));
            SettlementKind kind = l2.faultProofs() != null ? SettlementKind.DISPUTE_GAMES
                    : SettlementKind.OUTPUT_ORACLE;
            out.printf("          settles on %s: kind %s (chains[].settlements[] of crossbar.yaml)%n", m.l1().name(),
                    kind.configName());
            if (l2.faultProofs() != null) {
                describe(l2.faultProofs(), out);
                continue;
            }
            DevnetManifest.Settlement s = l2.settlement();
            out.printf("          %-28s %s%n", "outputOracle (on l1)", s.outputOracle());
            out.printf("          %-28s %s%n", "portal (on l1)", s.portal());
            out.printf("          %-28s %s%n", "l1Messenger (on l1)", s.l1Messenger());
            out.printf("          challenge window %ds, submission interval %d blocks%n",
                    s.finalizationPeriodSeconds(), s.submissionInterval());
        }
        out.println("  keys (by reference):");
        m.keys().forEach((role, ref) -> out.printf("          %-12s %s  %s%n", role, ref.address(), ref.keyRef()));
        out.println("  operator switches: " + m.operatorAdminUrl() + "  (crossbar devnet misbehave --help)");
        out.println();
    }

    /** An L2's fault-proof settlement: every L1 contract by role, then the games' parameters. */
    private static void describe(DevnetManifest.FaultProofSettlement f, PrintStream out) {
        java.util.Map<String, String> roles = new java.util.LinkedHashMap<>();
        roles.put("portal", f.portal());
        roles.put("disputeGameFactory", f.disputeGameFactory());
        roles.put("anchorStateRegistry", f.anchorStateRegistry());
        roles.put("delayedWeth", f.delayedWeth());
        roles.put("systemConfig", f.systemConfig());
        roles.put("l1CrossDomainMessenger", f.l1CrossDomainMessenger());
        roles.put("l1StandardBridge", f.l1StandardBridge());
        roles.put("superchainConfig", f.superchainConfig());
        roles.put("proxyAdmin", f.proxyAdmin());
        roles.put("preimageOracle", f.preimageOracle());
        roles.put("alphabetVm", f.alphabetVm());
        roles.forEach((role, address) -> out.printf("          %-36s %s%n", role + " (on l1)", address));
        f.implementations().forEach((role, address) -> out.printf("          %-36s %s%n",
                role + ".impl (on l1)", address));
        f.gameImplementations().forEach((type, address) -> out.printf("          %-36s %s%n",
                "game type " + type + " impl (on l1)", address));
        out.printf("          respected game type %d, anchor %s%n", f.respectedGameType(), f.anchorRoot());
        out.printf("          max clock %ds, clock extension %ds, depth %d, split depth %d (window %d blocks)%n",
                f.maxClockDurationSeconds(), f.clockExtensionSeconds(), f.maxGameDepth(), f.splitDepth(),
                f.outputWindow());
        out.printf("          proof maturity %ds, airgap %ds, DelayedWETH delay %ds, init bond %s wei,"
                + " proposal interval %d blocks%n", f.proofMaturityDelaySeconds(), f.disputeGameFinalityDelaySeconds(),
                f.delayedWethDelaySeconds(), f.initBond(), f.proposalInterval());
        out.printf("          sequencing window %ds (a censored deposit is forced in after it)%n",
                f.sequencingWindowSeconds());
    }

    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        admin.close();
        operator.close();
        devnet.close();
        stopped.countDown();
    }
}
