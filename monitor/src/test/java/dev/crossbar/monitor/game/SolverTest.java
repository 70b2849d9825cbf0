package dev.crossbar.monitor.game;

import static dev.crossbar.monitor.game.Arena.HONEST;
import static dev.crossbar.monitor.game.Arena.LIAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/**
 * The solver's decisions on claim trees written by hand: op-challenger's cases ({@code solver/game_solver_test.go},
 * v1.0.1) on the devnet's game shape, the steps at the bottom, and the moves the AlphabetVM makes impossible.
 */
class SolverTest {
    private static final long L2_BLOCK = Games.STARTING_BLOCK + 40;

    private static byte[] value(int b) {
        byte[] v = new byte[32];
        Arrays.fill(v, (byte) b);
        return v;
    }

    private static TreeBuilder game(boolean rootIsTrue) {
        return new TreeBuilder(Games.DEVNET, L2_BLOCK, rootIsTrue);
    }

    private static java.util.List<Action> solve(TreeBuilder t) {
        return new Solver(t.honest).actions(t.state());
    }

    @Test
    void attacksAFalseRootWithTheHonestOutput() {
        TreeBuilder t = game(false);

        assertThat(solve(t)).containsExactly(t.expected(0, true));
        Action.Move m = (Action.Move) solve(t).getFirst();
        assertThat(m.position()).isEqualTo(Position.of(1, 0));
        // position 2 commits to the output at trace index 31 of the split depth: the anchor's block + 32
        assertThat(m.newClaim()).isEqualTo(Games.honestOutput(Games.STARTING_BLOCK + 32));
    }

    @Test
    void leavesATrueRootAlone() {
        assertThat(solve(game(true))).isEmpty();
    }

    @Test
    void doesNotMakeAMoveAlreadyOnChain() {
        TreeBuilder t = game(false);
        t.attack(0, LIAR); // the honest claim, made by someone else: the contract would refuse it again

        assertThat(solve(t)).isEmpty();
    }

    @Test
    void answersEveryClaimAgainstAnHonestClaim() {
        TreeBuilder t = game(false);
        int honest = t.attack(0, HONEST);
        int correctAttack = t.attack(honest, LIAR);
        int correctDefense = t.defend(honest, LIAR);
        int falseAttack1 = t.attack(honest, LIAR, value(0xaa));
        int falseAttack2 = t.attack(honest, LIAR, value(0xbb));
        int falseDefense1 = t.defend(honest, LIAR, value(0xcc));
        int falseDefense2 = t.defend(honest, LIAR, value(0xdd));

        assertThat(solve(t)).containsExactly(t.expected(correctAttack, false), t.expected(correctDefense, false),
                t.expected(falseAttack1, true), t.expected(falseAttack2, true), t.expected(falseDefense1, true),
                t.expected(falseDefense2, true));
    }

    @Test
    void ignoresWhatALiarPlaysBelowItsCounterToItself() {
        TreeBuilder t = game(false);
        int honest = t.attack(0, HONEST);
        int liar = t.attack(honest, LIAR, value(0xaa));
        int own = t.defend(liar, LIAR, value(0xaa)); // the liar counters its own claim...
        t.attack(own, LIAR, value(0xaa)); // ...and goes on below it: a subtree of pre-states it controls

        assertThat(solve(t)).containsExactly(t.expected(liar, true));
    }

    @Test
    void defendsAFreeloaderWithACorrectClaimAtTheWrongPosition() {
        TreeBuilder t = game(false);
        int honest = t.attack(0, HONEST);
        int defense = t.defend(honest, LIAR);
        int freeloader = t.attack(defense, LIAR); // correct value, attacking where it should defend

        assertThat(solve(t)).containsExactly(t.expected(defense, false), t.expected(freeloader, false));
    }

    @Test
    void attacksAFreeloaderWithAFalseClaimLeftOfTheHonestCounter() {
        TreeBuilder t = game(false);
        int honest = t.attack(0, HONEST);
        int defense = t.defend(honest, LIAR);
        int freeloader = t.attack(defense, LIAR, value(0xbb));

        assertThat(solve(t)).containsExactly(t.expected(defense, false), t.expected(freeloader, true));
    }

    @Test
    void attacksAFreeloaderAtTheHonestCountersPosition() {
        TreeBuilder t = game(false);
        int honest = t.attack(0, HONEST);
        int defense = t.defend(honest, LIAR);
        int freeloader = t.defend(defense, LIAR, value(0xbb));

        assertThat(solve(t)).containsExactly(t.expected(defense, false), t.expected(freeloader, true));
    }

