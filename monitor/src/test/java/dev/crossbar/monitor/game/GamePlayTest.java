package dev.crossbar.monitor.game;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.monitor.game.Arena.Liar;
import dev.crossbar.monitor.game.Games.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole games in memory: the solver against liars, on the devnet's game shape and a small one, with a false root
 * (the liar proposed it, the solver challenges) and with a true root (the solver defends it), played to the end and
 * resolved as the contract would. Every action of the solver must be one the contract takes (its steps included, on
 * a transcription of the AlphabetVM), and the outcome must be op-challenger's: the root resolves for the honest
 * side, no honest claim is countered, every claim the solver counters is won by it, and none is countered twice.
 */
class GamePlayTest {

    /** A liar built from the honest trace and the liar's own. */
    record Opponent(String name, Function<Trace, Liar> liar) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Trace(SplitTrace honest, SplitTrace lies) {}

    static Stream<Arguments> games() {
        List<Opponent> opponents = List.of(
                new Opponent("idle", t -> Liars.idle()),
                new Opponent("solver with false outputs and states", t -> Liars.solver(t.lies(), t.honest())),
                new Opponent("correct attack on the last claim", t -> Liars.respondLast(true, true, t.honest())),
                new Opponent("correct defense of the last claim", t -> Liars.respondLast(false, true, t.honest())),
                new Opponent("false attack on the last claim", t -> Liars.respondLast(true, false, t.honest())),
                new Opponent("false defense of the last claim", t -> Liars.respondLast(false, false, t.honest())),
                new Opponent("false then correct defense", t -> Liars.both(Liars.respondLast(false, false, t.honest()),
                        Liars.respondLast(false, true, t.honest()))),
                new Opponent("false attack then correct defense", t -> Liars.both(
                        Liars.respondLast(true, false, t.honest()), Liars.respondLast(false, true, t.honest()))),
                new Opponent("correct attack on everything", t -> Liars.respondAll(true, true, t.honest())),
                new Opponent("correct defense of everything", t -> Liars.respondAll(false, true, t.honest())),
                new Opponent("false attack on everything", t -> Liars.respondAll(true, false, t.honest())),
                new Opponent("false defense of everything", t -> Liars.respondAll(false, false, t.honest())),
                new Opponent("random", t -> Liars.random(7, 12, t.honest())));
        List<Arguments> out = new ArrayList<>();
        for (Shape shape : List.of(Games.DEVNET, Games.SMALL)) {
            for (Opponent o : opponents) {
                for (boolean rootIsTrue : List.of(false, true)) {
                    out.add(Arguments.of(shape, o, rootIsTrue));
                }
            }
        }
        for (boolean rootIsTrue : List.of(false, true)) {
            out.add(Arguments.of(Games.SMALL, new Opponent("exhaustive", t -> Liars.exhaustive(t.honest())),
                    rootIsTrue));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}, root true: {2}")
    @MethodSource("games")
    void theHonestSideWinsEveryGame(Shape shape, Opponent opponent, boolean rootIsTrue) {
        long l2Block = shape.lastBlock() - 1;
        long firstFalse = Games.STARTING_BLOCK + 1 + (1L << shape.splitDepth()) / 3;
        Trace traces = new Trace(Games.honestTrace(shape, l2Block), Games.lyingTrace(shape, l2Block, firstFalse, 2));
        Arena arena = play(shape, l2Block, traces, opponent.liar().apply(traces), rootIsTrue);

        arena.assertHonestWins(rootIsTrue);
    }

    /**
     * A liar that proposes a false root and bisects with false outputs from some block on and false VM states from
     * some step on, for every such pair: the output bisection ends at the first false output, the execution
     * bisection at the first false state, and the solver's last action is a step there that the VM accepts.
     */
    @Test
    void aFalseRootLosesWhereverItsOutputsAndStatesGoWrong() {
        Shape shape = Games.DEVNET;
        long l2Block = shape.lastBlock() - 20;
        int bottomLeaves = 1 << (shape.maxDepth() - shape.splitDepth() - 1);
        int steps = 0;
        for (long firstFalse = Games.STARTING_BLOCK + 1; firstFalse <= l2Block; firstFalse += 7) {
            for (int firstFalseStep = 0; firstFalseStep <= bottomLeaves; firstFalseStep++) {
                Trace traces = new Trace(Games.honestTrace(shape, l2Block),
                        Games.lyingTrace(shape, l2Block, firstFalse, firstFalseStep));
                Arena arena = play(shape, l2Block, traces, Liars.solver(traces.lies(), traces.honest()), false);
                arena.assertHonestWins(false);
                steps += arena.steps.size();
            }
        }
        assertThat(steps).as("steps taken").isPositive();
    }

    static Arena play(Shape shape, long l2Block, Trace traces, Liar liar, boolean rootIsTrue) {
        SplitTrace honest = traces.honest();
        byte[] root = (rootIsTrue ? honest : traces.lies()).top().claimAt(Position.ROOT);
        SimulatedGame game = Games.game(shape, l2Block, root, Arena.PROPOSER);
        assertThat(new Solver(honest).agreesWithRoot(game.state())).isEqualTo(rootIsTrue);
        return new Arena(game, honest).play(liar);
    }
}
