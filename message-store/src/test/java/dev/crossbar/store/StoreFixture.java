package dev.crossbar.store;

/** A fresh database for one test, and stores on it (several: replicas, or a restart). */
interface StoreFixture extends AutoCloseable {
    /** Opens a store on this fixture's database (the caller closes it). */
    MessageStore open();

    /** Deletes the database. */
    @Override
    void close();
}
