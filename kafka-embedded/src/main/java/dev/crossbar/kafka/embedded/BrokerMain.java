package dev.crossbar.kafka.embedded;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the broker's child JVM, never called in the application's JVM: formats the storage with the
 * given cluster id the first time a data directory is used, then runs the broker ({@code kafka.Kafka}) on the
 * generated {@code server.properties}. Formatting and serving in one JVM saves a second JVM start.
 *
 * <p>Arguments: {@code <server.properties> <kafka-logs dir> <cluster id>}.
 */
public final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: BrokerMain <server.properties> <kafka-logs dir> <cluster id>");
            System.exit(2);
        }
        String serverProperties = args[0];
        Path kafkaLogs = Path.of(args[1]);
        String clusterId = args[2];
        if (!Files.exists(kafkaLogs.resolve("meta.properties"))) {
            System.out.println("formatting " + kafkaLogs + " for cluster " + clusterId);
            int rc;
            try {
                rc = kafka.tools.StorageTool.execute(new String[] {
                        "format", "--config", serverProperties, "--cluster-id", clusterId, "--ignore-formatted"},
                        System.out);
            } catch (RuntimeException e) {
                e.printStackTrace();
                rc = 1;
            }
            if (rc != 0) {
                System.err.println("formatting " + kafkaLogs + " failed with exit code " + rc);
                System.exit(rc);
            }
        }
        kafka.Kafka.main(new String[] {serverProperties});
    }
}
