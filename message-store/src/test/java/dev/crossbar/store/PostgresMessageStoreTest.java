package dev.crossbar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The contract on PostgreSQL; each test in its own schema, replicas as separate pools. */
class PostgresMessageStoreTest extends MessageStoreContract {

    @Override
    StoreFixture newFixture() {
        return StoreFixture.postgres();
    }

    @Test
    void unreachableServerIsNamedButItsPasswordNeverIs() {
        String secret = "hunter2-do-not-print";
        StoreConfig config = StoreConfig.postgres("jdbc:postgresql://127.0.0.1:1/test?password=" + secret,
                "crossbar", 2, "crossbar");

        assertThatThrownBy(() -> MessageStores.open(config, TOPOLOGY, secret.toCharArray()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining(secret)
                .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(secret));
        assertThat(config.toString()).contains("127.0.0.1:1/test").doesNotContain(secret);
    }
}
