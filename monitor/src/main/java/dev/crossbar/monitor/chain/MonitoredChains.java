package dev.crossbar.monitor.chain;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Settlement;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The chains the monitor watches: each with its configuration, a client (the configured endpoints with failover:
 * what the monitor's transactions and L1 reads go through) and its {@link Witnesses} (every endpoint on its own, the
 * configured ones and the extra ones, for cross-checked reads).
 */
public final class MonitoredChains implements AutoCloseable {
    /** How long one endpoint may take to answer: a slow endpoint must not hold a check up for long. */
    private static final Duration ENDPOINT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration ENDPOINT_COOLDOWN = Duration.ofSeconds(2);
    private final Map<Long, ChainConfig> configs;
    private final Map<Long, EthApi> clients;
    private final Map<Long, Witnesses> witnesses;
    private final List<EthApi> owned;

    private MonitoredChains(Map<Long, ChainConfig> configs, Map<Long, EthApi> clients, Map<Long, Witnesses> witnesses,
            List<EthApi> owned) {
        this.configs = configs;
        this.clients = clients;
        this.witnesses = witnesses;
        this.owned = owned;
    }

    /**
     * Connects to every chain with clients of the monitor's own (its checks and actions are not delayed by what
     * other parts of the process ask the same endpoints), closed by {@link #close()}. A witness is named
     * {@code <chain>#<position>}, never by its URL (it may hold a key).
     *
     * @param extraRpc more endpoints per chain id, to cross-check the configured ones
     */
    public static MonitoredChains connect(Vertx vertx, List<ChainConfig> chains, Map<Long, List<URI>> extraRpc) {
        Map<Long, ChainConfig> configs = new LinkedHashMap<>();
        Map<Long, EthApi> clients = new LinkedHashMap<>();
        Map<Long, Witnesses> witnesses = new LinkedHashMap<>();
        List<EthApi> owned = new ArrayList<>();
        for (ChainConfig c : chains) {
            configs.put(c.chainId(), c);
            EthApi client = EthApi.connect(vertx, c, ENDPOINT_TIMEOUT, ENDPOINT_COOLDOWN);
            owned.add(client);
            clients.put(c.chainId(), client);
            List<URI> urls = new ArrayList<>(c.rpc());
            urls.addAll(extraRpc.getOrDefault(c.chainId(), List.of()));
            List<EthApi> endpoints = new ArrayList<>();
            for (int i = 0; i < urls.size(); i++) {
                EthApi one = EthApi.connect(vertx, c.chainId(), c.name() + "#" + i, List.of(urls.get(i)),
                        ENDPOINT_TIMEOUT, ENDPOINT_COOLDOWN);
                owned.add(one);
                endpoints.add(one);
            }
            witnesses.put(c.chainId(), new Witnesses(c.name(), endpoints));
        }
        return new MonitoredChains(configs, clients, witnesses, owned);
    }

    /** For tests of the code above this class: given clients and witnesses, none of its own. */
    public static MonitoredChains of(List<ChainConfig> chains, Map<Long, EthApi> clients,
            Map<Long, Witnesses> witnesses) {
        Map<Long, ChainConfig> configs = new LinkedHashMap<>();
        chains.forEach(c -> configs.put(c.chainId(), c));
        return new MonitoredChains(configs, Map.copyOf(clients), Map.copyOf(witnesses), List.of());
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

    public String name(long chainId) {
        ChainConfig c = configs.get(chainId);
        return c == null ? Long.toString(chainId) : c.name();
    }

    /** The chain's configured endpoints with failover. */
    public EthApi client(long chainId) {
        chain(chainId);
        return clients.get(chainId);
    }

    public Witnesses witnesses(long chainId) {
        chain(chainId);
        return witnesses.get(chainId);
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

    @Override
    public void close() {
        owned.forEach(EthApi::close);
    }
}
