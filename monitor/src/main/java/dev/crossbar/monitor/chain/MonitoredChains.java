package dev.crossbar.monitor.chain;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Settlement;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chains the monitor watches: a chain registry of its own ({@link Chains}: each chain's configuration and a
 * client, the configured endpoints with failover, what the monitor's transactions and L1 reads go through) and each
 * chain's {@link Witnesses} (every endpoint on its own, the configured ones and the extra ones, for cross-checked
 * reads).
 */
public final class MonitoredChains implements AutoCloseable {
    /** How long one endpoint may take to answer: a slow endpoint must not hold a check up for long. */
    private static final Duration ENDPOINT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration ENDPOINT_COOLDOWN = Duration.ofSeconds(2);
    private final Chains chains;
    private final Map<Long, Witnesses> witnesses;
    private final List<EthApi> owned;

    private MonitoredChains(Chains chains, Map<Long, Witnesses> witnesses, List<EthApi> owned) {
        this.chains = chains;
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
    public static MonitoredChains connect(Vertx vertx, List<ChainConfig> configs, Map<Long, List<URI>> extraRpc) {
        Chains chains = Chains.connect(vertx, configs, ENDPOINT_TIMEOUT, ENDPOINT_COOLDOWN);
        Map<Long, Witnesses> witnesses = new LinkedHashMap<>();
        List<EthApi> owned = new ArrayList<>();
        try {
            for (ChainConfig c : configs) {
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
        } catch (RuntimeException e) {
            owned.forEach(EthApi::close);
            chains.close();
            throw e;
        }
        return new MonitoredChains(chains, witnesses, owned);
    }

    /** For tests of the code above this class: given clients and witnesses, none of its own. */
    public static MonitoredChains of(List<ChainConfig> configs, Map<Long, EthApi> clients,
            Map<Long, Witnesses> witnesses) {
        return new MonitoredChains(Chains.of(configs, clients), Map.copyOf(witnesses), List.of());
    }

    public List<ChainConfig> all() {
        return chains.all();
    }

    public List<ChainConfig> l2s() {
        return chains.l2s();
    }

    public boolean has(long chainId) {
        return chains.has(chainId);
    }

    public ChainConfig chain(long chainId) {
        return chains.chain(chainId);
    }

    public String name(long chainId) {
        return chains.name(chainId);
    }

    /** The chain's configured endpoints with failover. */
    public EthApi client(long chainId) {
        return chains.client(chainId);
    }

    /** Every endpoint of the chain on its own, for cross-checked reads. */
    public Witnesses witnesses(long chainId) {
        chains.chain(chainId);
        return witnesses.get(chainId);
    }

    public long l1Of(long l2ChainId) {
        return chains.l1Of(l2ChainId);
    }

    /**
     * Whether {@code check} applies to chain {@code chainId}: not a check of the output-oracle contracts on an L2
     * that settles through dispute games.
     */
    public boolean applies(long chainId, dev.crossbar.monitor.Check check) {
        return !(check.outputOracleOnly() && chains.chain(chainId).role() == dev.crossbar.core.config.ChainRole.L2
                && settlementOf(chainId).disputeGames());
    }

    public Settlement settlementOf(long l2ChainId) {
        return chains.settlementOf(l2ChainId);
    }

    @Override
    public void close() {
        owned.forEach(EthApi::close);
        chains.close();
    }
}
