package dev.crossbar.store;

/** Due messages by routing key on PostgreSQL. */
class PostgresDueByRoutingKeyTest extends DueByRoutingKeyContract {

    @Override
    StoreFixture newFixture() {
        return StoreFixture.postgres();
    }
}
