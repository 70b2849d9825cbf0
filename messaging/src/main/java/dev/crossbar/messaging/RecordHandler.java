package dev.crossbar.messaging;


/**
 * Applies one valid record's effect. Rule: return only once the effect is durable (e.g. committed in the
 * store), because the consumer loop commits the record's offset as soon as this returns (docs/architecture.md rule 1).
 * Effects must be idempotent: a record can be delivered again after a crash or a rebalance.
 */
@FunctionalInterface
public interface RecordHandler<T> {
    /**
     * @throws PermanentRecordException the record can never be processed: it goes to the dead-letter topic
     * @throws Exception                anything else is transient: the same record is retried after a backoff
     */
    void handle(ReadResult.Valid<T> record) throws Exception;
}
