package dev.crossbar.monitor.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link SimulatedGame} between the honest {@link Solver} and a {@link Liar}, played in rounds (the solver's
 * actions, then the liar's) until neither has anything left to do, as if every clock then ran out.
 */
final class Arena {
    static final String HONEST = "0x00000000000000000000000000000000000000aa";
    static final String LIAR = "0x00000000000000000000000000000000000000bb";
    /** Who created the game (the root claim's claimant), of neither side. */
    static final String PROPOSER = "0x00000000000000000000000000000000000000cc";
    private static final int MAX_ROUNDS = 200;

    /** The dishonest side: makes its moves on the game (the contract refusing some), says whether any landed. */
    interface Liar {
        boolean act(SimulatedGame game);
    }

    /** A step the solver took, with the game as it stood. */
    record StepTaken(GameState before, Action.Step step) {}

    final SimulatedGame game;
    final SplitTrace honest;
    private final Solver solver;
    final List<StepTaken> steps = new ArrayList<>();

    Arena(SimulatedGame game, SplitTrace honest) {
        this.game = game;
        this.honest = honest;
        this.solver = new Solver(honest);
    }

    /**
     * Plays until neither side acts. Every action of the solver must be taken by the contract and keep out of a
     * poisoned pre-state.
     */
    Arena play(Liar liar) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            GameState state = game.state();
            List<Action> actions = solver.actions(state);
            for (Action a : actions) {
                if (a instanceof Action.Move m) {
                    assertNoPoisonedPrestate(state, m);
                } else if (a instanceof Action.Step s) {
                    steps.add(new StepTaken(state, s));
                }
                try {
                    game.apply(HONEST, a);
                } catch (SimulatedGame.Revert e) {
                    fail("the contract refuses the solver's " + a + ": " + e.getMessage() + "\nin " + describe(state));
                }
            }
            boolean liarActed = liar.act(game);
            if (actions.isEmpty() && !liarActed) {
                return this;
            }
        }
        throw new AssertionError("no end after " + MAX_ROUNDS + " rounds");
    }

    /**
     * The outcome op-challenger's game rules ask for: the root resolves for the honest side, no honest claim is
     * countered, every claim the solver counters is won by it, and it counters no claim twice.
     */
    void assertHonestWins(boolean rootIsTrue) {
        List<Claim> resolved = game.resolve();
        assertThat(resolved.get(0).countered()).as(() -> "root countered (challenger wins) in\n" + describe(resolved))
                .isEqualTo(!rootIsTrue);
        Map<Integer, Integer> honestChildren = new HashMap<>();
        for (Claim c : resolved) {
            if (!c.claimant().equals(HONEST)) {
                continue;
            }
            assertThat(c.countered()).as(() -> "honest claim countered: " + c + " in\n" + describe(resolved)).isFalse();
            Claim parent = resolved.get(c.parent());
            assertThat(parent.counteredBy()).as("bond of %s countered by %s", parent, c).isEqualTo(HONEST);
            honestChildren.merge(c.parent(), 1, Integer::sum);
        }
        assertThat(honestChildren.values()).as("honest counters per claim").allMatch(n -> n == 1);
    }

    /**
     * op-challenger's {@code avoidPoisonedPrestate} rule, within an execution sub-game: of the claims above a new
     * claim with a smaller trace index, the nearest (the pre-state an attack step on the new claim's subtree would
     * use) must be honest, or a liar could step against the honest claim from a state of its choosing.
     */
    private void assertNoPoisonedPrestate(GameState state, Action.Move m) {
        if (m.position().depth() <= state.splitDepth() + 1) {
            return;
        }
        BigInteger index = m.position().traceIndex(state.maxDepth());
        Claim pre = null;
        for (Claim c = state.claim(m.parentIndex()); c.depth() > state.splitDepth(); c = state.parent(c)) {
            BigInteger ci = state.traceIndex(c);
            if (ci.compareTo(index) < 0 && (pre == null || ci.compareTo(state.traceIndex(pre)) > 0)) {
                pre = c;
            }
        }
        if (pre != null) {
            assertThat(honest.agrees(state, pre)).as("poisoned pre-state %s under %s", pre, m).isTrue();
        }
    }

    static String describe(GameState state) {
        return describe(state.claims());
    }

    static String describe(List<Claim> claims) {
        StringBuilder b = new StringBuilder();
        for (Claim c : claims) {
            b.append("  ".repeat(c.depth())).append(c).append('\n');
        }
        return b.toString();
    }
}
