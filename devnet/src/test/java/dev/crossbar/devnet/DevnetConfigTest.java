package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DevnetConfigTest {
    private static final Path DIR = Path.of("unused");

    @Test
    void anOutputOracleDevnetTakesOnlyWholeSecondL2BlockTimes() {
        DevnetConfig config = DevnetConfig.forTests(DIR);
        assertThatThrownBy(() -> config.withBlockTimes(Duration.ZERO, Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("l2BlockTime").hasMessageContaining("500 ms");
        assertThat(config.withBlockTimes(Duration.ofMillis(500), Duration.ofSeconds(2)).l2BlockTime())
                .as("the L1 may mine faster").isEqualTo(Duration.ofSeconds(2));
        assertThat(config.withSettlement(SettlementKind.FAULT_PROOFS).withBlockTimes(Duration.ZERO,
                Duration.ofMillis(500)).l2BlockTime()).as("a fault-proof devnet's sequencer sends deposits alone")
                .isEqualTo(Duration.ofMillis(500));
    }
}
