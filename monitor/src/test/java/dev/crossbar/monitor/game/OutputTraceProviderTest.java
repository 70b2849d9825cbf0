package dev.crossbar.monitor.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** {@link OutputTraceProvider}: which L2 block's output each position of the top half claims. */
class OutputTraceProviderTest {
    /** Anchor at 100, game at 140, split depth 6: 64 trace indices, blocks 101 to 164 capped at 140. */
    private final OutputTraceProvider outputs = new OutputTraceProvider(100, 140, 6, Games::honestOutput);

    @Test
    void traceIndexIIsTheBlockAfterTheAnchorPlusI() {
        assertThat(outputs.blockAt(Position.of(6, 0))).isEqualTo(101);
        assertThat(outputs.blockAt(Position.of(6, 38))).isEqualTo(139);
        assertThat(outputs.blockAt(Position.of(6, 39))).isEqualTo(140);
        assertThat(outputs.blockAt(Position.of(1, 0))).as("trace index 31").isEqualTo(132);
        assertThat(outputs.claimAt(Position.of(6, 0))).isEqualTo(Games.honestOutput(101));
    }

    @Test
    void positionsPastTheGamesBlockClaimItsOutput() {
        assertThat(outputs.blockAt(Position.of(6, 40))).isEqualTo(140);
        assertThat(outputs.blockAt(Position.ROOT)).isEqualTo(140);
        assertThat(outputs.claimAt(Position.ROOT)).isEqualTo(Games.honestOutput(140));
    }

    @Test
    void aGamePastTheWindowIsJudgedAtTheWindowsEnd() {
        OutputTraceProvider far = new OutputTraceProvider(100, 200, 6, Games::honestOutput);

        assertThat(far.blockAt(Position.ROOT)).isEqualTo(164);
    }

    @Test
    void theAbsolutePrestateIsTheAnchorsOutputAndThereAreNoSteps() {
        assertThat(outputs.absolutePrestate()).isEqualTo(Games.honestOutput(100));
        assertThatThrownBy(() -> outputs.stepData(BigInteger.ZERO)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesAGameNotAfterItsAnchorAndABadOutput() {
        assertThatThrownBy(() -> new OutputTraceProvider(100, 100, 6, Games::honestOutput))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be after its starting block");
        OutputTraceProvider broken = new OutputTraceProvider(100, 140, 6, block -> new byte[31]);
        assertThatThrownBy(() -> broken.claimAt(Position.ROOT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("L2 block 140");
    }
}
