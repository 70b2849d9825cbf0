package dev.crossbar.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaConfigTest {
    private final EmbeddedKafkaConfig valid = EmbeddedKafkaConfig.forDataDir(Path.of("target/x"));

    @Test
    void dataDirIsRequired() {
        assertThatThrownBy(() -> EmbeddedKafkaConfig.forDataDir(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataDir");
    }

    @Test
    void dataDirIsMadeAbsolute() {
        assertThat(valid.dataDir()).isAbsolute();
    }

    @Test
    void badFieldsAreRefusedByName() {
        assertThatThrownBy(() -> valid.withPort(70000)).hasMessageContaining("port");
        assertThatThrownBy(() -> valid.withNumPartitions(0)).hasMessageContaining("numPartitions");
        assertThatThrownBy(() -> valid.withHeap("lots")).hasMessageContaining("heap");
        assertThatThrownBy(() -> valid.withStartTimeout(Duration.ZERO)).hasMessageContaining("startTimeout");
    }

    @Test
    void brokerPropertiesCannotTakeOverListenersOrIdentity() {
        assertThatThrownBy(() -> valid.withBrokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
                .hasMessageContaining("listeners");
        assertThatThrownBy(() -> valid.withBrokerProperty("log.dirs", "/tmp"))
                .hasMessageContaining("log.dirs");
        assertThat(valid.withBrokerProperty("log.retention.hours", "1").brokerProperties())
                .isEqualTo(Map.of("log.retention.hours", "1"));
    }

    @Test
    void renderedBrokerListensOnLoopbackOnlyWithSingleReplicaInternalTopics() {
        var layout = new BrokerLayout(Path.of("/data").toAbsolutePath());
        Map<String, String> p = BrokerProperties.render(valid.withNumPartitions(7), layout, 9092, 9093);
        assertThat(p.get("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
        assertThat(p.get("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:9092");
        assertThat(p.get("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
        assertThat(p).containsEntry("num.partitions", "7")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("log.dirs", layout.kafkaLogs().toString());
    }
}