    @Test
    void leavesAFreeloaderRightOfTheHonestCounterAlone() {
        TreeBuilder t = game(false);
        int honest = t.attack(0, HONEST);
        int falseDefense = t.defend(honest, LIAR, value(0xaa));
        t.defend(falseDefense, LIAR, value(0xbb)); // right of the honest attack on the false defense

        assertThat(solve(t)).containsExactly(t.expected(falseDefense, true));
    }

    @Test
    void attacksAFreeloaderOnTheRoot() {
        TreeBuilder t = game(false);
        int freeloader = t.attack(0, LIAR, value(0xaa));

        assertThat(solve(t)).containsExactly(t.expected(0, true), t.expected(freeloader, true));
    }

    @Test
    void neverCountersItsOwnClaims() {
        TreeBuilder t = game(false);
        int honest = t.attack(0, HONEST);
        int correctAttack = t.attack(honest, LIAR);
        int freeloader = t.attack(correctAttack, LIAR);
        t.defend(correctAttack, HONEST);
        t.defend(freeloader, HONEST);

        assertThat(solve(t)).isEmpty();
    }

    @Test
    void defendsATrueRootAgainstEveryCounter() {
        TreeBuilder t = game(true);
        int falseAttack = t.attack(0, LIAR, value(0xaa));
        int correctAttack = t.attack(0, LIAR); // the honest value at the attack position still disputes the root

        assertThat(solve(t)).containsExactly(t.expected(falseAttack, true), t.expected(correctAttack, false));
    }

    /** A false root bisected to the left-most leaf: the step is from the absolute prestate, with local data. */
    @Test
    void stepsFromTheAbsolutePrestateOnAFalseFirstState() {
        TreeBuilder t = game(false);
        int claim = 0;
        for (int depth = 1; depth <= Games.DEVNET.maxDepth(); depth++) {
            claim = depth % 2 == 1 ? t.attack(claim, HONEST) : t.attack(claim, LIAR, value(0xaa));
        }
        GameState state = t.state();
        assertThat(state.claim(claim).position()).isEqualTo(Position.of(10, 0));

        assertThat(solve(t)).containsExactly(new Action.Step(claim, true, new TraceProvider.StepData(
                Numeric.toBytesPadded(BigInteger.valueOf(0x60), 32), new byte[0],
                new TraceProvider.LocalPreimage(TraceProvider.LocalPreimage.DISPUTED_L2_BLOCK_NUMBER, 0))));
        SubGame sub = t.honest.subGame(state, state.claim(claim), state.claim(claim).position());
        assertThat(sub.starting()).isNull();
        assertThat(sub.disputed().index()).isEqualTo(6);
        assertThat(sub.disputedBlock()).isEqualTo(Games.STARTING_BLOCK + 1);
    }

    /** The same, but the liar's first state is the VM's: the solver defends it, stepping from it. */
    @Test
    void defenseStepsFromACorrectLeaf() {
        TreeBuilder t = game(false);
        int claim = 0;
        for (int depth = 1; depth < Games.DEVNET.maxDepth(); depth++) {
            claim = depth % 2 == 1 ? t.attack(claim, HONEST) : t.attack(claim, LIAR, value(0xaa));
        }
        int leaf = t.attack(claim, LIAR); // the VM's state after trace index 0
        long base = Games.STARTING_BLOCK << 4; // (disputed block - 1) << 4

        byte[] state0 = Numeric.hexStringToByteArray(Numeric.toHexStringNoPrefixZeroPadded(BigInteger.valueOf(base), 64)
                + Numeric.toHexStringNoPrefixZeroPadded(BigInteger.valueOf(0x60 + base), 64));
        assertThat(solve(t)).containsExactly(new Action.Step(leaf, false,
                new TraceProvider.StepData(state0, new byte[0], null)));
    }

