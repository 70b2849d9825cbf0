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
 * <p><b>Extension point.</b> The relayer and the monitor plug in here: add {@code Role.RELAYER} and
 * {@code Role.MONITOR} to {@link #FACTORIES} with a {@link RoleFactory} that builds their services from the
 * {@link SharedParts}. Until then {@code crossbar relayer} and {@code crossbar monitor} say they are not available
 * in this build (exit 2) and {@code crossbar all} runs the roles that are.
 */
public final class Roles {
    private static final Map<Role, RoleFactory> FACTORIES;

    static {
        Map<Role, RoleFactory> f = new EnumMap<>(Role.class);
        f.put(Role.WATCHER, Roles::watchers);
        f.put(Role.RELAYER, Roles::relayer);
        // f.put(Role.MONITOR, ...);  the monitor's services
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
        Map<Long, dev.crossbar.core.chain.ChainClient> clients = new java.util.HashMap<>();
        Map<Long, ChainConfig> chains = new java.util.HashMap<>();
        for (ChainConfig chain : c.chains()) {
            chains.put(chain.chainId(), chain);
            clients.put(chain.chainId(), new dev.crossbar.core.chain.ChainClient(chain.chainId(), chain.name(),
                    parts.rpc(chain.chainId())));
        }
        Map<Long, List<org.web3j.crypto.Credentials>> signers = new java.util.HashMap<>();
        for (var s : r.signers()) {
            signers.put(s.chainId(), s.keys().stream().map(k -> k.credentials(parts.env())).toList());
        }
        String instance = parts.env().apply("HOSTNAME");
        var settings = new dev.crossbar.relayer.RelayerSettings(r.group(), r.signerSlots(), r.confirmations(),
                new dev.crossbar.relayer.FeePolicy(r.fees().priorityFee(), r.fees().maxFeeCap(), r.fees().bumpPercent(),
                        r.fees().maxBumps(), r.fees().stuckAfter()),
                new dev.crossbar.core.policy.Backoff(r.retry().base(), r.retry().max(), r.retry().jitter()),
                r.retry().maxAttempts(), r.replay().maxAttempts(), r.replay().gasRaisePercent(),
                new dev.crossbar.relayer.RelayerSettings.Batching(r.batching().enabled(),
                        Math.max(2, r.batching().maxMessages()), r.batching().gasCap(), r.batching().multicall()),
                r.tick(), instance == null || instance.isBlank() ? null : "relayer-" + instance,
                java.time.Duration.ofSeconds(30));
        return List.of(new dev.crossbar.relayer.RelayerService(parts.store(),
                new dev.crossbar.relayer.Network(chains, clients), signers, settings, parts.kafka(),
                parts.config().kafka().topics(), new dev.crossbar.relayer.RelayerMetrics(parts.meters())));
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
