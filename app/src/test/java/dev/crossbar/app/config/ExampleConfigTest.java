package dev.crossbar.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example the docs point to stays valid. */
class ExampleConfigTest {
    @Test
    void theDocumentedExampleIsAValidConfiguration() {
        Config c = ConfigLoader.load(Path.of("..", "docs", "crossbar.example.yaml"), Map.of()).config();
        assertThat(c.chains()).hasSize(2);
        assertThat(c.chain("l1").orElseThrow().settlements()).singleElement().satisfies(s -> {
            assertThat(s.disputeGames()).as("OP Mainnet settles through fault proofs").isTrue();
            assertThat(s.disputeGameFactory()).isEqualTo("0xe5965ab5962edc7477c8520243a95517cd252fa9");
        });
        assertThat(c.kafka().properties().secret()).containsKey("sasl.jaas.config");
        assertThat(c.keys().relayer()).hasSize(2);
        assertThat(c.log().format()).isEqualTo(LogSettings.Format.JSON);
    }
}
