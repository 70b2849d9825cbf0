package dev.crossbar.monitor.chain;

import dev.crossbar.core.rpc.RpcException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Tells a node that no longer has the state of an old block (pruned, or restarted without its history) from one
 * that failed for another reason. Such a node has reached the block and answers, with an error: asking it again
 * will not help, another endpoint (an archive node) may. The messages are the nodes' own:
 * <ul>
 *   <li>anvil ({@code --prune-history}, or restarted from a state file): {@code BlockOutOfRangeError: block height is
 *       20 but requested was 2} (code -32602);</li>
 *   <li>geth: {@code missing trie node ...}, {@code historical state ... is not available};</li>
 *   <li>reth: {@code distance to target block exceeds maximum proof window}; others: "state not available",
 *       "pruned".</li>
 * </ul>
 * Only a node's answer counts: a timeout or a refused connection is an endpoint down, not missing state.
 */
public final class MissingState {
    private static final List<String> SIGNS = List.of("blockoutofrange", "missing trie node", "historical state",
            "state not available", "state is not available", "state unavailable", "state is pruned", "pruned state",
            "proof window");

    private MissingState() {}

    /** The node's message when {@code e} says it no longer has the state asked about; empty otherwise. */
    public static Optional<String> of(Throwable e) {
        if (!(e instanceof RpcException.Remote remote)) {
            return Optional.empty();
        }
        String m = remote.remoteMessage().toLowerCase(Locale.ROOT);
        return SIGNS.stream().anyMatch(m::contains) ? Optional.of(remote.remoteMessage()) : Optional.empty();
    }
}
