package dev.crossbar.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What makes a transaction run the inserts it wrote behind: a statement that names their table. */
class TxTest {
    @Test
    void aTableIsNamedAsAWholeWordOnly() {
        assertThat(Tx.mentions("SELECT * FROM messages WHERE id = ?", "messages")).isTrue();
        assertThat(Tx.mentions("UPDATE messages SET state = ?", "messages")).isTrue();
        assertThat(Tx.mentions("SELECT COUNT(*) FROM outbox", "outbox")).isTrue();
        assertThat(Tx.mentions("INSERT INTO message_transitions (message_id) VALUES (?)", "messages")).isFalse();
        assertThat(Tx.mentions("SELECT * FROM events WHERE subject = ?", "messages")).isFalse();
        assertThat(Tx.mentions("SELECT * FROM outbox_archive", "outbox")).isFalse();
    }
}
