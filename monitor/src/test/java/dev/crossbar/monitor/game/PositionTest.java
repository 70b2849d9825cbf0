package dev.crossbar.monitor.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Position} against values worked out by hand from {@code LibPosition.sol} (contracts-bedrock 0.17.3), the
 * formula of each in its comment.
 */
class PositionTest {
    private static Position g(long gindex) {
        return Position.of(BigInteger.valueOf(gindex));
    }

    @Test
    void wrapIsTwoToTheDepthPlusTheIndex() {
        assertThat(Position.of(0, 0)).isEqualTo(Position.ROOT).isEqualTo(g(1));
        assertThat(Position.of(1, 0)).isEqualTo(g(2));
        assertThat(Position.of(3, 5)).isEqualTo(g(13)); // 8 + 5
        assertThat(Position.of(10, 1023)).isEqualTo(g(2047));
    }

    @Test
    void depthIsTheHighestBitAndIndexTheRest() {
        assertThat(g(1).depth()).isZero();
        assertThat(g(13).depth()).isEqualTo(3);
        assertThat(g(13).indexAtDepth()).isEqualTo(5);
        assertThat(g(1024).depth()).isEqualTo(10);
        assertThat(g(1024).indexAtDepth()).isZero();
        Position deep = Position.of(125, BigInteger.ONE.shiftLeft(125).subtract(BigInteger.ONE));
        assertThat(deep.depth()).isEqualTo(125);
    }

    @Test
    void attackIsTheLeftChildAndDefenseTheLeftChildOfPositionOrOne() {
        // move(pos, isAttack) = (pos | !isAttack) << 1
        assertThat(g(12).attack()).isEqualTo(g(24));
        assertThat(g(12).defend()).isEqualTo(g(26));
        assertThat(g(13).defend()).isEqualTo(g(26)); // an odd position's defense is its attack
        assertThat(Position.ROOT.attack()).isEqualTo(g(2));
        assertThat(g(26).parent()).isEqualTo(g(13));
        assertThat(g(12).moveRight()).isEqualTo(g(13));
    }

    @Test
    void rightIndexAndTraceIndexGoRightToTheMaxDepth() {
        // rightIndex = (pos << (max - depth)) | (2^(max - depth) - 1); traceIndex = rightIndex - 2^max
        assertThat(g(13).rightIndex(5)).isEqualTo(g(55));
        assertThat(g(13).traceIndex(5)).isEqualTo(23);
        assertThat(Position.ROOT.traceIndex(10)).isEqualTo(1023);
        assertThat(Position.ROOT.traceIndex(6)).isEqualTo(63);
        assertThat(g(2).traceIndex(10)).isEqualTo(511);
        assertThat(g(2).traceIndex(6)).isEqualTo(31);
        assertThat(Position.of(10, 6).traceIndex(10)).isEqualTo(6);
        assertThatThrownBy(() -> g(13).traceIndex(2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("deeper than max depth 2");
    }

    @Test
    void traceAncestorDropsTheTrailingOnes() {
        // lsb = ~pos & (pos + 1); ancestor = pos >> index(lsb), at least 1
        assertThat(g(23).traceAncestor()).isEqualTo(g(2)); // 10111 -> 10
        assertThat(g(24).traceAncestor()).isEqualTo(g(24));
        assertThat(g(15).traceAncestor()).isEqualTo(Position.ROOT); // 1111 -> 0, bounded to 1
        assertThat(Position.ROOT.traceAncestor()).isEqualTo(Position.ROOT);
        assertThat(g(23).traceAncestor().traceIndex(4)).isEqualTo(g(23).traceIndex(4));
    }

    @Test
    void boundedTraceAncestorStaysBelowTheSplit() {
        // an ancestor at or above the bound is replaced by its right index at bound + 1
        assertThat(g(15).traceAncestorBounded(2)).isEqualTo(g(15)); // rightIndex(1, 3)
        assertThat(g(23).traceAncestorBounded(1)).isEqualTo(g(5)); // rightIndex(2, 2)
        assertThat(g(23).traceAncestorBounded(0)).isEqualTo(g(2));
        // the devnet's split depth 6: leaf 2's left neighbour (the attack step's pre-state) is committed at depth 9
        assertThat(Position.of(10, 1).traceAncestorBounded(6)).isEqualTo(Position.of(9, 0));
        // leaf 6's right neighbour (a defense step's post-state) is the execution root at depth 7
        assertThat(Position.of(10, 7).traceAncestorBounded(6)).isEqualTo(Position.of(7, 0));
        assertThatThrownBy(() -> g(13).traceAncestorBounded(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ClaimAboveSplit");
    }

    @Test
    void relativePositionsCountFromTheAncestor() {
        assertThat(Position.of(10, 13).relativeTo(7)).isEqualTo(Position.of(3, 5));
        assertThat(Position.of(7, 2).relativeTo(7)).isEqualTo(Position.ROOT);
        assertThatThrownBy(() -> Position.of(5, 0).relativeTo(7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesWhatIsNoPosition() {
        assertThatThrownBy(() -> g(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Position.of(BigInteger.ONE.shiftLeft(126)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127 bits");
        assertThatThrownBy(() -> Position.of(3, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outside [0, 2^3)");
        assertThatThrownBy(() -> Position.ROOT.parent()).isInstanceOf(IllegalStateException.class);
    }
}
