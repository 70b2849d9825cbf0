package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import org.web3j.utils.Convert;

/**
 * The challenger key's money on a dispute-game L2. Rules:
 * <ul>
 *   <li><b>balance</b>: while the monitor plays the portal's respected game type, the key holds at least the bonds of
 *       one game played to its end: its moves at every other depth from 1 to the maximum depth (the positions a
 *       challenger of the root claim takes), as the type's implementation prices them ({@code getRequiredBond}). Less
 *       is CHALLENGER_BALANCE_LOW, raised before a move cannot be paid; cleared once topped up;</li>
 *   <li><b>credit</b>: a resolved game that owes the key credit ({@link GameGauges#owed}) has it claimed within
 *       {@link #CLAIM_GRACE} (L1 time) of the moment DelayedWETH pays it (resolution plus its delay). Longer is
 *       BOND_UNCLAIMED (a claim that keeps reverting: the SuperchainConfig paused, the guardian holding the funds, no
 *       gas); cleared once claimed.</li>
 * </ul>
 */
public final class ChallengerFunds {
    /** How long claimable credit may stay unclaimed before it is a finding. */
    public static final Duration CLAIM_GRACE = Duration.ofMinutes(5);

    private final MonitoredChains chains;
    private final MessageStore store;
    private final FindingSink findings;
    private final GameGauges gauges;
    private final Windows windows;
    private final LongFunction<String> challengerOf;
    private final Set<Integer> playable;
    /** The bonds of one game's honest path, per game implementation (its bonds and depth are immutable). */
    private final Map<String, BigInteger> pathBonds = new ConcurrentHashMap<>();
    /** Each game's DelayedWETH delay (fixed at deployment). */
    private final Map<String, Long> creditDelays = new ConcurrentHashMap<>();

    /**
     * @param challengerOf the challenger key's address on an L1 (by chain id), or null when the monitor has none
     * @param playable the game types the monitor plays
     */
    public ChallengerFunds(MonitoredChains chains, MessageStore store, FindingSink findings, GameGauges gauges,
            Windows windows, LongFunction<String> challengerOf, Set<Integer> playable) {
        this.chains = chains;
        this.store = store;
        this.findings = findings;
        this.gauges = gauges;
        this.windows = windows;
        this.challengerOf = challengerOf;
        this.playable = Set.copyOf(playable);
    }

    /** One round on {@code l2} (after the gauges' round, whose credit it reads). */
    public void check(long l2) {
        long l1 = chains.l1Of(l2);
        String us = challengerOf.apply(l1);
        if (us == null) {
            return;
        }
        EthApi chain = chains.client(l1);
        balance(l2, chain, us);
        credit(l2, chain, us);
    }

    private void balance(long l2, EthApi chain, String us) {
        Settlement s = chains.settlementOf(l2);
        int type = FaultProofViews.rules(chain, s.portal()).respectedGameType();
        if (!playable.contains(type)) {
            findings.clear(FindingKind.CHALLENGER_BALANCE_LOW, l2, null, "game type " + type + " is not played");
            return;
        }
        String impl = ProtocolViews.view(FaultProofViews.factory(chain, s.disputeGameFactory(), ProtocolViews.LATEST)
                .gameImpls(BigInteger.valueOf(type)));
        BigInteger need = pathBonds.computeIfAbsent(impl.toLowerCase(), a -> pathBond(chain, a));
        BigInteger balance = chain.balance(us);
        if (balance.compareTo(need) < 0) {
            findings.report(new Observation(FindingKind.CHALLENGER_BALANCE_LOW, l2, "CHALLENGER_BALANCE_LOW:" + l2,
                    "the challenger key holds " + ether(balance) + " ETH on L1, less than the " + ether(need)
                            + " ETH of bonds one game of " + chains.name(l2) + " can take", evidence("chain",
                            chains.name(l2), "challenger", us, "balanceWei", balance, "neededWei", need, "gameType",
                            type, "implementation", impl, "expected", "at least " + ether(need) + " ETH", "seen",
                            ether(balance) + " ETH")));
        } else {
            findings.clear(FindingKind.CHALLENGER_BALANCE_LOW, l2, null, "the challenger key holds " + ether(balance)
                    + " ETH again");
        }
    }

    /** The bonds of the moves at depths 1, 3, 5, ... below the maximum depth, priced by implementation {@code impl}. */
    private static BigInteger pathBond(EthApi chain, String impl) {
        var game = FaultProofViews.game(chain, impl, ProtocolViews.LATEST);
        int maxDepth = ProtocolViews.view(game.maxGameDepth()).intValueExact();
        BigInteger sum = BigInteger.ZERO;
        for (int depth = 1; depth < maxDepth; depth += 2) {
            sum = sum.add(ProtocolViews.view(game.getRequiredBond(BigInteger.ONE.shiftLeft(depth))));
        }
        return sum;
    }

    private void credit(long l2, EthApi chain, String us) {
        long now = windows.l1Now(l2);
        Set<String> unclaimed = new HashSet<>();
        for (Map.Entry<String, BigInteger> owed : gauges.owed(l2).entrySet()) {
            GameRecord g = store.gameAt(owed.getKey()).orElse(null);
            if (g == null || g.resolvedAt() == null) {
                continue;
            }
            long delay = creditDelays.computeIfAbsent(g.address(), a -> FaultProofViews.creditDelay(chain, a));
            long payable = g.resolvedAt() + delay;
            if (now - payable <= CLAIM_GRACE.toSeconds()) {
                continue;
            }
            String key = "BOND_UNCLAIMED:" + g.address();
            unclaimed.add(key);
            findings.report(new Observation(FindingKind.BOND_UNCLAIMED, l2, key, "dispute game " + g.index() + " of "
                    + chains.name(l2) + " owes the challenger key " + ether(owed.getValue()) + " ETH, claimable for "
                    + (now - payable) + "s and not claimed", evidence("chain", chains.name(l2), "game", g.address(),
                    "index", g.index(), "status", g.status(), "challenger", us, "creditWei", owed.getValue(),
                    "resolvedAt", Windows.iso(g.resolvedAt()), "delayedWethDelaySeconds", delay, "claimableSince",
                    Windows.iso(payable), "deadline", Windows.iso(payable + CLAIM_GRACE.toSeconds()))));
        }
        findings.clearIf(FindingKind.BOND_UNCLAIMED, l2, k -> !unclaimed.contains(k), "the credit is claimed");
    }

    private static String ether(BigInteger wei) {
        return Convert.fromWei(new BigDecimal(wei), Convert.Unit.ETHER).stripTrailingZeros().toPlainString();
    }
}
