package dev.crossbar.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the configured topics exist as configured. Rules: a missing topic is created with its partitions,
 * retention and the replication factor; an existing topic is never lowered, never silently left different:
 * fewer partitions than configured are raised only when the caller asks ({@link PartitionGrowth#RAISE}, since
 * it moves keys to other partitions), and every remaining difference is reported as a
 * {@link TopicStatus.Outcome#MISMATCH} with what differs.
 */
public final class TopicAdmin {
    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final long TIMEOUT_SECONDS = 30;

    /** What to do with an existing topic that has fewer partitions than configured. */
    public enum PartitionGrowth {
        /** Leave it and report a mismatch. */
        REPORT,
        /** Raise it to the configured count. */
        RAISE
    }

    private final Admin admin;

    public TopicAdmin(Admin admin) {
        this.admin = admin;
    }

    /** {@link #ensureTopics(TopicsConfig, PartitionGrowth)} on a plaintext cluster, partitions not raised. */
    public static List<TopicStatus> ensureTopics(String bootstrapServers, TopicsConfig config) {
        return ensureTopics(bootstrapServers, config, PartitionGrowth.REPORT);
    }

    public static List<TopicStatus> ensureTopics(String bootstrapServers, TopicsConfig config, PartitionGrowth growth) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return new TopicAdmin(admin).ensureTopics(config, growth);
        }
    }

    /** One status per configured topic, in {@link TopicsConfig#all()} order. */
    public List<TopicStatus> ensureTopics(TopicsConfig config, PartitionGrowth growth) {
        List<TopicStatus> result = new ArrayList<>();
        for (TopicSpec spec : config.all()) {
            TopicStatus status = ensure(spec, config.replicationFactor(), growth);
            if (status.outcome() == TopicStatus.Outcome.MISMATCH) {
                log.warn("kafka topic differs from config: topic={} detail=\"{}\"", status.topic(), status.detail());
            } else {
                log.info("kafka topic ready: topic={} outcome={} detail=\"{}\"", status.topic(), status.outcome(),
                        status.detail());
            }
            result.add(status);
        }
        return result;
    }

    private TopicStatus ensure(TopicSpec spec, short replicationFactor, PartitionGrowth growth) {
        TopicDescription existing = describe(spec.name());
        if (existing == null) {
            if (create(spec, replicationFactor)) {
                awaitVisible(spec.name(), spec.partitions());
                return new TopicStatus(spec.name(), TopicStatus.Outcome.CREATED, "created with " + spec.partitions()
                        + " partitions, replication factor " + replicationFactor + ", retention " + spec.retention());
            }
            // Created by someone else meanwhile (another replica starting at the same time): its metadata may take a
            // moment to reach the broker this client asks.
            awaitVisible(spec.name(), 1);
            existing = describe(spec.name());
            if (existing == null) {
                throw new KafkaException("topic " + spec.name() + " was reported as existing but cannot be described");
            }
        }
        return reconcile(spec, replicationFactor, growth, existing);
    }

    private TopicStatus reconcile(TopicSpec spec, short replicationFactor, PartitionGrowth growth, TopicDescription existing) {
        List<String> mismatches = new ArrayList<>();
        String raised = null;
        int partitions = existing.partitions().size();
        if (partitions > spec.partitions()) {
            mismatches.add("has " + partitions + " partitions, config asks " + spec.partitions()
                    + " (partitions are never lowered)");
        } else if (partitions < spec.partitions() && growth == PartitionGrowth.RAISE) {
            await(admin.createPartitions(Map.of(spec.name(), NewPartitions.increaseTo(spec.partitions()))).all(),
                    "raise partitions of " + spec.name());
            awaitVisible(spec.name(), spec.partitions());
            raised = "partitions raised from " + partitions + " to " + spec.partitions();
        } else if (partitions < spec.partitions()) {
            mismatches.add("has " + partitions + " partitions, config asks " + spec.partitions()
                    + " (not raised: raising moves keys to other partitions; ask for RAISE to do it)");
        }
        int replicas = existing.partitions().getFirst().replicas().size();
        if (replicas != replicationFactor) {
            mismatches.add("has replication factor " + replicas + ", config asks " + replicationFactor);
        }
        long retentionMs = retentionMs(spec.name());
        if (retentionMs != spec.retentionMs()) {
            mismatches.add("has retention.ms " + retentionMs + ", config asks " + spec.retentionMs());
        }
        if (!mismatches.isEmpty()) {
            if (raised != null) {
                mismatches.addFirst(raised);
            }
            return new TopicStatus(spec.name(), TopicStatus.Outcome.MISMATCH, String.join("; ", mismatches));
        }
        return raised != null
                ? new TopicStatus(spec.name(), TopicStatus.Outcome.PARTITIONS_RAISED, raised)
                : new TopicStatus(spec.name(), TopicStatus.Outcome.UNCHANGED, "as configured");
    }

    /** The topic's description, or null when it does not exist. */
    private TopicDescription describe(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return null;
            }
            throw failure("describe topic " + topic, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw interruptedOrTimedOut("describe topic " + topic, e);
        }
    }

    /**
     * Waits until the brokers' metadata shows the topic with {@code partitions} partitions: the controller
     * answers a create before every broker knows, and callers expect to use the topic once this returns.
     */
    private void awaitVisible(String topic, int partitions) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            TopicDescription description = describe(topic);
            if (description != null && description.partitions().size() >= partitions) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new KafkaException("topic " + topic + " was created but its " + partitions
                        + " partitions are not visible after " + TIMEOUT_SECONDS + "s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw interruptedOrTimedOut("wait for topic " + topic, e);
            }
        }
    }

    /** @return false when the topic already existed */
    private boolean create(TopicSpec spec, short replicationFactor) {
        NewTopic topic = new NewTopic(spec.name(), spec.partitions(), replicationFactor)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(spec.retentionMs())));
        try {
            admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw failure("create topic " + spec.name(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw interruptedOrTimedOut("create topic " + spec.name(), e);
        }
    }

    private long retentionMs(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(List.of(resource)).all(),
                "describe config of topic " + topic);
        ConfigEntry entry = configs.get(resource).get(TopicConfig.RETENTION_MS_CONFIG);
        return Long.parseLong(entry.value());
    }

    private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw interruptedOrTimedOut(what, e);
        }
    }

    private static KafkaException failure(String what, Throwable cause) {
        return new KafkaException("cannot " + what + ": " + cause, cause);
    }

    private static KafkaException interruptedOrTimedOut(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new KafkaException("interrupted while trying to " + what, e);
        }
        return new KafkaException("no answer within " + TIMEOUT_SECONDS + "s while trying to " + what, e);
    }
}
