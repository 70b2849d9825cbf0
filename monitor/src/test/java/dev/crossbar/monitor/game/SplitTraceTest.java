package dev.crossbar.monitor.game;

import static dev.crossbar.monitor.game.Arena.HONEST;
import static dev.crossbar.monitor.game.Arena.LIAR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@link SplitTrace}: which sub-game a position below the split belongs to, checked against the contract's own
 * search ({@code _findStartingAndDisputedOutputs}, transcribed in {@link SimulatedGame}).
 */
class SplitTraceTest {
    private static final long L2_BLOCK = Games.STARTING_BLOCK + 40;

    /**
     * A path to the output leaf at trace index 36 (L2 block 137): root, attack (index 31), defense (47), attack
     * (39), attack (35), defense (37), attack (36).
     */
    private final TreeBuilder tree = new TreeBuilder(Games.DEVNET, L2_BLOCK, false);
    private final int h1 = tree.attack(0, HONEST);
    private final int l2 = tree.defend(h1, LIAR, lie(2));
    private final int h3 = tree.attack(l2, HONEST);
    private final int l4 = tree.attack(h3, LIAR, lie(4));
    private final int h5 = tree.defend(l4, HONEST);
    private final int leaf = tree.attack(h5, LIAR, lie(6));

    private static byte[] lie(int i) {
        return Games.keccak("lie " + i);
    }

    @Test
    void anAttackOnALeafDisputesItFromTheOutputBefore() {
        GameState state = tree.state();
        assertThat(state.traceIndex(state.claim(leaf)).shiftRight(4)).isEqualTo(36);
        Position execRoot = state.claim(leaf).position().attack();

        SubGame sub = tree.honest.subGame(state, state.claim(leaf), execRoot);

        assertThat(sub.disputed().index()).isEqualTo(leaf);
        assertThat(sub.starting().index()).as("the claim at trace index 35").isEqualTo(l4);
        assertThat(sub.disputedBlock()).isEqualTo(Games.STARTING_BLOCK + 37);
        assertSameAsTheContract(state, execRoot, VmStatus.INVALID, sub);
        assertThat(tree.honest.claimAt(state, state.claim(leaf), execRoot))
                .isEqualTo(new AlphabetTraceProvider(Games.STARTING_BLOCK + 37, 3).claimAt(Position.ROOT));
    }

    @Test
    void aDefenseOfALeafDisputesTheOutputAfter() {
        GameState state = tree.state();
        Position execRoot = state.claim(leaf).position().defend();

        SubGame sub = tree.honest.subGame(state, state.claim(leaf), execRoot);

        assertThat(sub.starting().index()).isEqualTo(leaf);
        assertThat(sub.disputed().index()).as("the claim at trace index 37").isEqualTo(h5);
        assertThat(sub.disputedBlock()).isEqualTo(Games.STARTING_BLOCK + 38);
        // the disputed output is at depth 5, the other side from the leaf's: the execution must be valid
        assertSameAsTheContract(state, execRoot, VmStatus.VALID, sub);
    }

    @Test
    void theFirstLeafStartsFromTheAnchor() {
        TreeBuilder t = new TreeBuilder(Games.DEVNET, L2_BLOCK, false);
        int claim = 0;
        for (int depth = 1; depth <= Games.DEVNET.splitDepth(); depth++) {
            claim = t.attack(claim, depth % 2 == 1 ? HONEST : LIAR, lie(depth));
        }
        GameState state = t.state();
        Position execRoot = state.claim(claim).position().attack();

        SubGame sub = t.honest.subGame(state, state.claim(claim), execRoot);

        assertThat(sub.starting()).isNull();
        assertThat(sub.disputedBlock()).isEqualTo(Games.STARTING_BLOCK + 1);
        assertSameAsTheContract(state, execRoot, VmStatus.INVALID, sub);
    }

    @Test
    void positionsDeeperInTheSubGameBelongToItToo() {
        GameState state = tree.state();
        Claim leafClaim = state.claim(leaf);
        Position deep = leafClaim.position().attack().attack().defend(); // depth 9, inside the attack's sub-tree

        assertThat(tree.honest.subGame(state, leafClaim, deep).disputed().index()).isEqualTo(leaf);
        assertThat(tree.honest.claimAt(state, leafClaim, deep)).isEqualTo(
                new AlphabetTraceProvider(Games.STARTING_BLOCK + 37, 3).claimAt(deep.relativeTo(7)));
    }

    @Test
    void refusesAReferenceAboveTheSplitAndABottomOfTheWrongDepth() {
        GameState state = tree.state();
        assertThatThrownBy(() -> tree.honest.subGame(state, state.claim(h5), Position.of(7, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split depth 6");
        SplitTrace wrong = new SplitTrace(tree.honest.top(), 10, SplitTrace.alphabet(4));
        assertThatThrownBy(() -> wrong.claimAt(state, state.claim(leaf), state.claim(leaf).position().attack()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("depth 4");
    }

    /**
     * Makes the execution root at {@code execRoot} on a simulated game (with the status the contract demands) and
     * checks that the contract finds the same outputs, local context and disputed block.
     */
    private void assertSameAsTheContract(GameState state, Position execRoot, VmStatus status, SubGame sub) {
        SimulatedGame game = Games.game(Games.DEVNET, L2_BLOCK, state.root().claim(), Arena.PROPOSER);
        for (Claim c : state.claims().subList(1, state.claims().size())) {
            Claim parent = state.parent(c);
            game.move(c.claimant(), parent.index(), parent.claim(), c.claim(),
                    c.position().equals(parent.position().attack()));
        }
        Claim leafClaim = state.claims().getLast();
        game.move(HONEST, leafClaim.index(), leafClaim.claim(), status.stamp(lie(7)),
                execRoot.equals(leafClaim.position().attack()));

        SimulatedGame.Outputs o = game.outputs(game.size() - 1);

        assertThat(o.disputed()).isEqualTo(sub.disputed().claim());
        assertThat(o.disputedPos()).isEqualTo(sub.disputed().position());
        if (sub.starting() == null) {
            assertThat(o.startingPos()).isNull();
        } else {
            assertThat(o.starting()).isEqualTo(sub.starting().claim());
            assertThat(o.startingPos()).isEqualTo(sub.starting().position());
        }
        assertThat(sub.localContext()).isEqualTo(SimulatedGame.localContext(o));
        assertThat(Games.STARTING_BLOCK + o.disputedPos().traceIndex(6).longValueExact() + 1)
                .isEqualTo(sub.disputedBlock());
    }
}
