package dev.crossbar.monitor.check;

import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.monitor.chain.MonitoredChains;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The challenge windows of the L2s, as their OutputOracles on L1 define them ({@code FINALIZATION_PERIOD_SECONDS},
 * read once per L2: it is immutable), and the L1 clock they run on (the latest L1 block's timestamp).
 */
public final class Windows {
    private final MonitoredChains chains;
    private final Map<Long, Long> periods = new ConcurrentHashMap<>();

    public Windows(MonitoredChains chains) {
        this.chains = chains;
    }

    /** The challenge window of L2 {@code l2ChainId}, in seconds. */
    public long period(long l2ChainId) {
        return periods.computeIfAbsent(l2ChainId, id -> ProtocolViews.finalizationPeriod(
                chains.client(chains.l1Of(id)), chains.settlementOf(id).outputOracle()));
    }

    /** The L1 time now (seconds): the timestamp of the L1's latest block. */
    public long l1Now(long l2ChainId) {
        return chains.client(chains.l1Of(l2ChainId)).latest().timestamp();
    }

    /** A unix time in seconds as ISO-8601, for evidence. */
    public static String iso(long seconds) {
        return Instant.ofEpochSecond(seconds).toString();
    }
}
