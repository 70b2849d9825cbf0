package dev.crossbar.kafka.embedded;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code server.properties} of the single embedded node: broker and controller combined, node 1, a static
 * one-voter quorum (so a restart on another port resumes the same metadata log), listeners on 127.0.0.1
 * only, replication factor 1 for every internal topic, and sizes trimmed for a small heap and a fast start.
 */
final class BrokerProperties {
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {}

    static Map<String, String> render(EmbeddedKafkaConfig config, BrokerLayout layout, int port, int controllerPort) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + Ports.HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + Ports.HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + Ports.HOST
                + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + Ports.HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", layout.kafkaLogs().toString());

        p.put("num.partitions", Integer.toString(config.numPartitions()));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");

        // Small and quick: few threads on a small heap (the cleaner's default buffer alone is 128 MiB).
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        // After a crash the node's old registration must expire before it is unfenced: 5 s instead of 9 s.
        p.put("broker.heartbeat.interval.ms", "1000");
        p.put("broker.session.timeout.ms", "5000");
        p.putAll(config.brokerProperties());
        return p;
    }
}
