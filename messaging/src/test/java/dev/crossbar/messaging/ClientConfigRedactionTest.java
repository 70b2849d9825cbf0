package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ClientConfigRedactionTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"relayer\" password=\"jaas-pw-4711\";";

    @Test
    void secretsAreRedactedAndSerializerNamesKept() {
        Map<String, String> safe = ClientConfigRedaction.redact(Map.of(
                "sasl.jaas.config", JAAS,
                "ssl.key.password", "key-pw",
                "ssl.keystore.password", "store-pw",
                "sasl.oauthbearer.token.endpoint.url", "https://idp/token?client_secret=x",
                "client.secret", "s",
                "key.serializer", StringSerializer.class,
                "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
                "bootstrap.servers", "kafka:9092"));
        assertThat(safe).containsEntry("sasl.jaas.config", ClientConfigRedaction.REDACTED)
                .containsEntry("ssl.key.password", ClientConfigRedaction.REDACTED)
                .containsEntry("ssl.keystore.password", ClientConfigRedaction.REDACTED)
                .containsEntry("sasl.oauthbearer.token.endpoint.url", ClientConfigRedaction.REDACTED)
                .containsEntry("client.secret", ClientConfigRedaction.REDACTED)
                .containsEntry("key.serializer", StringSerializer.class.getName())
                .containsEntry("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
                .containsEntry("bootstrap.servers", "kafka:9092");
    }

    @Test
    void loggedClientConfigNeverShowsTheSecret() {
        Logger clientsLog = (Logger) LoggerFactory.getLogger(KafkaClients.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        clientsLog.addAppender(appender);
        var clients = new KafkaClients(KafkaClientConfig.of("127.0.0.1:1", "redaction-test")
                .withOverride("security.protocol", "SASL_PLAINTEXT")
                .withOverride("sasl.mechanism", "PLAIN")
                .withOverride("sasl.jaas.config", JAAS));
        try {
            clients.stringProducer().close(Duration.ZERO);
        } finally {
            clientsLog.detachAppender(appender);
        }
        assertThat(appender.list).isNotEmpty();
        String logged = appender.list.getFirst().getFormattedMessage();
        assertThat(logged).doesNotContain("jaas-pw-4711")
                .contains("sasl.jaas.config=" + ClientConfigRedaction.REDACTED)
                .contains("key.serializer=" + StringSerializer.class.getName())
                .contains("security.protocol=SASL_PLAINTEXT");
    }
}
