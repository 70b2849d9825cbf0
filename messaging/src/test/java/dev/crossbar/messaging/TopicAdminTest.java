package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.kafka.embedded.KafkaFixture;
import dev.crossbar.messaging.TopicAdmin.PartitionGrowth;
import dev.crossbar.messaging.TopicStatus.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TopicAdminTest {
    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaFixture.bootstrapServers()));
    private final TopicAdmin topicAdmin = new TopicAdmin(admin);

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void missingTopicsAreCreatedWithTheirPartitionsAndRetention() throws Exception {
        TopicsConfig topics = uniqueTopics();
        List<TopicStatus> result = TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), topics);

        assertThat(result).extracting(TopicStatus::outcome).containsOnly(Outcome.CREATED);
        for (TopicSpec spec : topics.all()) {
            assertThat(partitions(spec.name())).as(spec.name()).isEqualTo(spec.partitions());
            assertThat(retentionMs(spec.name())).as(spec.name()).isEqualTo(spec.retentionMs());
        }
        assertThat(partitions(topics.events().name())).isEqualTo(4);
        assertThat(retentionMs(topics.control().name())).isEqualTo(Duration.ofHours(5).toMillis());
    }

    /** Replicas starting at the same moment all create the same topics: each of them starts, none fails. */
    @Test
    void replicasEnsuringTheSameTopicsAtOnceAllSucceed() throws Exception {
        TopicsConfig topics = uniqueTopics();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<List<TopicStatus>>> starts = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(pool.submit(() -> TopicAdmin.ensureTopics(KafkaFixture.bootstrapServers(), topics)));
            }
            for (var start : starts) {
                assertThat(start.get(60, java.util.concurrent.TimeUnit.SECONDS)).hasSize(topics.all().size())
                        .allMatch(t -> t.outcome() != TopicStatus.Outcome.MISMATCH);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void existingTopicsAsConfiguredAreLeftAlone() {
        TopicsConfig topics = uniqueTopics();
        topicAdmin.ensureTopics(topics, PartitionGrowth.REPORT);
        assertThat(topicAdmin.ensureTopics(topics, PartitionGrowth.RAISE))
                .extracting(TopicStatus::outcome).containsOnly(Outcome.UNCHANGED);
    }

    @Test
    void partitionsAreRaisedOnlyWhenAsked() throws Exception {
        TopicsConfig topics = uniqueTopics();
        topicAdmin.ensureTopics(topics, PartitionGrowth.REPORT);
        TopicsConfig more = topics.withEvents(new TopicSpec(topics.events().name(), 6, topics.events().retention()));

        TopicStatus notAsked = topicAdmin.ensureTopics(more, PartitionGrowth.REPORT).getFirst();
        assertThat(notAsked.outcome()).isEqualTo(Outcome.MISMATCH);
        assertThat(notAsked.detail()).contains("has 4 partitions, config asks 6", "not raised");
        assertThat(partitions(topics.events().name())).isEqualTo(4);

        TopicStatus asked = topicAdmin.ensureTopics(more, PartitionGrowth.RAISE).getFirst();
        assertThat(asked.outcome()).isEqualTo(Outcome.PARTITIONS_RAISED);
        assertThat(asked.detail()).isEqualTo("partitions raised from 4 to 6");
        assertThat(partitions(topics.events().name())).isEqualTo(6);
    }

    @Test
    void partitionsAreNeverLoweredAndEveryOtherDifferenceIsReported() throws Exception {
        TopicsConfig topics = uniqueTopics();
        topicAdmin.ensureTopics(topics, PartitionGrowth.REPORT);
        TopicsConfig different = topics
                .withEvents(new TopicSpec(topics.events().name(), 2, topics.events().retention()))
                .withControl(new TopicSpec(topics.control().name(), 1, Duration.ofHours(9)))
                .withReplicationFactor((short) 2);

        List<TopicStatus> result = topicAdmin.ensureTopics(different, PartitionGrowth.RAISE);

        assertThat(result).extracting(TopicStatus::outcome).containsOnly(Outcome.MISMATCH);
        assertThat(result.get(0).detail()).contains("has 4 partitions, config asks 2", "never lowered",
                "has replication factor 1, config asks 2");
        assertThat(partitions(topics.events().name())).isEqualTo(4);
        assertThat(result.get(2).detail()).contains("has retention.ms " + Duration.ofHours(5).toMillis()
                + ", config asks " + Duration.ofHours(9).toMillis());
        assertThat(retentionMs(topics.control().name())).isEqualTo(Duration.ofHours(5).toMillis());
    }

    private static TopicsConfig uniqueTopics() {
        String prefix = KafkaFixture.uniqueTopic("admin");
        return TopicsConfig.withPrefix(prefix)
                .withEvents(new TopicSpec(prefix + ".events", 4, Duration.ofDays(2)))
                .withControl(new TopicSpec(prefix + ".control", 1, Duration.ofHours(5)));
    }

    private int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
    }

    private long retentionMs(String topic) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value());
    }
}
