package dev.crossbar.messaging;

/**
 * Applies one valid record's effect. Rule: return only once the effect is durable (e.g. committed in the
 * store), because the consumer loop commits the record's offset as soon as this returns (docs/architecture.md rule 1).
 * Effects must be idempotent: a record can be delivered again after a restart of the loop or a rebalance.
 */
@FunctionalInterface
public interface RecordHandler<T> {
    /**
     * @throws PermanentRecordException the record can never be processed: it goes to the dead-letter topic
     * @throws Exception                anything else ends this life of the loop; the next life reads the record again
     */
    void handle(ReadResult.Valid<T> record) throws Exception;

    /**
     * A handler whose effect may become durable after it returns (a check that waits for a deadline): the record's
     * offset is committed once {@code done} has run (from any thread), and the records after it are handled meanwhile.
     * Exceptions as for {@link RecordHandler#handle}.
     */
    @FunctionalInterface
    interface Deferred<T> {
        void handle(ReadResult.Valid<T> record, Runnable done) throws Exception;
    }
}
