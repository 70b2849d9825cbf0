package dev.crossbar.monitor.check;

import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.monitor.act.ActionSender;
import dev.crossbar.monitor.act.Actors;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.GameClaim;
import dev.crossbar.store.GameClocks;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import java.math.BigInteger;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What op-dispute-mon shows of an L2's dispute games, as the monitor's gauges ({@link MonitorMetrics}), worked out
 * every patrol round from the newest games the store holds ({@value #WINDOW} at most):
 * <ul>
 *   <li>games by status and <b>agreement</b> with the verdict on their root claim: a game in progress or won by the
 *       defender stands by its root, one won by the challengers has refuted it; {@code agree} when that matches the
 *       verdict (a VALID root standing, an INVALID root refuted), {@code disagree} when not (an INVALID root still
 *       standing, in progress or for good, or a VALID root refuted), {@code unknown} without a verdict. A resolved
 *       game that disagrees went against the verdict;</li>
 *   <li>claims in games in progress by <b>honesty</b>: {@code honest} when made by the challenger key or the root of a
 *       VALID game; {@code dishonest} when the root of an INVALID game or a claim the challenger key countered (the
 *       honest player counters only claims that disagree with the true trace); {@code unknown} otherwise;</li>
 *   <li>the <b>clock left</b> on the games we must win (in progress, INVALID root): the least time left on the
 *       challengers' clock against an uncountered defender claim the challenger key did not make ({@link GameClocks},
 *       in L1 time); once it runs out that claim wins its subgame. NaN when no such clock runs;</li>
 *   <li>the challenger key's <b>bonds</b>: {@code at_stake}, of its claims in games in progress, and
 *       {@code claimable}, the credit resolved games owe it ({@code credit(address)} of the game). The credit is read
 *       only for games the key has claims in, and no more once it is 0: a resolved game's credit is final and only
 *       drops, to 0 when claimed.</li>
 * </ul>
 * The verdict is the store's (the monitor's, or the relayer's until the monitor has checked the game).
 */
public final class GameGauges {
    private static final Logger log = LoggerFactory.getLogger(GameGauges.class);
    /** The newest games of an L2 the gauges cover. */
    public static final int WINDOW = 1000;
    static final String AGREE = "agree";
    static final String DISAGREE = "disagree";
    static final String UNKNOWN = "unknown";
    static final String HONEST = "honest";
    static final String DISHONEST = "dishonest";
    static final String AT_STAKE = "at_stake";
    static final String CLAIMABLE = "claimable";

    /** What a resolved game owes a recipient ({@code credit(address)}), in wei. */
    @FunctionalInterface
    public interface Credit {
        BigInteger owed(String game, String recipient);
    }

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Actors actors;
    private final Windows windows;
    private final MonitorMetrics metrics;
    /** Per L2: the credit last read of the resolved games in the window; 0 (never read again) for games not ours. */
    private final Map<Long, Map<String, BigInteger>> owed = new HashMap<>();

    public GameGauges(MonitoredChains chains, MessageStore store, Actors actors, Windows windows,
            MonitorMetrics metrics) {
        this.chains = chains;
        this.store = store;
        this.actors = actors;
        this.windows = windows;
        this.metrics = metrics;
    }

    /** One round on {@code l2}'s games, on the L1's time and with the challenger key's credit read from its games. */
    public void update(long l2) {
        long l1 = chains.l1Of(l2);
        String us = actors.of(Actors.Role.CHALLENGER, l1).map(ActionSender::address).orElse(null);
        update(chains.name(l2), l2, windows.l1Now(l2), us,
                (game, recipient) -> FaultProofViews.credit(chains.client(l1), game, recipient));
    }

    /**
     * One round on {@code l2}'s games.
     *
     * @param chain the L2's name (the {@code chain} label)
     * @param now the L1 time now (seconds): the games' clocks run on it
     * @param us the challenger key's address; null when the monitor has none (it plays no game, has no bonds)
     */
    synchronized void update(String chain, long l2, long now, String us, Credit credit) {
        Map<GameRecord.Status, Map<String, Long>> games = new EnumMap<>(GameRecord.Status.class);
        Map<String, Long> claims = new HashMap<>();
        double clockLeft = Double.NaN;
        BigInteger atStake = BigInteger.ZERO;
        BigInteger claimable = BigInteger.ZERO;
        Map<String, BigInteger> known = owed.computeIfAbsent(l2, k -> new HashMap<>());
        Set<String> window = new HashSet<>();
        for (GameRecord g : store.games(new GameQuery(l2, null, null, WINDOW))) {
            window.add(g.address());
            games.computeIfAbsent(g.status(), s -> new HashMap<>()).merge(agreement(g), 1L, Long::sum);
            if (g.status() == GameRecord.Status.IN_PROGRESS) {
                List<GameClaim> cs = store.claims(g.address());
                Set<Long> counteredByUs = new HashSet<>();
                for (GameClaim c : cs) {
                    if (ours(c, us) && c.parentIndex() != null) {
                        counteredByUs.add(c.parentIndex());
                        atStake = atStake.add(c.bond() == null ? BigInteger.ZERO : c.bond());
                    }
                }
                for (GameClaim c : cs) {
                    claims.merge(honesty(g, c, us, counteredByUs), 1L, Long::sum);
                }
                if ("INVALID".equals(g.verdict())) {
                    Long left = GameClocks.of(cs, g.maxClockDuration(), now, c -> c.byDefender() && !ours(c, us))
                            .timeLeftSeconds();
                    if (left != null && (Double.isNaN(clockLeft) || left < clockLeft)) {
                        clockLeft = left;
                    }
                }
            } else if (us != null) {
                claimable = claimable.add(claimable(g, us, credit, known));
            }
        }
        known.keySet().retainAll(window);

        for (GameRecord.Status s : GameRecord.Status.values()) {
            for (String a : List.of(AGREE, DISAGREE, UNKNOWN)) {
                metrics.games(chain, s.name(), a, games.getOrDefault(s, Map.of()).getOrDefault(a, 0L));
            }
        }
        for (String h : List.of(HONEST, DISHONEST, UNKNOWN)) {
            metrics.gameClaims(chain, h, claims.getOrDefault(h, 0L));
        }
        metrics.gameClockLeft(chain, clockLeft);
        metrics.gameBonds(chain, AT_STAKE, atStake.doubleValue());
        metrics.gameBonds(chain, CLAIMABLE, claimable.doubleValue());
    }

    /**
     * The resolved games of {@code l2} that owed the challenger key credit when last read (this round's, once
     * {@link #update} ran), by game address.
     */
    public synchronized Map<String, BigInteger> owed(long l2) {
        Map<String, BigInteger> out = new HashMap<>();
        owed.getOrDefault(l2, Map.of()).forEach((game, wei) -> {
            if (wei.signum() > 0) {
                out.put(game, wei);
            }
        });
        return out;
    }

    /** What resolved game {@code g} owes {@code us}: read while it owes something, and once to find it is 0. */
    private BigInteger claimable(GameRecord g, String us, Credit credit, Map<String, BigInteger> known) {
        BigInteger last = known.get(g.address());
        if (last != null && last.signum() == 0) {
            return BigInteger.ZERO;
        }
        if (last == null && store.claims(g.address()).stream().noneMatch(c -> ours(c, us))) {
            known.put(g.address(), BigInteger.ZERO);
            return BigInteger.ZERO;
        }
        try {
            BigInteger now = credit.owed(g.address(), us);
            known.put(g.address(), now);
            return now;
        } catch (RuntimeException e) {
            // keep the last value read (none: not counted this round); the next round reads it again
            log.warn("game credit not read game={} error=\"{}\"", g.address(), e.toString());
            return last == null ? BigInteger.ZERO : last;
        }
    }

    private static String agreement(GameRecord g) {
        if (g.verdict() == null) {
            return UNKNOWN;
        }
        boolean standing = g.status() != GameRecord.Status.CHALLENGER_WINS;
        return standing == "VALID".equals(g.verdict()) ? AGREE : DISAGREE;
    }

    private static String honesty(GameRecord g, GameClaim c, String us, Set<Long> counteredByUs) {
        if (ours(c, us)) {
            return HONEST;
        }
        if (c.parentIndex() == null && g.verdict() != null) {
            return "VALID".equals(g.verdict()) ? HONEST : DISHONEST;
        }
        return counteredByUs.contains(c.claimIndex()) ? DISHONEST : UNKNOWN;
    }

    private static boolean ours(GameClaim c, String us) {
        return us != null && us.equalsIgnoreCase(c.claimant());
    }
}
