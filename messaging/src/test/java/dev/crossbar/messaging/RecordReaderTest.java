package dev.crossbar.messaging;

import static dev.crossbar.messaging.TestRecords.consumed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordReaderTest {
    private final RecordReader<Transfer> reader = RecordReader.of(RecordHeaders.EVENT_SCHEMA, Transfer.class);

    @Test
    void aRecordFollowingTheConventionsIsReadAsItsType() {
        ReadResult<Transfer> result = reader.read(consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", "{\"id\":\"a\",\"seq\":3}"));
        assertThat(result).isInstanceOfSatisfying(ReadResult.Valid.class, valid -> {
            assertThat(valid.value()).isEqualTo(new Transfer("a", 3));
            assertThat(valid.source().key()).isEqualTo("key-1");
        });
    }

    @Test
    void whatASenderWritesTheReaderReads() {
        var sent = TestRecords.transfer("t", "k", "x", 9);
        var record = new ConsumerRecord<>("t", 0, 0L, sent.key(), sent.value());
        sent.headers().forEach(h -> record.headers().add(h));
        assertThat(reader.read(record)).isInstanceOfSatisfying(ReadResult.Valid.class,
                valid -> assertThat(valid.value()).isEqualTo(new Transfer("x", 9)));
    }

    @Test
    void everyBreachOfTheConventionsIsRejectedWithItsReason() {
        assertThat(reason(consumed(null, "Transfer", "{}"))).isEqualTo("missing header crossbar-schema");
        assertThat(reason(consumed("crossbar.event/v9", "Transfer", "{}")))
                .startsWith("unknown schema 'crossbar.event/v9'").contains("crossbar.event/v1");
        assertThat(reason(consumed(RecordHeaders.EVENT_SCHEMA, null, "{}"))).isEqualTo("missing header crossbar-type");
        assertThat(reason(consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", null))).startsWith("no value");
        assertThat(reason(consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", ""))).isEqualTo("value is empty");
        assertThat(reason(consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", "{\"id\": ")))
                .startsWith("value is not valid JSON");
        assertThat(reason(consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", "{\"id\":\"a\",\"seq\":\"many\"}")))
                .startsWith("value does not match schema crossbar.event/v1 (Transfer)");
        assertThat(reason(consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", "{\"id\":\"a\"} trailing")))
                .startsWith("value is not valid JSON");
        assertThat(reason(consumed(RecordHeaders.EVENT_SCHEMA, "Transfer", "null"))).isEqualTo("value is JSON null");

        var notUtf8 = new ConsumerRecord<String, byte[]>("t", 0, 0L, "k", new byte[] {(byte) 0xC3, (byte) 0x28});
        notUtf8.headers().add(RecordHeaders.SCHEMA, RecordHeaders.EVENT_SCHEMA.getBytes(StandardCharsets.UTF_8));
        notUtf8.headers().add(RecordHeaders.TYPE, "Transfer".getBytes(StandardCharsets.UTF_8));
        assertThat(reason(notUtf8)).isEqualTo("value is not UTF-8 text");
    }

    private String reason(ConsumerRecord<String, byte[]> record) {
        ReadResult<Transfer> result = reader.read(record);
        assertThat(result).isInstanceOf(ReadResult.Rejected.class);
        return ((ReadResult.Rejected<Transfer>) result).reason();
    }
}
