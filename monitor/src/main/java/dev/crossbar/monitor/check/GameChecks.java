package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.act.ActionSender;
import dev.crossbar.monitor.chain.Consensus;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.GameClaim;
import dev.crossbar.store.GameClocks;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rule: every dispute game's root claim is the output root of its L2 block as the L2 reports it, recomputed on every
 * L2 endpoint (block header and {@code eth_getProof} of the message passer; endpoints that have not reached the block
 * hold the verdict back, up to the tolerance). The verdict goes into the store, where the relayer reads it (it never
 * proves against an invalid root). A false root in a game in progress is an INVALID_ROOT_CLAIM; a game that resolved
 * against its verdict (DEFENDER_WINS with a false root, CHALLENGER_WINS with a true one) is a WRONG_RESOLUTION.
 */
public final class GameChecks {
    private static final Logger log = LoggerFactory.getLogger(GameChecks.class);
    /** Who the verdicts of this check are recorded as. */
    public static final String BY = "monitor";
    private static final int SCAN = 200;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final FindingSink findings;
    private final Duration tolerance;
    private final double margin;
    private final LongFunction<String> challengerOf;
    private final LongFunction<Optional<ActionSender>> guardianOf;
    private final Windows windows;
    private final Clock clock;
    /**
     * The verdicts this monitor gave since it started, by game: the store keeps the first party's name on a verdict
     * another party confirms (the relayer's check often comes first), so without this the game would be checked again
     * every round.
     */
    private final Map<String, String> given = new ConcurrentHashMap<>();
    /** Games without a verdict of ours this monitor has tried since it started, and when it first did. */
    private final Map<String, Instant> firstTried = new ConcurrentHashMap<>();

    /**
     * @param challengeMargin a false root is at risk once less than this fraction of its clock is left uncountered
     * @param challengerOf the challenger key's address on an L1 (by chain id), or null when the monitor has none
     * @param guardianOf the guardian key's sender on an L1 (by chain id), if the monitor has one: it blacklists a game
     *     whose false root won
     */
    public GameChecks(MonitoredChains chains, MessageStore store, FindingSink findings, Duration tolerance,
            double challengeMargin, LongFunction<String> challengerOf,
            LongFunction<Optional<ActionSender>> guardianOf,
            Windows windows, Clock clock) {
        this.chains = chains;
        this.store = store;
        this.findings = findings;
        this.tolerance = tolerance;
        this.margin = challengeMargin;
        this.challengerOf = challengerOf;
        this.guardianOf = guardianOf;
        this.windows = windows;
        this.clock = clock;
    }

    /** Checks the newest games of {@code l2}: verdicts for those without one of ours, findings from verdicts. */
    public int verify(long l2) {
        int done = 0;
        Set<String> atRisk = new HashSet<>();
        String us = challengerOf.apply(chains.l1Of(l2));
        Long now = null;
        for (GameRecord g : store.games(new GameQuery(l2, null, null, SCAN))) {
            try {
                if (!checkedByUs(g) && verdict(g)) {
                    done++;
                    g = store.gameAt(g.address()).orElse(g);
                }
                judge(g);
                if (g.status() != GameRecord.Status.IN_PROGRESS && "INVALID".equals(g.verdict())) {
                    over(g, us);
                }
                if (g.blacklisted()) {
                    blacklisted(g);
                }
                if (g.status() == GameRecord.Status.IN_PROGRESS && "INVALID".equals(g.verdict())) {
                    now = now == null ? windows.l1Now(l2) : now;
                    if (atRisk(g, now, us)) {
                        atRisk.add(AT_RISK + g.address());
                    }
                }
            } catch (RuntimeException e) {
                log.warn("game check failed chain={} game={} index={} error=\"{}\"", chains.name(l2), g.address(),
                        g.index(), e.toString());
            }
        }
        findings.clearIf(FindingKind.GAME_AT_RISK, l2, k -> !atRisk.contains(k), "the false claims of the game are"
                + " countered, or it is over");
        respectedType(l2);
        return done;
    }

