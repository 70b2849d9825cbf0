package dev.crossbar.app.run;

import dev.crossbar.app.http.ChainProgress;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.watcher.ChainWatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The roles this build can run, each with the factory of its services.
 *
 * <p><b>Extension point.</b> A role plugs in here: {@link #FACTORIES} maps it to a {@link RoleFactory} that builds
 * its services from the {@link SharedParts}. A role without a factory is not available in this build ({@code crossbar
 * <role>} exits 2) and {@code crossbar all} runs the roles that are.
 */
public final class Roles {
    private static final Map<Role, RoleFactory> FACTORIES;

    static {
        Map<Role, RoleFactory> f = new EnumMap<>(Role.class);
        f.put(Role.WATCHER, Roles::watchers);
        f.put(Role.RELAYER, Roles::relayer);
        f.put(Role.MONITOR, Roles::monitor);
        FACTORIES = Collections.unmodifiableMap(f);
    }

    private Roles() {}

    public static Optional<RoleFactory> factory(Role role) {
        return Optional.ofNullable(FACTORIES.get(role));
    }

    /** The roles this build can run, in start order. */
    public static Set<Role> available() {
        return FACTORIES.keySet();
    }

    /**
     * The relayer: a member of the relayer consumer group, delivering for the routing keys its partitions give it.
     * Its signing keys are resolved here, from their references, and go nowhere but into the signers.
     */
    static List<Service> relayer(SharedParts parts) {
        var c = parts.config();
        var r = c.relayer();
        Map<Long, dev.crossbar.core.chain.EthApi> clients = new java.util.HashMap<>();
        Map<Long, ChainConfig> chains = new java.util.HashMap<>();
        for (ChainConfig chain : c.chains()) {
            chains.put(chain.chainId(), chain);
            clients.put(chain.chainId(), parts.rpc(chain.chainId()));
        }
        Map<Long, List<org.web3j.crypto.Credentials>> signers = new java.util.HashMap<>();
        for (var s : r.signers()) {
            signers.put(s.chainId(), s.keys().stream().map(k -> k.credentials(parts.env())).toList());
        }
        var settings = new dev.crossbar.relayer.RelayerSettings(r.group(), r.signerSlots(), r.confirmations(),
                new dev.crossbar.txmanager.FeePolicy(r.fees().priorityFee(), r.fees().maxFeeCap(), r.fees().bumpPercent(),
                        r.fees().maxBumps(), r.fees().stuckAfter()),
                new dev.crossbar.core.policy.Backoff(r.retry().base(), r.retry().max(), r.retry().jitter()),
                r.retry().maxAttempts(), r.replay().maxAttempts(), r.replay().gasRaisePercent(),
                new dev.crossbar.relayer.RelayerSettings.Batching(r.batching().enabled(),
                        Math.max(2, r.batching().maxMessages()), r.batching().gasCap(), r.batching().multicall()),
                r.tick(), instanceId(parts, "relayer"),
                java.time.Duration.ofSeconds(30));
        return List.of(new dev.crossbar.relayer.RelayerService(parts.store(),
                new dev.crossbar.relayer.Network(chains, clients), signers, settings, parts.kafka(),
                parts.config().kafka().topics(), new dev.crossbar.relayer.RelayerMetrics(parts.meters())));
    }

    /**
     * A role's static group member id from the host's name (a pod's name, stable across its restarts; dev mode sets
     * its own), so that a restarted instance has its partitions back at once; null (a dynamic member) without one.
     */
    private static String instanceId(SharedParts parts, String role) {
        String host = parts.env().apply("HOSTNAME");
        return host == null || host.isBlank() ? null : role + "-" + host;
    }

    /**
     * The monitor: a member of its own consumer group on the events topic, with its own clients of every chain (the
     * configured endpoints, and the extra ones it cross-checks L2s with). Its keys are resolved here, from their
     * references, and go nowhere but into its signers.
     */
    static List<Service> monitor(SharedParts parts) {
        var c = parts.config();
        var m = c.monitor();
        Map<dev.crossbar.monitor.act.Actors.Role, org.web3j.crypto.Credentials> keys =
                new EnumMap<>(dev.crossbar.monitor.act.Actors.Role.class);
        if (m.challengerKey() != null) {
            keys.put(dev.crossbar.monitor.act.Actors.Role.CHALLENGER, m.challengerKey().credentials(parts.env()));
        }
        if (m.guardianKey() != null) {
            keys.put(dev.crossbar.monitor.act.Actors.Role.GUARDIAN, m.guardianKey().credentials(parts.env()));
        }
        if (m.reclaimerKey() != null) {
            keys.put(dev.crossbar.monitor.act.Actors.Role.RECLAIMER, m.reclaimerKey().credentials(parts.env()));
        }
        var chains = dev.crossbar.monitor.chain.MonitoredChains.connect(parts.vertx(), c.chains(), m.extraRpc());
        var monitor = new dev.crossbar.monitor.MonitorService(MonitorSettingsMapping.of(c), chains, parts.store(),
                parts.kafka(), c.kafka().topics(), parts.vertx(), parts.meters(), keys, java.time.Clock.systemUTC(),
                instanceId(parts, "monitor"));
        return List.of(Services.of(monitor.name(), monitor::start, () -> monitor.stop().onComplete(x -> chains.close())));
    }

    /** One watcher per configured chain; each commit wakes the outbox publisher. */
    static List<Service> watchers(SharedParts parts) {
        List<Service> out = new ArrayList<>();
        for (ChainConfig chain : parts.config().chains()) {
            ChainWatcher w = new ChainWatcher(parts.vertx(), chain, parts.rpc(chain.chainId()), parts.store(),
                    parts.meters(), parts.outbox()::wake);
            parts.progress().register(chain.chainId(), () -> new ChainProgress(w.head(), w.cursorBlock()));
            out.add(w);
        }
        return out;
    }
}
