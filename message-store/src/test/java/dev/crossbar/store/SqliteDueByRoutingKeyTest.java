package dev.crossbar.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Due messages by routing key on SQLite. */
class SqliteDueByRoutingKeyTest extends DueByRoutingKeyContract {
    @TempDir
    Path dir;

    @Override
    StoreFixture newFixture() {
        return StoreFixture.sqlite(dir.resolve("store.db"));
    }
}
