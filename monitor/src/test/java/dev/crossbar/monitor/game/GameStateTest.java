package dev.crossbar.monitor.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.chain.FaultProofViews;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Claim} as read from the chain, and the trees {@link GameState} takes. */
class GameStateTest {
    private static final byte[] A = Games.keccak("a");
    private static final byte[] B = Games.keccak("b");

    private static Claim claim(int index, long parent, byte[] value, Position position) {
        return new Claim(index, parent, null, Arena.LIAR, BigInteger.ZERO, value, position, null);
    }

    private static Claim root() {
        return claim(0, Claim.NO_PARENT, A, Position.ROOT);
    }

    @Test
    void readsAClaimDataEntryAsTheViewsReturnIt() {
        BigInteger clock = BigInteger.valueOf(42).shiftLeft(64).or(BigInteger.valueOf(1_700_000_000L));
        FaultProofViews.Claim raw = new FaultProofViews.Claim(0, Claim.NOBODY, "0xABCDEF0000000000000000000000000000000001",
                BigInteger.TEN, B, BigInteger.TWO, clock);

        Claim c = Claim.of(1, raw);

        assertThat(c.position()).isEqualTo(Position.of(1, 0));
        assertThat(c.clock()).isEqualTo(new Claim.Clock(42, 1_700_000_000L));
        assertThat(c.claimant()).isEqualTo("0xabcdef0000000000000000000000000000000001");
        assertThat(c.countered()).isFalse();
        assertThat(c.claims(B)).isTrue();
    }

    @Test
    void refusesAClaimThatBreaksTheRootRule() {
        assertThatThrownBy(() -> claim(0, 0, A, Position.ROOT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only it, is claim 0");
        assertThatThrownBy(() -> claim(2, 2, A, Position.of(1, 0))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be an earlier claim");
        assertThatThrownBy(() -> claim(1, 0, new byte[31], Position.of(1, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes, got 31");
    }

    @Test
    void refusesATreeTheContractCannotBuild() {
        assertThatThrownBy(() -> new GameState(10, 6, List.of(root(), claim(1, 0, B, Position.of(2, 0)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither an attack nor a defense");
        assertThatThrownBy(() -> new GameState(10, 6, List.of(root(), claim(2, 0, B, Position.of(1, 0)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has index 2");
        assertThatThrownBy(() -> new GameState(1, 1, List.of(root()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 <= split < max");
    }

    @Test
    void knowsTheMovesOnChainByValuePositionAndParent() {
        GameState game = new GameState(10, 6, List.of(root(), claim(1, 0, B, Position.of(1, 0))));

        assertThat(game.contains(B, Position.of(1, 0), 0)).isTrue();
        assertThat(game.contains(A, Position.of(1, 0), 0)).as("another value").isFalse();
        assertThat(game.contains(B, Position.of(2, 0), 1)).as("another position and parent").isFalse();
        assertThat(game.contains(A, Position.ROOT, 0)).as("the root is no move").isFalse();
    }
}