    /**
     * A correct output at the split depth attacking an honest claim above it must be defended, which opens an
     * execution sub-game disputing the honest claim: its root must report VALID, which the AlphabetVM never does. The
     * contract refuses the move; the solver leaves it out.
     */
    @Test
    void leavesOutADefenseTheAlphabetVmCannotMake() {
        TreeBuilder t = game(false);
        int claim = 0;
        for (int depth = 1; depth < Games.DEVNET.splitDepth(); depth++) {
            claim = depth % 2 == 1 ? t.attack(claim, HONEST) : t.attack(claim, LIAR, value(0xaa));
        }
        int correctLeaf = t.attack(claim, LIAR); // the honest output, attacking the honest claim at depth 5

        assertThat(solve(t)).isEmpty();
        assertThat(new Solver(t.honest).plan(t.state()).refused()).singleElement().satisfies(r -> {
            assertThat(r.claimIndex()).isEqualTo(correctLeaf);
            assertThat(r.reason()).startsWith("UnexpectedRootClaim");
        });
        Action.Move defense = t.expected(correctLeaf, false);
        assertThat(VmStatus.of(defense.newClaim())).isEqualTo(VmStatus.INVALID);
        SimulatedGame onChain = replay(t);
        assertThatThrownBy(() -> onChain.apply(HONEST, defense)).hasMessage("UnexpectedRootClaim");
    }

    /**
     * An execution root that is the AlphabetVM's own state, attacking an honest output leaf: the honest trace agrees
     * with it, and an execution root cannot be defended. The solver leaves it alone.
     */
    @Test
    void cannotDefendAnExecutionRoot() {
        TreeBuilder t = game(true);
        int claim = 0;
        for (int depth = 1; depth <= Games.DEVNET.splitDepth(); depth++) {
            claim = depth % 2 == 0 ? t.attack(claim, HONEST) : t.attack(claim, LIAR, value(0xaa));
        }
        int execRoot = t.attack(claim, LIAR); // the VM's last state: status INVALID, as an attack needs

        assertThat(solve(t)).isEmpty();
        assertThat(new Solver(t.honest).plan(t.state()).refused()).singleElement().satisfies(r -> {
            assertThat(r.claimIndex()).isEqualTo(execRoot);
            assertThat(r.reason()).startsWith("CannotDefendRootClaim");
        });
        SimulatedGame onChain = replay(t);
        assertThatThrownBy(() -> onChain.apply(HONEST, t.expected(execRoot, false)))
                .hasMessage("CannotDefendRootClaim");
    }

    /**
     * The trace fails at a later claim (the L2 node has no output for the block its answer needs): the actions found
     * before it are kept, as op-challenger keeps them, and {@link Solver#actions} still refuses to decide.
     */
    @Test
    void keepsTheActionsFoundBeforeATraceError() {
        TreeBuilder t = game(false);
        t.attack(0, LIAR, value(0xaa)); // a false output at position 2: its answer needs the output at block +16
        IllegalStateException missing = new IllegalStateException("no output for block " + (Games.STARTING_BLOCK
                + 16));
        SplitTrace failing = SplitTrace.alphabet(new OutputTraceProvider(Games.STARTING_BLOCK, L2_BLOCK,
                Games.DEVNET.splitDepth(), block -> {
                    if (block == Games.STARTING_BLOCK + 16) {
                        throw missing;
                    }
                    return Games.honestOutput(block);
                }), Games.DEVNET.maxDepth());

        Solver.Plan plan = new Solver(failing).plan(t.state());
        assertThat(plan.actions()).as("the counter to the false root").containsExactly(t.expected(0, true));
        assertThat(plan.stoppedBy()).isSameAs(missing);
        assertThat(solve(t)).as("with the whole trace, both answers").containsExactly(t.expected(0, true),
                t.expected(1, true));
        assertThatThrownBy(() -> new Solver(failing).actions(t.state())).isSameAs(missing);
    }

    @Test
    void refusesAGameOfOtherDepths() {
        GameState other = new TreeBuilder(Games.SMALL, Games.STARTING_BLOCK + 3, false).state();

        assertThatThrownBy(() -> new Solver(Games.honestTrace(Games.DEVNET, L2_BLOCK)).actions(other))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split depth 2");
    }

    /** The hand-written claims, made on a simulated game (which checks each move). */
    private static SimulatedGame replay(TreeBuilder t) {
        GameState state = t.state();
        SimulatedGame game = Games.game(t.shape, t.l2Block, state.root().claim(), state.root().claimant());
        for (Claim c : state.claims().subList(1, state.claims().size())) {
            Claim parent = state.parent(c);
            game.move(c.claimant(), parent.index(), parent.claim(), c.claim(), c.position().equals(
                    parent.position().attack()));
        }
        return game;
    }
}
