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
 * @param quorum how many of the endpoints must give the same logs (and hash of the range's last block) for a block
 *     range before the watcher records it: 1 reads each range from one endpoint; 2 or more cross-checks endpoints
 *     against each other, so that one that lies about logs cannot have anything recorded
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
        Long settlesOn,
        int quorum) {

    /** A chain whose ranges are read from one endpoint (quorum 1). */
    public ChainConfig(String name, long chainId, ChainRole role, List<URI> rpc, List<URI> ws,
            Confirmations confirmations, long startBlock, Duration pollInterval, int maxBlockRange,
            List<Settlement> settlements, L2Contracts l2Contracts, Long settlesOn) {
        this(name, chainId, role, rpc, ws, confirmations, startBlock, pollInterval, maxBlockRange, settlements,
                l2Contracts, settlesOn, 1);
    }

    public ChainConfig {
        Objects.requireNonNull(name, "name");
        rpc = List.copyOf(rpc);
        ws = ws == null ? List.of() : List.copyOf(ws);
        settlements = settlements == null ? List.of() : List.copyOf(settlements);
        if (rpc.isEmpty()) {
            throw new IllegalArgumentException("chain " + name + ": at least one rpc endpoint is needed");
        }
        if (quorum < 1 || quorum > rpc.size()) {
            throw new IllegalArgumentException("chain " + name + ": quorum must be between 1 and the number of rpc"
                    + " endpoints (" + rpc.size() + "), was " + quorum);
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