    /**
     * The respected game type changed (the portal's {@code respectedGameTypeUpdatedAt} is later than games the store
     * holds, so it was set after they were made; its first setting at the portal's initialization predates every
     * game): informational, naming the games from before, which prove nothing any more, and the withdrawals proven
     * against them, which the relayer proves again.
     */
    private void respectedType(long l2) {
        var rules = FaultProofViews.rules(chains.client(chains.l1Of(l2)), chains.settlementOf(l2).portal());
        long changedAt = rules.respectedGameTypeUpdatedAt();
        String key = "RESPECTED_TYPE_CHANGED:" + l2 + ":" + changedAt;
        if (findings.isOpen(key)) {
            return;
        }
        List<GameRecord> before = store.games(new GameQuery(l2, null, null, SCAN)).stream()
                .filter(g -> g.createdAt() < changedAt).toList();
        if (before.isEmpty()) {
            return;
        }
        Set<String> old = new HashSet<>();
        before.forEach(g -> old.add(g.address().toLowerCase()));
        List<String> affected = store.messages(new MessageQuery(Set.of(MessageState.PROVEN, MessageState.IN_WINDOW,
                MessageState.READY), Set.of(MessageKind.WITHDRAWAL), null, l2, null, null, 1000)).stream()
                .filter(m -> {
                    String game = m.details().get(MessageDetails.PROVEN_GAME);
                    return game != null && old.contains(game.toLowerCase());
                }).map(MessageRecord::id).toList();
        long inProgress = before.stream().filter(g -> g.status() == GameRecord.Status.IN_PROGRESS).count();
        findings.report(new Observation(FindingKind.RESPECTED_TYPE_CHANGED, l2, key, "the respected game type of "
                + chains.name(l2) + " was set to " + rules.respectedGameType() + " at " + Windows.iso(changedAt)
                + ": " + before.size() + " earlier games no longer prove withdrawals", evidence("chain",
                chains.name(l2), "respectedGameType", rules.respectedGameType(), "changedAt", Windows.iso(changedAt),
                "gamesBefore", before.size(), "gamesBeforeInProgress", inProgress, "games", before.stream().limit(5)
                        .map(GameRecord::address).toList(), "withdrawalsToProveAgain", affected.size(),
                "withdrawals", affected.stream().limit(5).toList())));
    }

    private static final String AT_RISK = "GAME_AT_RISK:";

    /**
     * A blacklisted game (informational): nothing finalizes against it any more; the withdrawals proven against it are
     * proven again by the relayer. The evidence names them, those the relayer holds behind the chain's breaker too (a
     * game blacklisted after a WRONG_RESOLUTION, which trips it).
     */
    private void blacklisted(GameRecord g) {
        List<String> affected = store.messages(new MessageQuery(Set.of(MessageState.PROVEN, MessageState.IN_WINDOW,
                MessageState.READY, MessageState.COMMITTED, MessageState.BLOCKED), Set.of(MessageKind.WITHDRAWAL), null,
                g.l2ChainId(), null, null, 1000)).stream().filter(m -> g.address().equalsIgnoreCase(m.details().get(
                        MessageDetails.PROVEN_GAME))).map(MessageRecord::id).toList();
        findings.report(new Observation(FindingKind.BLACKLISTED_GAME, g.l2ChainId(), "BLACKLISTED_GAME:"
                + g.address(), "dispute game " + g.index() + " of " + chains.name(g.l2ChainId())
                + " is blacklisted", evidence("chain", chains.name(g.l2ChainId()), "game", g.address(), "index",
                        g.index(), "status", g.status(), "verdict", g.verdict() == null ? "unknown" : g.verdict(),
                        "withdrawalsProvenAgainstIt", affected.size(), "withdrawals", affected.stream().limit(5)
                                .toList())));
    }

    /**
     * A false root that won must not finalize withdrawals: the guardian blacklists the game on the portal (before the
     * airgap ends). With the guardian key the monitor sends it (once; nothing when the game is blacklisted already);
     * without it, the transaction is in the finding's evidence, ready for an operator to send.
     */
    private String blacklist(GameRecord g) {
        long l1 = chains.l1Of(g.l2ChainId());
        String portal = chains.settlementOf(g.l2ChainId()).portal();
        if (FaultProofViews.blacklisted(chains.client(l1), portal, g.address())) {
            return "blacklisted on " + portal;
        }
        String data = FaultProofViews.portal2(portal).blacklistDisputeGame(g.address())
                .encodeFunctionCall();
        Optional<ActionSender> guardian = guardianOf.apply(l1);
        if (guardian.isEmpty()) {
            return "prepared for the guardian: to " + portal + " data " + data;
        }
        var result = guardian.get().send(TxPurpose.BLACKLIST, "blacklist:" + g.address(),
                portal, data);
        String outcome = switch (result) {
            case ActionSender.Result.Sent sent -> "sent in " + sent.tx().txHash();
            case ActionSender.Result.InFlight inFlight -> "in flight";
            case ActionSender.Result.Refused refused -> "refused: " + refused.reason();
        };
        return "blacklistDisputeGame(" + g.address() + ") on " + portal + " with the guardian key: " + outcome;
    }

