package dev.crossbar.monitor.act;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.monitor.MonitorSettings;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.OutputChecks;
import dev.crossbar.monitor.game.Action;
import dev.crossbar.monitor.game.Claim;
import dev.crossbar.monitor.game.GameState;
import dev.crossbar.monitor.game.OutputTraceProvider;
import dev.crossbar.monitor.game.Solver;
import dev.crossbar.monitor.game.SplitTrace;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * The honest challenger: plays every dispute game in progress whose type it has a trace for (the AlphabetVM's game
 * types, {@link MonitorSettings#alphabetGameTypes()}; a game of another type is watched and alerted on, never played).
 * Each round it reads the game's claims from the chain, asks the {@link Solver} what an honest player owes the game
 * (counter every claim that disagrees with the true trace, at every depth; a step on the VM at the bottom) and sends
 * those moves with the challenger key, paying the bond each position requires. The game's state is read before every
 * round and every move is simulated first, so a move already made (by us before a restart, or by anyone) is never
 * repeated; a move in flight is not sent twice ({@link ActionSender}).
 */
public final class GamePlayer {
    private static final Logger log = LoggerFactory.getLogger(GamePlayer.class);
    private static final int SCAN = 200;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Actors actors;
    private final Set<Integer> playable;
    /** Output roots already computed, per L2 and block: they do not change under a confirmed block. */
    private final Map<String, byte[]> roots = new ConcurrentHashMap<>();
    /** The claims whose refused counter was logged (once each). */
    private final Set<String> refusedLogged = ConcurrentHashMap.newKeySet();

    public GamePlayer(MonitoredChains chains, MessageStore store, Actors actors, MonitorSettings settings) {
        this.chains = chains;
        this.store = store;
        this.actors = actors;
        this.playable = settings.alphabetGameTypes();
    }

    /** One round on {@code l2}'s games in progress; returns the moves and steps sent. */
    public int play(long l2) {
        if (playable.isEmpty()) {
            return 0;
        }
        long l1 = chains.l1Of(l2);
        ActionSender challenger = actors.of(Actors.Role.CHALLENGER, l1).orElse(null);
        if (challenger == null) {
            return 0;
        }
        int sent = 0;
        for (GameRecord g : store.games(new GameQuery(l2, Set.of(GameRecord.Status.IN_PROGRESS), null, SCAN))) {
            if (!playable.contains(g.gameType())) {
                continue;
            }
            try {
                sent += play(chains.client(l1), l2, challenger, g);
            } catch (RuntimeException e) {
                log.warn("game play failed chain={} game={} index={} error=\"{}\"", chains.name(l2), g.address(),
                        g.index(), e.toString());
            }
        }
        return sent;
    }

    private int play(EthApi l1, long l2, ActionSender challenger, GameRecord g) {
        String address = g.address();
        var game = FaultProofViews.game(l1, address, ProtocolViews.LATEST);
        if (ProtocolViews.view(game.status()).intValueExact() != FaultProofViews.IN_PROGRESS) {
            return 0;
        }
        int maxDepth = ProtocolViews.view(game.maxGameDepth()).intValueExact();
        int splitDepth = ProtocolViews.view(game.splitDepth()).intValueExact();
        long startingBlock = ProtocolViews.view(game.startingBlockNumber()).longValueExact();
        long count = FaultProofViews.claimCount(l1, address, ProtocolViews.LATEST);
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            claims.add(Claim.of(i, FaultProofViews.claim(l1, address, i, ProtocolViews.LATEST)));
        }
        GameState state = new GameState(maxDepth, splitDepth, claims);
        // The honest trace stops at the L2's head, as op-challenger's outputs provider stops at its node's safe head:
        // a claim about a block the L2 has not reached (a root proposed for the future) disagrees with the output of
        // the newest block there is, and is countered; but only once the checks found no endpoint with the block
        // after their tolerance (verdict INVALID), not while our endpoint may just be behind the proposer's.
        long head = chains.client(l2).blockNumber();
        if (g.l2BlockNumber() > head && !"INVALID".equals(g.verdict())) {
            log.debug("game not played yet: its L2 block is past our head chain={} game={} l2Block={} head={}",
                    chains.name(l2), address, g.l2BlockNumber(), head);
            return 0;
        }
        OutputTraceProvider top = new OutputTraceProvider(startingBlock, g.l2BlockNumber(), splitDepth,
                block -> outputRoot(l2, Math.min(block, head)));
        SplitTrace trace = SplitTrace.alphabet(top, maxDepth);
        byte[] prestate = ProtocolViews.view(game.absolutePrestate());
        if (!java.util.Arrays.equals(prestate, trace.absolutePrestate())) {
            // Not the VM our trace is of: playing would lose every step. Watched and alerted on only.
            log.warn("game not played: its VM's absolute prestate is not the alphabet trace's chain={} game={}"
                    + " prestate={}", chains.name(l2), address, Numeric.toHexString(prestate));
            return 0;
        }
        Solver.Plan plan = new Solver(trace).plan(state);
        for (Solver.Refused r : plan.refused()) {
            if (refusedLogged.add(address + ":" + r.claimIndex())) {
                log.warn("game claim left unanswered: the contract refuses its honest counter chain={} game={}"
                        + " claim={} reason=\"{}\"", chains.name(l2), address, r.claimIndex(), r.reason());
            }
        }
        int sent = 0;
        for (Action a : plan.actions()) {
            if (send(l1, challenger, address, a)) {
                sent++;
            }
        }
        if (plan.stoppedBy() != null) {
            // what was decided before the error is sent; the rest waits for the next round
            log.warn("game play stopped at a claim chain={} game={} sent={} error=\"{}\"", chains.name(l2), address,
                    sent, plan.stoppedBy().toString());
        }
        return sent;
    }

    private boolean send(EthApi l1, ActionSender challenger, String game, Action action) {
        var calls = FaultProofViews.game(game);
        return switch (action) {
            case Action.Move m -> {
                BigInteger bond = ProtocolViews.view(FaultProofViews.game(l1, game, ProtocolViews.LATEST)
                        .getRequiredBond(m.position().gindex()));
                String data = (m.isAttack()
                        ? calls.attack(m.disputedClaim(), BigInteger.valueOf(m.parentIndex()), m.newClaim(), bond)
                        : calls.defend(m.disputedClaim(), BigInteger.valueOf(m.parentIndex()), m.newClaim(), bond))
                        .encodeFunctionCall();
                String id = "move:" + game + ":" + m.parentIndex() + ":" + (m.isAttack() ? "attack" : "defend");
                ActionSender.Result r = challenger.send(TxPurpose.MOVE, id, game, data, bond);
                log.info("game move game={} action=\"{}\" bond={} result={}", game, m, bond, describe(r));
                yield r instanceof ActionSender.Result.Sent;
            }
            case Action.Step s -> {
                if (s.localData() != null) {
                    String load = calls.addLocalData(BigInteger.valueOf(s.localData().ident()),
                            BigInteger.valueOf(s.claimIndex()), BigInteger.valueOf(s.localData().partOffset()))
                            .encodeFunctionCall();
                    ActionSender.Result r = challenger.send(TxPurpose.STEP, "localData:" + game + ":"
                            + s.claimIndex() + ":" + s.localData().ident(), game, load);
                    if (r instanceof ActionSender.Result.InFlight) {
                        yield false; // the step follows once its data is loaded
                    }
                }
                String data = calls.step(BigInteger.valueOf(s.claimIndex()), s.isAttack(), s.stateData(), s.proof())
                        .encodeFunctionCall();
                ActionSender.Result r = challenger.send(TxPurpose.STEP, "step:" + game + ":" + s.claimIndex(), game,
                        data);
                log.info("game step game={} action=\"{}\" result={}", game, s, describe(r));
                yield r instanceof ActionSender.Result.Sent;
            }
        };
    }

    private static String describe(ActionSender.Result r) {
        return switch (r) {
            case ActionSender.Result.Sent sent -> "sent in " + sent.tx().txHash();
            case ActionSender.Result.InFlight inFlight -> "in flight";
            case ActionSender.Result.Refused refused -> "refused: " + refused.reason();
        };
    }

    /** The output root of {@code block} on {@code l2}, from its first endpoint (the verdicts compare them all). */
    private byte[] outputRoot(long l2, long block) {
        return roots.computeIfAbsent(l2 + ":" + block, k -> {
            String passer = chains.chain(l2).l2Contracts().messagePasser();
            String root = OutputChecks.root(chains.client(l2), passer, block);
            if (root == null) {
                throw new IllegalStateException(chains.name(l2) + " has no block " + block + " yet");
            }
            return Numeric.hexStringToByteArray(root);
        }).clone();
    }
}
