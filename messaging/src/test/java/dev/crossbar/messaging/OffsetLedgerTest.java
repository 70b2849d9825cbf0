package dev.crossbar.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offsets are committed only past records that are finished with; later ones do not wait for an earlier one. */
class OffsetLedgerTest {
    private final TopicPartition p0 = new TopicPartition("events", 0);
    private final OffsetLedger ledger = new OffsetLedger();

    @Test
    void theCommitPointIsTheLowestUnfinishedOffset() {
        for (long o = 0; o < 4; o++) {
            ledger.received(p0, o);
        }
        ledger.finished(p0, 0);
        ledger.finished(p0, 2);
        ledger.finished(p0, 3);
        assertThat(ledger.toCommit()).containsExactly(Map.entry(p0, new OffsetAndMetadata(1)));
        ledger.committed(ledger.toCommit());
        assertThat(ledger.toCommit()).as("nothing new to commit").isEmpty();
        ledger.finished(p0, 1);
        assertThat(ledger.toCommit()).containsExactly(Map.entry(p0, new OffsetAndMetadata(4)));
    }

    @Test
    void forgottenPartitionsAreNotCommitted() {
        ledger.received(p0, 7);
        ledger.finished(p0, 7);
        ledger.forget(List.of(p0));
        assertThat(ledger.toCommit()).isEmpty();
        assertThat(ledger.owns(p0)).isFalse();
    }
}