    /**
     * A game with a false root is at risk when a false claim in it is left uncountered by us with less than the margin
     * of its clock: the challengers' clock against it is what runs out ({@link GameClocks}). Reported with the game,
     * the time left and our moves so far.
     */
    private boolean atRisk(GameRecord g, long now, String us) {
        if (g.maxClockDuration() == null) {
            return false;
        }
        List<GameClaim> claims = store.claims(g.address());
        Long left = GameClocks.of(claims, g.maxClockDuration(), now, c -> c.byDefender()
                && (us == null || !us.equalsIgnoreCase(c.claimant()))).timeLeftSeconds();
        if (left == null || left >= g.maxClockDuration() * margin) {
            return false;
        }
        long ours = us == null ? 0 : claims.stream().filter(c -> us.equalsIgnoreCase(c.claimant())).count();
        findings.report(new Observation(FindingKind.GAME_AT_RISK, g.l2ChainId(), AT_RISK + g.address(),
                "dispute game " + g.index() + " of " + chains.name(g.l2ChainId()) + " has a false claim uncountered"
                        + " with " + left + "s left on the clock", evidence("chain", chains.name(g.l2ChainId()),
                        "game", g.address(), "index", g.index(), "rootClaim", g.rootClaim(), "verdict", g.verdict(),
                        "timeLeftSeconds", left, "maxClockDurationSeconds", g.maxClockDuration(), "challenger",
                        us == null ? "none configured" : us, "ourMoves", ours, "claims", claims.size())));
        return true;
    }

    /** Whether the store's verdict on the game is ours: recorded by us, or the one we gave since we started. */
    private boolean checkedByUs(GameRecord g) {
        return BY.equals(g.verdictBy()) || (g.verdict() != null && g.verdict().equals(given.get(g.address()
                .toLowerCase())));
    }

    /** Recomputes the game's root claim on the L2's endpoints; true when that gave a verdict. */
    private boolean verdict(GameRecord g) {
        Instant first = firstTried.computeIfAbsent(g.address(), k -> clock.instant());
        boolean waited = Duration.between(first, clock.instant()).compareTo(tolerance) >= 0;
        String passer = chains.chain(g.l2ChainId()).l2Contracts().messagePasser();
        Consensus<String> computed = chains.witnesses(g.l2ChainId()).at(g.l2BlockNumber(), !waited,
                e -> OutputChecks.root(e, passer, g.l2BlockNumber()));
        switch (computed) {
            case Consensus.Agreed<String> a -> {
                boolean valid = a.value().equalsIgnoreCase(g.rootClaim());
                record(g, valid, "the output root of L2 block " + g.l2BlockNumber() + " is " + a.value() + " on "
                        + a.endpoints(), a.value(), a.endpoints());
                return true;
            }
            case Consensus.Disagreed<String> d -> {
                if (waited) {
                    findings.report(new Observation(FindingKind.ENDPOINTS_DISAGREE, g.l2ChainId(),
                            "ENDPOINTS_DISAGREE:game:" + g.address(), "the endpoints of " + chains.name(g.l2ChainId())
                                    + " compute different output roots for L2 block " + g.l2BlockNumber(),
                            evidence("chain", chains.name(g.l2ChainId()), "game", g.address(), "l2Block",
                                    g.l2BlockNumber(), "claimed", g.rootClaim(), "computed", d.answers())));
                }
                return false;
            }
            case Consensus.Pending<String> p -> {
                Long head = waited ? newestHead(g.l2ChainId()) : null;
                if (head != null && head < g.l2BlockNumber()) {
                    // No endpoint has the block after the tolerance: a root for a block the L2 has not made cannot be
                    // the L2's (an output root commits to the block's hash). The player counters it.
                    record(g, false, "L2 block " + g.l2BlockNumber() + " is past the head of every endpoint ("
                            + head + ") after " + tolerance.toSeconds() + "s: no output root exists for it",
                            "none: L2 block " + g.l2BlockNumber() + " does not exist yet (head " + head + ")",
                            chains.witnesses(g.l2ChainId()).endpoints().stream().map(e -> e.name()).toList());
                    return true;
                }
                log.debug("game not checked yet chain={} game={} reason=\"{}\"", chains.name(g.l2ChainId()),
                        g.address(), p.reason());
                return false;
            }
        }
    }

