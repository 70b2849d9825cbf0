package dev.crossbar.relayer;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Settlement;
import java.util.Map;
import java.util.NoSuchElementException;

/** The chains the relayer delivers to and from: their clients and their contracts. */
public record Network(Map<Long, ChainConfig> chains, Map<Long, EthApi> clients) {

    public Network {
        chains = Map.copyOf(chains);
        clients = Map.copyOf(clients);
    }

    public ChainConfig chain(long chainId) {
        ChainConfig c = chains.get(chainId);
        if (c == null) {
            throw new NoSuchElementException("chain " + chainId + " is not configured");
        }
        return c;
    }

    public EthApi client(long chainId) {
        EthApi c = clients.get(chainId);
        if (c == null) {
            throw new NoSuchElementException("no RPC client for chain " + chainId);
        }
        return c;
    }

    /** The contracts on its L1 of L2 {@code l2ChainId}. */
    public Settlement settlementOf(long l2ChainId) {
        long l1 = chain(l2ChainId).settlesOn();
        return chain(l1).settlements().stream().filter(s -> s.l2ChainId() == l2ChainId).findFirst()
                .orElseThrow(() -> new NoSuchElementException("L1 " + l1 + " lists no settlement for L2 " + l2ChainId));
    }

    public ChainConfig.L2Contracts l2Contracts(long l2ChainId) {
        ChainConfig c = chain(l2ChainId);
        if (c.role() != ChainRole.L2) {
            throw new IllegalArgumentException("chain " + l2ChainId + " is not an L2");
        }
        return c.l2Contracts();
    }

    public String name(long chainId) {
        ChainConfig c = chains.get(chainId);
        return c == null ? Long.toString(chainId) : c.name();
    }
}
