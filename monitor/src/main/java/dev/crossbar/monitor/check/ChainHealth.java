package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.monitor.ChainChecks;
import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.Consensus;
import dev.crossbar.monitor.chain.Witnesses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chain's liveness and stability, from its head as the monitor polls it. Rules:
 * <ul>
 *   <li><b>halt</b>: no new block for {@code haltAfter} (wall clock, since the monitor last saw the head move, on any
 *       of the chain's endpoints: one stuck node is not a halted chain) is CHAIN_HALTED; resolved when the head moves
 *       again; endpoints that do not answer make no finding;</li>
 *   <li><b>reorg</b>: the monitor remembers the hashes of the chain's recent blocks; when the block at its
 *       remembered tip has another hash, it walks back to the newest block whose hash is unchanged (the fork point).
 *       Replacing more than {@code safeReorgDepth} blocks is DEEP_REORG, once every endpoint that has the old tip's
 *       height agrees it is replaced; a shallower reorg is only logged.</li>
 * </ul>
 * Not thread-safe: the patrol owns it.
 */
public final class ChainHealth {
    private static final Logger log = LoggerFactory.getLogger(ChainHealth.class);
    /** Rounds a deep reorg seen on one endpoint waits for the others to show it before it is dropped. */
    private static final int SUSPECT_ROUNDS = 20;

    private final long chainId;
    private final String name;
    private final EthApi endpoint;
    private final Witnesses witnesses;
    private final FindingSink findings;
    private final Clock clock;
    private final TreeMap<Long, String> seen = new TreeMap<>();
    private long head = -1;
    private Instant movedAt;
    private Suspect suspect;

    /**
     * @param endpoint the chain's client (its configured endpoints with failover): where the block hashes are read
     * @param witnesses every endpoint of the chain: the head is the highest any of them reports, and a deep reorg
     *     is reported once they all agree
     */
    public ChainHealth(long chainId, String name, EthApi endpoint, Witnesses witnesses, FindingSink findings,
            Clock clock) {
        this.chainId = chainId;
        this.name = name;
        this.endpoint = endpoint;
        this.witnesses = witnesses;
        this.findings = findings;
        this.clock = clock;
    }

    /** The head seen at the last round (-1 before the first). */
    public long head() {
        return head;
    }

    /** One round: reads the head, then looks for a halt and a reorg. */
    public void check(ChainChecks checks) {
        long now = highestHead();
        Instant t = clock.instant();
        if (now > head || movedAt == null) {
            movedAt = t;
            if (head >= 0 && checks.runs(Check.HALTS)) {
                findings.clear(FindingKind.CHAIN_HALTED, chainId, null, name + " produces blocks again (at " + now
                        + ")");
            }
        }
        head = Math.max(head, now);
        if (checks.runs(Check.HALTS)) {
            Duration still = Duration.between(movedAt, t);
            if (still.compareTo(checks.haltAfter()) > 0) {
                findings.report(new Observation(FindingKind.CHAIN_HALTED, chainId, "CHAIN_HALTED:" + chainId + ":"
                        + head, name + " produced no block for " + still.toSeconds() + "s (head " + head + ")",
                        evidence("chain", name, "block", head, "lastNewBlockAt", movedAt, "stillFor",
                                still.toSeconds() + "s", "expected", "a new block at least every "
                                        + checks.haltAfter().toSeconds() + "s", "seen", "none since " + movedAt)));
            }
        }
        if (checks.runs(Check.REORGS)) {
            confirmSuspect();
            checkReorg(endpoint.blockNumber(), checks.safeReorgDepth());
        }
    }

    /** The highest head any endpoint reports; fails when none answers. */
    private long highestHead() {
        long best = -1;
        RuntimeException last = null;
        for (EthApi e : witnesses.endpoints()) {
            try {
                best = Math.max(best, e.blockNumber());
            } catch (RuntimeException ex) {
                last = ex;
            }
        }
        if (best < 0) {
            throw last != null ? last : new IllegalStateException(name + ": no endpoint answered its head");
        }
        return best;
    }

    private void checkReorg(long now, int safeDepth) {
        int keep = Math.max(64, 2 * safeDepth + 8);
        if (!seen.isEmpty()) {
            long tip = seen.lastKey();
            Optional<EthApi.Header> atTip = endpoint.findHeader(tip);
            if (atTip.isPresent() && !atTip.get().hash().equalsIgnoreCase(seen.get(tip))) {
                reorged(tip, safeDepth);
            } else if (atTip.isEmpty() && now >= tip) {
                return; // the endpoint answered a head but not the block: ask again next round
            }
        }
        long from = seen.isEmpty() ? Math.max(0, now - 2L * safeDepth - 1) : Math.max(seen.lastKey() + 1,
                now - keep + 1);
        for (long n = from; n <= now; n++) {
            Optional<EthApi.Header> h = endpoint.findHeader(n);
            if (h.isEmpty()) {
                break;
            }
            seen.put(n, h.get().hash());
        }
        while (seen.size() > keep) {
            seen.pollFirstEntry();
        }
    }

    /** Whether every endpoint that has block {@code tip} has another block there than {@code oldTip}. */
    private boolean confirmed(long tip, String oldTip) {
        Consensus<Boolean> replaced = witnesses.at(tip, false, e -> e.findHeader(tip)
                .map(h -> !h.hash().equalsIgnoreCase(oldTip)).orElse(null));
        return replaced instanceof Consensus.Agreed<Boolean> a && a.value();
    }

    private void reorged(long tip, int safeDepth) {
        String oldTip = seen.get(tip);
        long fork = -1;
        for (Map.Entry<Long, String> e : seen.descendingMap().entrySet()) {
            Optional<EthApi.Header> h = endpoint.findHeader(e.getKey());
            if (h.isPresent() && h.get().hash().equalsIgnoreCase(e.getValue())) {
                fork = e.getKey();
                break;
            }
        }
        boolean bounded = fork >= 0;
        long depth = bounded ? tip - fork : tip - seen.firstKey() + 1;
        seen.tailMap(bounded ? fork + 1 : seen.firstKey(), true).clear();
        log.info("reorg seen chain={} oldTip={} forkBlock={} depth={}{} safeDepth={}", name, tip,
                bounded ? fork : "unknown", depth, bounded ? "" : "+", safeDepth);
        if (depth > safeDepth) {
            suspect = new Suspect(tip, oldTip, depth, bounded ? Long.toString(fork) : "older than " + seen.size()
                    + " remembered blocks", bounded ? "" : "+", safeDepth, 0);
            confirmSuspect();
        }
    }

    /** A deep reorg seen on the primary endpoint, reported once every endpoint shows it (asked for some rounds). */
    private record Suspect(long tip, String oldTip, long depth, String fork, String more, int safeDepth, int rounds) {}

    private void confirmSuspect() {
        Suspect x = suspect;
        if (x == null) {
            return;
        }
        if (!confirmed(x.tip(), x.oldTip())) {
            suspect = x.rounds() >= SUSPECT_ROUNDS ? null : new Suspect(x.tip(), x.oldTip(), x.depth(), x.fork(),
                    x.more(), x.safeDepth(), x.rounds() + 1);
            log.warn("deep reorg not confirmed by every endpoint yet chain={} block={} oldTipHash={} round={}", name,
                    x.tip(), x.oldTip(), x.rounds());
            return;
        }
        suspect = null;
        String depth = x.depth() + x.more();
        findings.report(new Observation(FindingKind.DEEP_REORG, chainId, "DEEP_REORG:" + chainId + ":" + x.tip() + ":"
                + x.oldTip(), name + " reorged " + depth + " blocks deep (safe depth " + x.safeDepth() + ")",
                evidence("chain", name, "block", x.tip(), "oldTipHash", x.oldTip(), "forkBlock", x.fork(),
                        "depth", depth, "expected", "reorgs of at most " + x.safeDepth() + " blocks",
                        "seen", depth + " blocks replaced")));
    }
}
