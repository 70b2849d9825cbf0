package dev.crossbar.store;

/** Opens the configured message store. */
public final class MessageStores {
    private MessageStores() {}

    /** Opens a store that needs no password (SQLite, or PostgreSQL with trust or certificate auth). */
    public static MessageStore open(StoreConfig config, ChainTopology topology) {
        return open(config, topology, null);
    }

    /**
     * Opens the store, creating or migrating its schema.
     *
     * @param password the PostgreSQL password, resolved by the caller; ignored for SQLite; never logged
     * @throws StoreException when the database cannot be reached or migrated
     */
    public static MessageStore open(StoreConfig config, ChainTopology topology, char[] password) {
        return switch (config.backend()) {
            case SQLITE -> SqliteMessageStore.open(config.sqlitePath(), topology);
            case POSTGRES -> PostgresMessageStore.open(config, password, topology);
        };
    }
}
