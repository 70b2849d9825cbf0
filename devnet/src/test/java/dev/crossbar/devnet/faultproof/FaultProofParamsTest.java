package dev.crossbar.devnet.faultproof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault-proof settings refuse what the contracts would refuse or break on, naming the parameter. */
class FaultProofParamsTest {
    private static final FaultProofParams D = FaultProofParams.devnet();

    @Test
    void theDevnetSettingsGiveA64BlockWindowAndRespectTheAlphabetGameByDefault() {
        assertThat(D.outputWindow()).isEqualTo(64);
        assertThat(D.respectedGameType(901)).isEqualTo(FaultProofParams.ALPHABET);
        assertThat(D.withRespectedGameType(902, FaultProofParams.PERMISSIONED).respectedGameType(902))
                .isEqualTo(FaultProofParams.PERMISSIONED);
    }

    @Test
    void aClockExtensionOverHalfTheClockIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofSeconds(60), Duration.ofSeconds(31), 10, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clockExtension 31s");
    }

    @Test
    void aDepthThatDoesNotFitTheAlphabetVmIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofSeconds(60), Duration.ofSeconds(10), 8, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxGameDepth 8 must be splitDepth + 4");
        assertThatThrownBy(() -> with(Duration.ofSeconds(60), Duration.ofSeconds(10), 5, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("splitDepth 1");
    }

    @Test
    void aGameTypeWithoutAnImplementationCannotBeRespected() {
        assertThatThrownBy(() -> D.withRespectedGameType(901, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("respected game type 0 of L2 901");
    }

    @Test
    void fractionalOrMissingDelaysAreRefused() {
        assertThatThrownBy(() -> new FaultProofParams(D.maxClockDuration(), D.clockExtension(), D.maxGameDepth(),
                D.splitDepth(), Duration.ofMillis(1500), D.disputeGameFinalityDelay(), D.delayedWethDelay(),
                D.initBond(), D.minProposalSize(), D.challengePeriod(), Map.of(), D.sequencingWindow()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proofMaturityDelay");
        assertThatThrownBy(() -> new FaultProofParams(D.maxClockDuration(), D.clockExtension(), D.maxGameDepth(),
                D.splitDepth(), D.proofMaturityDelay(), D.disputeGameFinalityDelay(), D.delayedWethDelay(),
                BigInteger.ONE.negate(), D.minProposalSize(), D.challengePeriod(), Map.of(), D.sequencingWindow()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initBond");
    }

    private static FaultProofParams with(Duration maxClock, Duration extension, int maxDepth, int splitDepth) {
        return new FaultProofParams(maxClock, extension, maxDepth, splitDepth, D.proofMaturityDelay(),
                D.disputeGameFinalityDelay(), D.delayedWethDelay(), D.initBond(), D.minProposalSize(),
                D.challengePeriod(), Map.of(), D.sequencingWindow());
    }
}
