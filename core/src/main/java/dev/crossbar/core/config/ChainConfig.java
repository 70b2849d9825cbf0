package dev.crossbar.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One chain as every service sees it.
 *
 * @param name short name (l1, l2a, base-sepolia, ...), used in logs and metrics
 * @param rpc HTTP JSON-RPC endpoints, most preferred first (failover in this order)
 * @param ws WebSocket endpoints for new-head subscriptions (may be empty: then polling only)
 * @param confirmations how final a block must be before its events count
 * @param startBlock first block to read when there is no cursor yet (backfill)
 * @param pollInterval how often to poll the head when no subscription delivers it
 * @param maxBlockRange largest block range asked of {@code eth_getLogs} (it shrinks when a node refuses)
 * @param settlements for an L1: the contracts of each L2 that settles on it
 * @param l2Contracts for an L2: its contract addresses (the OP Stack predeploys by default)
 * @param settlesOn for an L2: the chain id of its L1
 */
public record ChainConfig(
        String name,
        long chainId,
        ChainRole role,
        List<URI> rpc,
        List<URI> ws,
        Confirmations confirmations,
        long startBlock,
        Duration pollInterval,
        int maxBlockRange,
        List<Settlement> settlements,
        L2Contracts l2Contracts,
        Long settlesOn) {

    public ChainConfig {
        Objects.requireNonNull(name, "name");
        rpc = List.copyOf(rpc);
        ws = ws == null ? List.of() : List.copyOf(ws);
        settlements = settlements == null ? List.of() : List.copyOf(settlements);
        if (rpc.isEmpty()) {
            throw new IllegalArgumentException("chain " + name + ": at least one rpc endpoint is needed");
        }
        if (maxBlockRange < 1) {
            throw new IllegalArgumentException("chain " + name + ": maxBlockRange must be at least 1");
        }
        if (role == ChainRole.L2 && (l2Contracts == null || settlesOn == null)) {
            throw new IllegalArgumentException("chain " + name + ": an L2 needs its contracts and the chain it settles on");
        }
    }

    /** An L2's contracts. */
    public record L2Contracts(String messagePasser, String l2Messenger, String l2ToL2Messenger,
            String depositExecutor) {}
}
