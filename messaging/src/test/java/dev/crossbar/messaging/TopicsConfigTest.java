package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicsConfigTest {
    @Test
    void defaultsNameTheFourTopics() {
        assertThat(TopicsConfig.defaults().all()).extracting(TopicSpec::name)
                .containsExactly("crossbar.events", "crossbar.messages", "crossbar.control", "crossbar.deadletter");
        assertThat(TopicsConfig.withPrefix("dev-1").deadLetter().name()).isEqualTo("dev-1.deadletter");
    }

    @Test
    void invalidTopicSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> new TopicSpec("crossbar.events", 0, Duration.ofDays(1)))
                .hasMessageContaining("partitions").hasMessageContaining("crossbar.events");
        assertThatThrownBy(() -> new TopicSpec("crossbar.events", 1, Duration.ZERO))
                .hasMessageContaining("retention").hasMessageContaining("crossbar.events");
        assertThatThrownBy(() -> new TopicSpec("bad name!", 1, Duration.ofDays(1))).hasMessageContaining("name");
        assertThatThrownBy(() -> new TopicSpec("x".repeat(250), 1, Duration.ofDays(1))).hasMessageContaining("name");
        assertThatThrownBy(() -> TopicsConfig.withPrefix("has space")).hasMessageContaining("prefix");
    }

    @Test
    void invalidTopicsConfigIsRefusedNamingTheField() {
        TopicsConfig config = TopicsConfig.defaults();
        assertThatThrownBy(() -> config.withReplicationFactor((short) 0)).hasMessageContaining("replicationFactor");
        assertThatThrownBy(() -> config.withControl(null)).hasMessageContaining("control is required");
        assertThatThrownBy(() -> config.withDeadLetter(config.events()))
                .hasMessageContaining("events and deadLetter must be different topics");
    }
}
