package dev.crossbar.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaFixtureTest {
    @Test
    void oneBrokerIsSharedByTheWholeJvm() throws Exception {
        String first = KafkaFixture.bootstrapServers();
        String second = KafkaFixture.bootstrapServers();
        assertThat(second).isEqualTo(first);

        String topic = KafkaFixture.uniqueTopic("Fixture Test");
        assertThat(topic).matches("fixture-test-[0-9a-f-]{12}");
        EmbeddedKafkaTest.produce(first, topic, "k", "v");
        assertThat(EmbeddedKafkaTest.consumeAll(first, topic, 1)).isEqualTo(List.of("k=v"));
    }

    @Test
    void withoutDockerTheFixtureRunsTheEmbeddedBroker() {
        org.junit.jupiter.api.Assumptions.assumeFalse(ContainerKafka.onClasspath() && ContainerKafka.dockerAvailable(),
                "Docker is available here: the fixture uses a container");
        assertThat(KafkaFixture.description()).startsWith("embedded pid ");
    }
}
