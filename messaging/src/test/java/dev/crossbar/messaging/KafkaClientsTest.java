package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.crossbar.kafka.embedded.KafkaFixture;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaClientsTest {
    private final KafkaClients clients = new KafkaClients(KafkaClientConfig.of("127.0.0.1:9092", "relayer"));

    @Test
    void producerIsIdempotentWithAcksAllAndAtMostFiveInFlight() {
        Map<String, Object> p = clients.producerProperties(ByteArraySerializer.class);
        assertThat(p).containsEntry("enable.idempotence", "true")
                .containsEntry("acks", "all")
                .containsEntry("max.in.flight.requests.per.connection", "5")
                .containsEntry("retries", Integer.toString(Integer.MAX_VALUE))
                .containsEntry("delivery.timeout.ms", "120000")
                .containsEntry("value.serializer", ByteArraySerializer.class);
        assertThat((String) p.get("client.id")).startsWith("relayer-producer-");
    }

    @Test
    void consumerCommitsManuallyAndReadsCommittedFromTheEarliest() {
        Map<String, Object> p = clients.consumerProperties("relayers", ByteArrayDeserializer.class);
        assertThat(p).containsEntry("group.id", "relayers")
                .containsEntry("enable.auto.commit", "false")
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("max.poll.records", "100")
                .containsEntry("max.poll.interval.ms", "300000");
    }

    @Test
    void overridesThatWeakenSafetyAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> withOverride("acks", "1").producerProperties(ByteArraySerializer.class))
                .hasMessageContaining("acks=1").hasMessageContaining("in-sync replicas");
        assertThatThrownBy(() -> withOverride("enable.idempotence", "false").producerProperties(ByteArraySerializer.class))
                .hasMessageContaining("enable.idempotence=false");
        assertThatThrownBy(() -> withOverride("max.in.flight.requests.per.connection", "6")
                .producerProperties(ByteArraySerializer.class)).hasMessageContaining("max.in.flight");
        assertThatThrownBy(() -> withOverride("enable.auto.commit", "true")
                .consumerProperties("g", ByteArrayDeserializer.class)).hasMessageContaining("rule 1");
        assertThatThrownBy(() -> withOverride("isolation.level", "read_uncommitted")
                .consumerProperties("g", ByteArrayDeserializer.class)).hasMessageContaining("isolation.level");
        assertThat(withOverride("max.in.flight.requests.per.connection", "1").producerProperties(ByteArraySerializer.class))
                .containsEntry("max.in.flight.requests.per.connection", "1");
        assertThat(withOverride("linger.ms", "20").producerProperties(ByteArraySerializer.class))
                .containsEntry("linger.ms", "20");
    }

    @Test
    void aRealProducerRunsWithTheIdempotentSettings() throws Exception {
        // Kafka logs every client's effective configuration through AbstractConfig's logger.
        Logger kafkaConfigLog = (Logger) LoggerFactory.getLogger(AbstractConfig.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level before = kafkaConfigLog.getLevel();
        kafkaConfigLog.setLevel(Level.INFO);
        kafkaConfigLog.addAppender(appender);
        var real = new KafkaClients(KafkaClientConfig.of(KafkaFixture.bootstrapServers(), "idempotence-test"));
        try (var producer = real.bytesProducer()) {
            producer.send(TestRecords.transfer(KafkaFixture.uniqueTopic("idempotent"), "k", "a", 1)).get();
        } finally {
            kafkaConfigLog.detachAppender(appender);
            kafkaConfigLog.setLevel(before);
        }
        String effective = appender.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("ProducerConfig values")).findFirst().orElseThrow();
        assertThat(effective).contains("enable.idempotence = true", "acks = -1",
                "max.in.flight.requests.per.connection = 5", "retries = 2147483647");
    }

    private KafkaClients withOverride(String key, String value) {
        return new KafkaClients(clients.config().withOverride(key, value));
    }

}