    /** Records our verdict on the game; a false root is an INVALID_ROOT_CLAIM. */
    private void record(GameRecord g, boolean valid, String detail, String expected, List<String> endpoints) {
        store.recordGameVerdict(g.address(), valid, detail, BY);
        given.put(g.address().toLowerCase(), valid ? "VALID" : "INVALID");
        firstTried.remove(g.address());
        log.info("game checked chain={} index={} game={} l2Block={} verdict={} endpoints={}",
                chains.name(g.l2ChainId()), g.index(), g.address(), g.l2BlockNumber(), valid ? "VALID" : "INVALID",
                endpoints);
        if (!valid) {
            findings.report(new Observation(FindingKind.INVALID_ROOT_CLAIM, g.l2ChainId(),
                    "INVALID_ROOT_CLAIM:" + g.address(), "dispute game " + g.index() + " of "
                            + chains.name(g.l2ChainId()) + " claims a root that L2 block " + g.l2BlockNumber()
                            + " does not have", evidence("chain", chains.name(g.l2ChainId()), "game",
                            g.address(), "index", g.index(), "gameType", g.gameType(), "l2Block",
                            g.l2BlockNumber(), "expected", expected, "seen", g.rootClaim(), "endpoints",
                            endpoints, "status", g.status(), "createdAt", Windows.iso(g.createdAt()))));
        }
    }

    /** The newest head among the L2's endpoints, or null when one of them does not answer (nothing concluded). */
    private Long newestHead(long l2) {
        long newest = -1;
        for (var e : chains.witnesses(l2).endpoints()) {
            try {
                newest = Math.max(newest, e.blockNumber());
            } catch (RuntimeException ex) {
                return null;
            }
        }
        return newest < 0 ? null : newest;
    }

    /**
     * A game with a false root is over: its INVALID_ROOT_CLAIM is resolved, saying how it ended and with which of the
     * challenger key's moves (claim, depth, bond), which the resolved alert carries.
     */
    private void over(GameRecord g, String us) {
        String key = "INVALID_ROOT_CLAIM:" + g.address();
        if (!findings.isOpen(key)) {
            return;
        }
        List<String> moves = us == null ? List.of() : store.claims(g.address()).stream()
                .filter(c -> us.equalsIgnoreCase(c.claimant()))
                .map(c -> "claim " + c.claimIndex() + " (depth " + (c.position().bitLength() - 1) + ", bond "
                        + c.bond() + " wei)").toList();
        String outcome = g.status() == GameRecord.Status.CHALLENGER_WINS ? "the false root lost" : "the false root won"
                + " (WRONG_RESOLUTION)";
        findings.clearIf(FindingKind.INVALID_ROOT_CLAIM, g.l2ChainId(), key::equals, "game resolved " + g.status()
                + ": " + outcome + "; the challenger key's moves: " + (moves.isEmpty() ? "none" : moves.size() + ": "
                        + String.join(", ", moves)));
    }

    /** A resolution against our verdict is a WRONG_RESOLUTION (critical: withdrawals are at stake). */
    private void judge(GameRecord g) {
        if (!checkedByUs(g) || g.status() == GameRecord.Status.IN_PROGRESS) {
            return;
        }
        boolean valid = "VALID".equals(g.verdict());
        boolean wrong = valid ? g.status() == GameRecord.Status.CHALLENGER_WINS
                : g.status() == GameRecord.Status.DEFENDER_WINS;
        if (wrong) {
            String action = valid ? "none needed: withdrawals proven against it are proven again by the relayer"
                    : blacklist(g);
            findings.report(new Observation(FindingKind.WRONG_RESOLUTION, g.l2ChainId(),
                    "WRONG_RESOLUTION:" + g.address(), "dispute game " + g.index() + " of "
                            + chains.name(g.l2ChainId()) + " resolved " + g.status() + " although its root claim is "
                            + (valid ? "true" : "false"), evidence("chain", chains.name(g.l2ChainId()), "game",
                            g.address(), "index", g.index(), "gameType", g.gameType(), "l2Block", g.l2BlockNumber(),
                            "rootClaim", g.rootClaim(), "verdict", g.verdict(), "verdictDetail", g.verdictDetail(),
                            "status", g.status(), "resolvedAt", g.resolvedAt() == null ? "?"
                                    : Windows.iso(g.resolvedAt()), "blacklisted", g.blacklisted(),
                            "guardianAction", action)));
        }
    }
}
