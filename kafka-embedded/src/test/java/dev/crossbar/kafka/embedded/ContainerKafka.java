package dev.crossbar.kafka.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Testcontainers side of {@link KafkaFixture}, kept apart so that no Testcontainers class is loaded unless
 * Testcontainers is on the classpath (it is an optional dependency of this module).
 */
final class ContainerKafka {
    /** Image of the container; defaults to the version of the Kafka clients in use. */
    static final String IMAGE_PROPERTY = "crossbar.kafka.image";

    private ContainerKafka() {}

    static boolean onClasspath() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerKafka.class.getClassLoader());
            Class.forName("org.testcontainers.kafka.KafkaContainer", false, ContainerKafka.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static boolean dockerAvailable() {
        return DockerClientFactory.instance().isDockerAvailable();
    }

    static KafkaFixture.Broker start() {
        String image = System.getProperty(IMAGE_PROPERTY, "apache/kafka:" + clientsVersion());
        KafkaContainer container = new KafkaContainer(image);
        container.start();
        return new KafkaFixture.Broker("container " + image, container.getBootstrapServers(), container::stop);
    }

    /** The version of the kafka-clients jar in use, as it records it. */
    static String clientsVersion() {
        try (InputStream in = ContainerKafka.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "latest");
        } catch (IOException e) {
            return "latest";
        }
    }
}
