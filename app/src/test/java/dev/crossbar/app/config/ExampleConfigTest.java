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
        assertThat(c.kafka().properties().secret()).containsKey("sasl.jaas.config");
        assertThat(c.keys().relayer()).hasSize(2);
        assertThat(c.log().format()).isEqualTo(LogSettings.Format.JSON);
    }
}
