package dev.crossbar.monitor.game;

import dev.crossbar.monitor.game.Games.Shape;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** A game's claims written by hand: each move honest (the honest trace's value) unless a value is given. */
final class TreeBuilder {
    final Shape shape;
    final long l2Block;
    final SplitTrace honest;
    private final List<Claim> claims = new ArrayList<>();

    TreeBuilder(Shape shape, long l2Block, boolean rootIsTrue) {
        this.shape = shape;
        this.l2Block = l2Block;
        this.honest = Games.honestTrace(shape, l2Block);
        byte[] root = rootIsTrue ? honest.top().claimAt(Position.ROOT) : Games.keccak("false root");
        claims.add(new Claim(0, Claim.NO_PARENT, null, Arena.PROPOSER, BigInteger.ZERO, root, Position.ROOT, null));
    }

    int attack(int parent, String who) {
        return move(parent, true, who, null);
    }

    int attack(int parent, String who, byte[] value) {
        return move(parent, true, who, value);
    }

    int defend(int parent, String who) {
        return move(parent, false, who, null);
    }

    int defend(int parent, String who, byte[] value) {
        return move(parent, false, who, value);
    }

    /** The honest claim at the move {@code isAttack} against claim {@code parent}. */
    byte[] honestMove(int parent, boolean isAttack) {
        GameState state = state();
        Claim p = state.claim(parent);
        return honest.claimAt(state, p, p.position().move(isAttack));
    }

    /** The move the solver should make against claim {@code parent}. */
    Action.Move expected(int parent, boolean isAttack) {
        Claim p = state().claim(parent);
        return new Action.Move(parent, p.claim(), honestMove(parent, isAttack), isAttack,
                p.position().move(isAttack));
    }

    GameState state() {
        return new GameState(shape.maxDepth(), shape.splitDepth(), claims);
    }

    private int move(int parent, boolean isAttack, String who, byte[] value) {
        Claim p = claims.get(parent);
        byte[] v = value != null ? value : honestMove(parent, isAttack);
        claims.add(new Claim(claims.size(), parent, null, who, BigInteger.ZERO, v, p.position().move(isAttack),
                null));
        return claims.size() - 1;
    }
}
