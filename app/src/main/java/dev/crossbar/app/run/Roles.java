package dev.crossbar.app.run;

import dev.crossbar.app.http.ChainProgress;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.lifecycle.Service;
import dev.crossbar.monitor.MonitorService;
import dev.crossbar.monitor.act.Actors;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.relayer.RelayerMetrics;
import dev.crossbar.relayer.RelayerService;
import dev.crossbar.watcher.ChainWatcher;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.web3j.crypto.Credentials;

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
        Map<Long, List<Credentials>> signers = new HashMap<>();
        for (var s : c.keys().relayer()) {
            signers.put(s.chainId(), s.keys().stream().map(k -> k.credentials(parts.env())).toList());
        }
        return List.of(new RelayerService(parts.store(), parts.chains(), signers, c.relayer(),
                parts.kafka(), c.kafka().topics(), new RelayerMetrics(parts.meters())));
    }

    /**
     * The monitor: a member of its own consumer group on the events topic, with its own clients of every chain (the
     * configured endpoints, and the extra ones it cross-checks L2s with). Its keys are resolved here, from their
     * references, and go nowhere but into its signers.
     */
    static List<Service> monitor(SharedParts parts) {
        var c = parts.config();
        var m = c.monitor();
        Map<Actors.Role, Credentials> keys = new EnumMap<>(Actors.Role.class);
        if (c.keys().challenger() != null) {
            keys.put(Actors.Role.CHALLENGER, c.keys().challenger().credentials(parts.env()));
        }
        if (c.keys().guardian() != null) {
            keys.put(Actors.Role.GUARDIAN, c.keys().guardian().credentials(parts.env()));
        }
        if (c.keys().reclaimer() != null) {
            keys.put(Actors.Role.RECLAIMER, c.keys().reclaimer().credentials(parts.env()));
        }
        List<Credentials> exitAccounts = c.keys().exitAccounts().stream().map(k -> k.credentials(parts.env()))
                .toList();
        var chains = MonitoredChains.connect(parts.vertx(), c.chains(), m.extraRpc());
        var monitor = new MonitorService(m, chains, parts.store(), parts.kafka(), c.kafka().topics(), parts.vertx(),
                parts.meters(), keys, exitAccounts, Clock.systemUTC());
        return List.of(Services.of(monitor.name(), monitor::start, () -> monitor.stop().onComplete(x -> chains.close())));
    }

    /** One watcher per configured chain; each commit wakes the outbox publisher. */
    static List<Service> watchers(SharedParts parts) {
        List<Service> out = new ArrayList<>();
        for (ChainConfig chain : parts.config().chains()) {
            ChainWatcher w = new ChainWatcher(parts.vertx(), chain, parts.chains().client(chain.chainId()), parts.store(),
                    parts.meters(), parts.outbox()::wake);
            parts.progress().register(chain.chainId(), () -> new ChainProgress(w.head(), w.cursorBlock()));
            out.add(w);
        }
        return out;
    }
}
