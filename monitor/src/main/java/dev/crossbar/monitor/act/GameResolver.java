package dev.crossbar.monitor.act;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.GameClaim;
import dev.crossbar.store.GameQuery;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the dispute games the monitor has a stake in (it moved in them, or their root claim is false) once their clocks
 * have run out: each claim's subgame bottom-up ({@code resolveClaim}: children have higher indices than their parents,
 * so from the last claim to the root), then the game ({@code resolve}); and claims what the games credited to the
 * challenger key ({@code claimCredit}, which DelayedWETH pays only after its delay: until then its simulation reverts
 * and it is tried again next round). Every transaction goes through the challenger's {@link ActionSender} (simulated
 * first, recorded before broadcast, never twice in flight), and every step is read from the game first, so nothing is
 * sent that is already done.
 */
public final class GameResolver {
    private static final Logger log = LoggerFactory.getLogger(GameResolver.class);
    private static final int SCAN = 200;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Actors actors;
    /** Each game's DelayedWETH delay (fixed at deployment). */
    private final Map<String, Long> creditDelays = new ConcurrentHashMap<>();

    public GameResolver(MonitoredChains chains, MessageStore store, Actors actors) {
        this.chains = chains;
        this.store = store;
        this.actors = actors;
    }

    /** One round on {@code l2}'s games: resolves what can be resolved, claims what can be claimed. */
    public void resolve(long l2) {
        long l1 = chains.l1Of(l2);
        ActionSender challenger = actors.of(Actors.Role.CHALLENGER, l1).orElse(null);
        if (challenger == null) {
            return;
        }
        EthApi chain = chains.client(l1);
        String us = challenger.address().toLowerCase();
        for (GameRecord g : store.games(new GameQuery(l2, null, null, SCAN))) {
            try {
                List<GameClaim> claims = store.claims(g.address());
                boolean ours = claims.stream().anyMatch(c -> us.equalsIgnoreCase(c.claimant()));
                if (g.status() == GameRecord.Status.IN_PROGRESS && (ours || "INVALID".equals(g.verdict()))) {
                    resolveGame(chain, challenger, g);
                } else if (g.status() != GameRecord.Status.IN_PROGRESS && ours) {
                    claimCredit(chain, challenger, g);
                }
            } catch (RuntimeException e) {
                log.warn("game resolution failed chain={} game={} error=\"{}\"", chains.name(l2), g.address(),
                        e.toString());
            }
        }
    }

    private void resolveGame(EthApi chain, ActionSender challenger, GameRecord g) {
        String game = g.address();
        if (FaultProofViews.outcome(chain, game).status() != FaultProofViews.IN_PROGRESS) {
            return; // resolved on chain; the watcher records it
        }
        long max = FaultProofViews.maxClockDuration(chain, game);
        long count = FaultProofViews.claimCount(chain, game, "latest");
        for (long i = count - 1; i >= 0; i--) {
            if (FaultProofViews.subgameResolved(chain, game, i)) {
                continue;
            }
            if (FaultProofViews.challengerDuration(chain, game, i) < max) {
                return; // a clock still runs: not yet
            }
            String data = FaultProofViews.game(game).resolveClaim(BigInteger.valueOf(i), BigInteger.ZERO)
                    .encodeFunctionCall();
            // One claim per round: the next round sees it resolved and goes on with its parent (in flight or
            // refused, the claims above it wait for it).
            challenger.send(TxPurpose.RESOLVE, "resolveClaim:" + game + ":" + i, game, data);
            return;
        }
        String data = FaultProofViews.game(game).resolve().encodeFunctionCall();
        challenger.send(TxPurpose.RESOLVE, "resolve:" + game, game, data);
    }

    private void claimCredit(EthApi chain, ActionSender challenger, GameRecord g) {
        if (FaultProofViews.credit(chain, g.address(), challenger.address()).signum() == 0) {
            return;
        }
        // DelayedWETH pays only after its delay from the unlock, which the resolution of our claims made: not before
        // the game's resolution plus the delay.
        long delay = creditDelays.computeIfAbsent(g.address(), a -> FaultProofViews.creditDelay(chain, a));
        if (g.resolvedAt() != null && chain.latest().timestamp() <= g.resolvedAt() + delay) {
            return;
        }
        String data = FaultProofViews.game(g.address()).claimCredit(challenger.address()).encodeFunctionCall();
        challenger.send(TxPurpose.CLAIM_CREDIT, "claimCredit:" + g.address(), g.address(), data);
    }
}
