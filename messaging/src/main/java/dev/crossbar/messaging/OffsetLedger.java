package dev.crossbar.messaging;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which consumed records are finished with, per partition, so that offsets are committed only past records whose
 * effect is durable (docs/architecture.md rule 1), while the records after one whose handling is deferred (a check
 * waiting for a deadline) need not wait for it. Rule: the commit point of a partition is its lowest unfinished
 * offset, or one past the highest received offset when none is unfinished; a new life of the loop reads again from
 * there (handlers are idempotent). Thread-safe: deferred handling finishes on other threads than the consumer's.
 */
final class OffsetLedger {
    private final Map<TopicPartition, TreeSet<Long>> unfinished = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    synchronized void received(TopicPartition tp, long offset) {
        unfinished.computeIfAbsent(tp, k -> new TreeSet<>()).add(offset);
        next.merge(tp, offset + 1, Math::max);
    }

    synchronized void finished(TopicPartition tp, long offset) {
        TreeSet<Long> u = unfinished.get(tp);
        if (u != null) {
            u.remove(offset);
        }
    }

    /** The offsets to commit now: partitions whose commit point moved since the last commit. */
    synchronized Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : next.entrySet()) {
            TreeSet<Long> u = unfinished.get(e.getKey());
            long point = u == null || u.isEmpty() ? e.getValue() : u.first();
            if (point > committed.getOrDefault(e.getKey(), -1L)) {
                out.put(e.getKey(), new OffsetAndMetadata(point));
            }
        }
        return out;
    }

    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
    }

    /** Forgets partitions this member no longer owns: their records are redelivered to the new owner. */
    synchronized void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> {
            unfinished.remove(tp);
            next.remove(tp);
            committed.remove(tp);
        });
    }

    synchronized boolean owns(TopicPartition tp) {
        return next.containsKey(tp);
    }
}
