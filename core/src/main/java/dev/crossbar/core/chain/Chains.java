package dev.crossbar.core.chain;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Settlement;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The chain registry: every configured chain with its configuration and its client ({@link EthApi#connect}: its
 * endpoints with failover and retries), and the protocol's layout across them (which L1 an L2 settles on, the
 * contracts on each side). The relayer, the monitor and the watchers look chains up here and nowhere else.
 */
public final class Chains implements AutoCloseable {
    private final Map<Long, ChainConfig> configs;
    private final Map<Long, EthApi> clients;
    private final boolean owned;

    private Chains(Map<Long, ChainConfig> configs, Map<Long, EthApi> clients, boolean owned) {
        this.configs = configs;
        this.clients = clients;
        this.owned = owned;
    }

    /** Connects to every chain with clients of its own (closed by {@link #close()}). */
    public static Chains connect(Vertx vertx, List<ChainConfig> chains, Duration timeout, Duration cooldown) {
        Map<Long, ChainConfig> configs = new LinkedHashMap<>();
        Map<Long, EthApi> clients = new LinkedHashMap<>();
        try {
            for (ChainConfig c : chains) {
                configs.put(c.chainId(), c);
                clients.put(c.chainId(), EthApi.connect(vertx, c, timeout, cooldown));
            }
        } catch (RuntimeException e) {
            clients.values().forEach(EthApi::close);
            throw e;
        }
        return new Chains(configs, clients, true);
    }

    /** {@link #connect(Vertx, List, Duration, Duration)} with the clients' default timeout and cooldown. */
    public static Chains connect(Vertx vertx, List<ChainConfig> chains) {
        return connect(vertx, chains, EthApi.DEFAULT_TIMEOUT, EthApi.DEFAULT_COOLDOWN);
    }

    /** Chains with given clients, which stay their owner's (a test's, or another registry's). */
    public static Chains of(Collection<ChainConfig> chains, Map<Long, EthApi> clients) {
        Map<Long, ChainConfig> configs = new LinkedHashMap<>();
        chains.forEach(c -> configs.put(c.chainId(), c));
        return new Chains(configs, new LinkedHashMap<>(clients), false);
    }

    public List<ChainConfig> all() {
        return List.copyOf(configs.values());
    }

    public List<ChainConfig> l2s() {
        return configs.values().stream().filter(c -> c.role() == ChainRole.L2).toList();
    }

    public boolean has(long chainId) {
        return configs.containsKey(chainId);
    }

    public ChainConfig chain(long chainId) {
        ChainConfig c = configs.get(chainId);
        if (c == null) {
            throw new NoSuchElementException("chain " + chainId + " is not configured");
        }
        return c;
    }

    /** The chain's name, or its id when it is not configured (for logs). */
    public String name(long chainId) {
        ChainConfig c = configs.get(chainId);
        return c == null ? Long.toString(chainId) : c.name();
    }

    /** The chain's client: its configured endpoints with failover and retries. */
    public EthApi client(long chainId) {
        chain(chainId);
        EthApi c = clients.get(chainId);
        if (c == null) {
            throw new NoSuchElementException("no client for chain " + name(chainId));
        }
        return c;
    }

    /** The L1 an L2 settles on. */
    public long l1Of(long l2ChainId) {
        Long l1 = chain(l2ChainId).settlesOn();
        if (l1 == null) {
            throw new IllegalArgumentException("chain " + name(l2ChainId) + " is not an L2");
        }
        return l1;
    }

    /** The contracts on its L1 of L2 {@code l2ChainId}. */
    public Settlement settlementOf(long l2ChainId) {
        long l1 = l1Of(l2ChainId);
        return chain(l1).settlements().stream().filter(s -> s.l2ChainId() == l2ChainId).findFirst()
                .orElseThrow(() -> new NoSuchElementException("L1 " + l1 + " lists no settlement for L2 " + l2ChainId));
    }

    /** The protocol's contracts on L2 {@code l2ChainId}. */
    public ChainConfig.L2Contracts l2Contracts(long l2ChainId) {
        ChainConfig c = chain(l2ChainId);
        if (c.role() != ChainRole.L2) {
            throw new IllegalArgumentException("chain " + c.name() + " is not an L2");
        }
        return c.l2Contracts();
    }

    /** Closes the clients this registry made ({@link #connect}); given ones stay open. */
    @Override
    public void close() {
        if (owned) {
            new ArrayList<>(clients.values()).forEach(EthApi::close);
        }
    }
}
