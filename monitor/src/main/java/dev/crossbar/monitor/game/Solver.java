package dev.crossbar.monitor.game;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The honest player's decisions in one dispute game: given the claims as they stand, the moves and steps to make
 * now. Pure: it reads nothing but the game and the {@link SplitTrace}. The rules are op-challenger's
 * ({@code game/fault/solver}, v1.0.1, the release of contracts-bedrock 0.17.3).
 *
 * <p><b>Which claims it answers.</b> It walks the claims in {@code claimData} order and keeps the set of
 * <em>honest</em> claims: the root when it agrees with the root, and every claim it makes or would make (a claim
 * already on chain with the same value, position and parent is the same claim). A claim is answered when
 * <ol>
 *   <li>it is not honest; and</li>
 *   <li>it is the root (countered when the root is wrong), or its parent is honest (everything countering an
 *       honest claim is countered, whatever its value), or the solver counters its parent and the claim stands
 *       at or left of that counter's trace index (a sibling further left would win the parent's bond, as the
 *       left-most uncountered child takes it).</li>
 * </ol>
 * Claims below a claim the solver leaves alone are left alone too: a dishonest player countering its own claims
 * cannot lure the honest player into a subtree whose pre-states it controls (op-challenger's poisoned prestate),
 * and its own false claims lose there to the honest counter above.
 *
 * <p><b>How.</b> A claim the trace disagrees with is attacked with the honest value at the attack position. A claim
 * it agrees with is defended: its value is right, but as a move it disputes its parent (an honest claim, or one the
 * solver counters further right), so the disagreement lies to its right; left alone it would win its parent's
 * subgame. An honest claim itself is never countered. The root is never defended. A move already on chain is not
 * made again (the contract refuses it with {@code ClaimAlreadyExists}). A claim at the max depth is stepped on,
 * unless already countered: an attack step from the pre-state before its trace index when the trace disagrees, a
 * defense step from its own state when it agrees.
 *
 * <p><b>A move the contract must refuse is not made</b> (op-challenger sends it, and the transaction reverts). Two
 * such moves exist, both only on the AlphabetVM, which never reports a valid execution (status VALID):
 * <ul>
 *   <li>The root of an execution sub-game (depth {@code splitDepth + 1}) must carry status INVALID or PANIC when
 *       it attacks the output leaf or when the disputed output was claimed at the leaf's level, and VALID otherwise
 *       ({@code _verifyExecBisectionRoot}). A correct output leaf attacking an honest output claim must be
 *       defended, disputing the honest output: the honest trace of a real VM ends VALID there, the AlphabetVM's
 *       INVALID.</li>
 *   <li>An execution root cannot be defended ({@code CannotDefendRootClaim}). The honest trace of a real VM
 *       disagrees with an execution root that attacks an honest output (it ends VALID, the root must not), but the
 *       AlphabetVM's own last state agrees with it.</li>
 * </ul>
 * In both the claim stays unanswered ({@link Plan#refused}, which the player logs) and the honest claim above it loses
 * its subgame: on the AlphabetVM a liar that
 * plays the VM's own states against an honest output wins. A limit of the test VM, not of the game.
 *
 * <p>Not decided here: whether to play at all (the caller checks that the game's {@code absolutePrestate()} is
 * {@link SplitTrace#absolutePrestate()} and that the game type has a trace), bonds, clocks and resolution, and
 * {@code challengeRootL2Block} (op-challenger uses it when it agrees with the root's output but the L2 block is
 * past the safe head).
 */
public final class Solver {
    private final SplitTrace trace;

    public Solver(SplitTrace trace) {
        this.trace = trace;
    }

    /** Whether the honest trace agrees with the root claim (the game should resolve DEFENDER_WINS). */
    public boolean agreesWithRoot(GameState game) {
        check(game);
        return trace.agrees(game, game.root());
    }

    /**
     * What the solver decided about a game.
     *
     * @param actions the actions to take now, in claim order
     * @param refused the claims it would counter but the contract refuses the honest move against (see the class
     *     comment: on the AlphabetVM only); they stay unanswered
     * @param stoppedBy the error that stopped it at a claim (its trace could not be had, e.g. an output root the L2
     *     node does not have), or null. The actions found before it are still safe to take, as op-challenger takes
     *     them: the response to a claim depends only on the claims before it.
     */
    public record Plan(List<Action> actions, List<Refused> refused, RuntimeException stoppedBy) {
        public Plan {
            actions = List.copyOf(actions);
            refused = List.copyOf(refused);
        }
    }

    /** A claim left unanswered because the contract refuses the honest move against it, and why. */
    public record Refused(int claimIndex, String reason) {}

    /**
     * The actions to take now, in claim order.
     *
     * @throws IllegalArgumentException when the game's depths are not the trace's
     * @throws RuntimeException when the trace cannot be had (an output root the L2 node does not have); nothing
     *     is decided then, and the caller tries again ({@link #plan} keeps what was decided before the error)
     */
    public List<Action> actions(GameState game) {
        Plan plan = plan(game);
        if (plan.stoppedBy() != null) {
            throw plan.stoppedBy();
        }
        return plan.actions();
    }

    /**
     * The actions to take now, the claims left unanswered because the contract refuses their honest counter, and the
     * error that stopped the walk through the claims, if one did.
     *
     * @throws IllegalArgumentException when the game's depths are not the trace's
     * @throws RuntimeException when the trace cannot say whether it agrees with the root (nothing is decided)
     */
    public Plan plan(GameState game) {
        check(game);
        Honest honest = new Honest();
        if (trace.agrees(game, game.root())) {
            honest.agreed.add(GameState.key(game.root()));
        }
        List<Action> out = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        for (Claim claim : game.claims()) {
            try {
                if (claim.depth() == game.maxDepth()) {
                    step(game, claim, honest, out);
                } else {
                    move(game, claim, honest, out, refused);
                }
            } catch (RuntimeException e) {
                // the claims after it may depend on the honest moves not worked out for this one: stop here
                return new Plan(out, refused, e);
            }
        }
        return new Plan(out, refused, null);
    }

    private void move(GameState game, Claim claim, Honest honest, List<Action> out, List<Refused> refused) {
        if (!shouldCounter(game, claim, honest)) {
            return;
        }
        boolean agree = trace.agrees(game, claim);
        if (agree && claim.isRoot()) {
            return;
        }
        Position position = claim.position().move(!agree);
        byte[] value = trace.claimAt(game, claim, position);
        honest.counter(claim, GameState.key(value, position, claim.index()), position);
        if (game.contains(value, position, claim.index())) {
            return;
        }
        String refusal = refusal(game, claim, !agree, value);
        if (refusal != null) {
            refused.add(new Refused(claim.index(), refusal));
            return;
        }
        out.add(new Action.Move(claim.index(), claim.claim(), value, !agree, position));
    }

    private void step(GameState game, Claim claim, Honest honest, List<Action> out) {
        if (claim.countered() || !shouldCounter(game, claim, honest)) {
            return;
        }
        boolean agree = trace.agrees(game, claim);
        Position from = agree ? claim.position().moveRight() : claim.position();
        TraceProvider.StepData data = trace.stepData(game, claim, from);
        out.add(new Action.Step(claim.index(), !agree, data));
    }

    private boolean shouldCounter(GameState game, Claim claim, Honest honest) {
        if (honest.agreed.contains(GameState.key(claim))) {
            return false;
        }
        if (claim.isRoot()) {
            return true;
        }
        Claim parent = game.parent(claim);
        if (honest.agreed.contains(GameState.key(parent))) {
            return true;
        }
        Position counter = honest.counters.get(parent.index());
        if (counter == null) {
            return false;
        }
        return game.traceIndex(claim).compareTo(counter.traceIndex(game.maxDepth())) <= 0;
    }

    /**
     * The contract's checks of a move that the honest trace alone does not settle: no defense of an execution
     * sub-game's root ({@code CannotDefendRootClaim}), and the VM status of a new execution root
     * ({@code _verifyExecBisectionRoot}). Null when the contract takes the move, else why it refuses it.
     */
    private String refusal(GameState game, Claim parent, boolean isAttack, byte[] value) {
        if (!isAttack && parent.depth() == game.splitDepth() + 1) {
            return "CannotDefendRootClaim: the honest counter defends an execution sub-game's root";
        }
        if (parent.depth() != game.splitDepth()) {
            return null;
        }
        Position disputedLeaf = parent.position().moveRight().traceAncestor();
        Claim disputed = game.ancestorAt(disputedLeaf, parent.index());
        VmStatus status = VmStatus.of(value);
        boolean mustBeInvalid = isAttack || disputed.depth() % 2 == game.splitDepth() % 2;
        boolean takes = mustBeInvalid ? status == VmStatus.INVALID || status == VmStatus.PANIC
                : status == VmStatus.VALID;
        return takes ? null : "UnexpectedRootClaim: the honest execution root has VM status " + status
                + " where the contract wants " + (mustBeInvalid ? "INVALID or PANIC" : "VALID");
    }

    private void check(GameState game) {
        if (game.maxDepth() != trace.maxDepth() || game.splitDepth() != trace.splitDepth()) {
            throw new IllegalArgumentException("game of max depth " + game.maxDepth() + " and split depth "
                    + game.splitDepth() + " played with a trace of " + trace.maxDepth() + " and "
                    + trace.splitDepth());
        }
    }

    /**
     * The honest claims ({@link GameState#key}s: a planned move and the same claim on chain are one), and the
     * position of the honest counter to each claim the solver counters.
     */
    private static final class Honest {
        final Set<String> agreed = new HashSet<>();
        final Map<Integer, Position> counters = new HashMap<>();

        void counter(Claim parent, String counter, Position position) {
            agreed.add(counter);
            counters.put(parent.index(), position);
        }
    }
}
