package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.Finding;
import dev.crossbar.store.OutputRecord;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The proposer posts a wrong output root (devnet switch {@code wrong-output}): the monitor finds it (BAD_OUTPUT),
 * deletes it with the challenger key well inside its window, alerts both webhooks with the evidence, trips l2a's
 * breaker (the relayer holds l2a's messages as BLOCKED) and pauses l2a's Portal.
 */
class WrongOutputTest {

    @Test
    void aWrongOutputIsDeletedInsideItsWindowAlertedAndItsChainBlocked() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            w.startMonitor(w.settings());
            w.proposeL2a();
            await().atMost(Duration.ofSeconds(30)).until(() -> w.store.outputs(Watchtower.L2A, 10).stream()
                    .anyMatch(o -> "VALID".equals(o.verdict())));

            BigInteger bad = w.nextOutputIndex(0);
            w.operator.proposer("l2a").proposeWrongOutputNext();
            Instant proposed = Instant.now();
            w.proposeL2a();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> w.nextOutputIndex(0).compareTo(bad) <= 0);
            Duration toDeletion = Duration.between(proposed, Instant.now());
            Finding finding = w.awaitFinding("BAD_OUTPUT", Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("BAD_OUTPUT", "l2a").isPresent());
            Duration toAlert = Duration.between(proposed, w.webhooks.firstAlert("BAD_OUTPUT", "l2a").orElseThrow());
            Watchtower.timing("wrong-output proposal->deletion", toDeletion);
            Watchtower.timing("wrong-output proposal->alert", toAlert);

            // the deletion landed on chain well before the window's end
            OutputRecord record = w.store.outputs(Watchtower.L2A, 10).stream()
                    .filter(o -> o.outputIndex().equals(bad)).findFirst().orElseThrow();
            assertThat(record.verdict()).isEqualTo("INVALID");
            long deletedAt = deletionTimestamp(w);
            long window = w.devnet.config().finalizationPeriod().toSeconds();
            assertThat(deletedAt).isLessThan(record.l1Timestamp() + window / 2);
            // one deletion on chain (deletionTimestamp finds exactly one OutputsDeleted); a second send after a lost
            // answer reverts and changes nothing
            String challenge = "challenge:901:" + bad + ":" + record.outputRoot();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(w.store.transactionsOf(challenge))
                    .noneMatch(TxRecord::isOpen).filteredOn(t -> t.status() == TxRecord.Status.CONFIRMED)
                    .hasSizeLessThanOrEqualTo(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.store.outputs(Watchtower.L2A, 10).stream()
                    .anyMatch(o -> o.outputIndex().equals(bad) && o.status() == OutputRecord.Status.DELETED));

            // the finding and its alert carry the evidence
            assertThat(finding.severity()).isEqualTo("critical");
            assertThat(finding.chainId()).isEqualTo(Watchtower.L2A);
            assertThat(finding.evidence()).containsEntry("seen", record.outputRoot())
                    .containsKeys("expected", "l2Block", "outputIndex", "deadline", "l1Block");
            JsonNode alert = w.webhooks.alert("BAD_OUTPUT").orElseThrow();
            assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("CrossbarBadOutput");
            assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(alert.path("labels").path("chain").asText()).isEqualTo("l2a");
            assertThat(alert.path("annotations").path("description").asText()).contains(record.outputRoot());
            assertThat(alert.path("annotations").path("runbook").asText()).isNotBlank();
            assertThat(alert.path("startsAt").asText()).isNotBlank();
            assertThat(alert.path("generatorURL").asText()).startsWith("http");
            assertThat(w.webhooks.jsonAlerts()).anyMatch(j -> j.path("kind").asText().equals("BAD_OUTPUT")
                    && j.path("evidence").path("seen").asText().equals(record.outputRoot()));

            // misbehaviour: breaker tripped (the relayer blocks l2a's messages), Portal paused
            assertThat(w.tripped(Watchtower.L2A)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(0));
            w.awaitBlockedMessage(0, 1, "after a bad output");

            // an honest output proposed again is VALID, and the finding was reported once
            w.proposeL2a();
            await().atMost(Duration.ofSeconds(30)).until(() -> w.store.outputs(Watchtower.L2A, 10).stream()
                    .filter(o -> o.status() == OutputRecord.Status.PROPOSED).allMatch(o -> "VALID".equals(o.verdict())));
            assertThat(w.findings("BAD_OUTPUT")).hasSize(1);
            assertThat(w.webhooks.alertmanagerAlerts().stream()
                    .filter(a -> a.path("labels").path("kind").asText().equals("BAD_OUTPUT"))).hasSize(1);
        }
    }

    private static long deletionTimestamp(Watchtower w) throws Exception {
        EthFilter f = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                w.settlement(0).outputOracle());
        f.addSingleTopic(org.web3j.abi.EventEncoder.encode(OutputOracle.OUTPUTSDELETED_EVENT));
        List<EthLog.LogResult> logs = w.l1().web3j().ethGetLogs(f).send().getLogs();
        assertThat(logs).hasSize(1);
        Log log = (Log) logs.getFirst().get();
        return w.l1().web3j().ethGetBlockByHash(log.getBlockHash(), false).send().getBlock().getTimestamp()
                .longValueExact();
    }
}
