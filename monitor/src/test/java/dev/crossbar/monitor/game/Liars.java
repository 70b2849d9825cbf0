package dev.crossbar.monitor.game;

import static dev.crossbar.monitor.game.Arena.LIAR;

import dev.crossbar.monitor.game.Arena.Liar;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Dishonest players for {@link Arena}: op-challenger's test actors ({@code solver/actors.go}) and a liar playing the
 * solver's own rules with a false trace. A move the contract refuses is simply not made.
 *
 * <p>No liar here posts the honest claim at the split depth or at an execution sub-game's root ({@link #truthless}):
 * the AlphabetVM cannot show a valid execution, so the honest answer to such a claim is one the contract refuses
 * (see {@link SolverTest}); with a real VM the honest trace would answer it.
 */
public final class Liars {
    private Liars() {}

    /** Does nothing: the proposer of a false root who leaves it to the clock. */
    static Liar idle() {
        return game -> false;
    }

    /** Plays the solver's rules with {@code lies} as its trace. */
    static Liar solver(SplitTrace lies, SplitTrace honest) {
        Solver solver = new Solver(lies);
        return game -> {
            GameState state = game.state();
            boolean acted = false;
            for (Action a : solver.actions(state)) {
                if (a instanceof Action.Move m) {
                    Claim parent = state.claim(m.parentIndex());
                    acted |= move(game, parent, m.isAttack(), truthless(state, parent, m.position(), m.newClaim(),
                            honest));
                } else {
                    try {
                        game.apply(LIAR, a);
                        acted = true;
                    } catch (SimulatedGame.Revert e) {
                        // the liar's step fails against honest claims
                    }
                }
            }
            return acted;
        };
    }

    /** Answers the newest claim: attack (or defend; the root is always attacked), honestly or with a fixed lie. */
    static Liar respondLast(boolean attack, boolean correct, SplitTrace honest) {
        return game -> {
            GameState state = game.state();
            Claim last = state.claims().getLast();
            return last.depth() < state.maxDepth() && respond(game, state, last, attack, correct, honest);
        };
    }

    /** Answers every claim not at the max depth, like {@link #respondLast}. */
    static Liar respondAll(boolean attack, boolean correct, SplitTrace honest) {
        return game -> {
            GameState state = game.state();
            boolean acted = false;
            for (Claim c : state.claims()) {
                if (c.depth() < state.maxDepth()) {
                    acted |= respond(game, state, c, attack, correct, honest);
                }
            }
            return acted;
        };
    }

    /** Answers every claim in every way: attack and defend, honestly and with a lie. */
    static Liar exhaustive(SplitTrace honest) {
        return game -> {
            GameState state = game.state();
            boolean acted = false;
            for (Claim c : state.claims()) {
                if (c.depth() < state.maxDepth()) {
                    acted |= respond(game, state, c, true, true, honest);
                    acted |= respond(game, state, c, true, false, honest);
                    acted |= !c.isRoot() && respond(game, state, c, false, true, honest);
                    acted |= !c.isRoot() && respond(game, state, c, false, false, honest);
                }
            }
            return acted;
        };
    }

    /** {@code first}, then {@code second}, each round. */
    static Liar both(Liar first, Liar second) {
        return game -> first.act(game) | second.act(game);
    }

    /**
     * For {@code rounds} rounds, answers a few claims picked at random, attacking or defending at random, with the
     * honest claim or a random one.
     */
    static Liar random(long seed, int rounds, SplitTrace honest) {
        Random random = new Random(seed);
        int[] left = {rounds};
        return game -> {
            if (left[0]-- <= 0) {
                return false;
            }
            GameState state = game.state();
            List<Claim> open = state.claims().stream().filter(c -> c.depth() < state.maxDepth()).toList();
            boolean acted = false;
            for (int i = 0; i < 3; i++) {
                Claim c = open.get(random.nextInt(open.size()));
                boolean attack = c.isRoot() || random.nextBoolean();
                Position p = c.position().move(attack);
                byte[] value = random.nextBoolean() ? honest.claimAt(state, c, p) : randomClaim(random, state, p);
                acted |= move(game, c, attack, truthless(state, c, p, value, honest));
            }
            return acted;
        };
    }

    private static boolean respond(SimulatedGame game, GameState state, Claim claim, boolean attack, boolean correct,
            SplitTrace honest) {
        boolean isAttack = attack || claim.isRoot();
        Position p = claim.position().move(isAttack);
        byte[] value = correct ? honest.claimAt(state, claim, p) : fixedLie(state, p, isAttack);
        return move(game, claim, isAttack, truthless(state, claim, p, value, honest));
    }

    private static boolean move(SimulatedGame game, Claim parent, boolean isAttack, byte[] value) {
        try {
            game.move(LIAR, parent.index(), parent.claim(), value, isAttack);
            return true;
        } catch (SimulatedGame.Revert e) {
            return false;
        }
    }

    /**
     * {@code value}, unless it is the honest claim at the split depth or at an execution root: then a lie (status
     * INVALID at an execution root, which the contract takes for an attack).
     */
    public static byte[] truthless(GameState state, Claim parent, Position p, byte[] value, SplitTrace honest) {
        int depth = p.depth();
        if ((depth == state.splitDepth() || depth == state.splitDepth() + 1)
                && Arrays.equals(value, honest.claimAt(state, parent, p))) {
            byte[] lie = Games.keccak("lie at " + p.gindex() + " against " + parent.index());
            return depth == state.splitDepth() ? lie : VmStatus.INVALID.stamp(lie);
        }
        return value;
    }

    /** op-challenger's fixed lies: {@code 0xaa…} to attack, {@code 0xdd…} to defend; status INVALID below the split. */
    private static byte[] fixedLie(GameState state, Position p, boolean isAttack) {
        byte[] v = new byte[32];
        Arrays.fill(v, (byte) (isAttack ? 0xaa : 0xdd));
        return p.depth() > state.splitDepth() ? VmStatus.INVALID.stamp(v) : v;
    }

    private static byte[] randomClaim(Random random, GameState state, Position p) {
        byte[] v = new byte[32];
        random.nextBytes(v);
        return p.depth() > state.splitDepth() ? VmStatus.INVALID.stamp(v) : v;
    }
}
