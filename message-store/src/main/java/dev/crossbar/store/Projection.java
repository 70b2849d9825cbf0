package dev.crossbar.store;

import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projection of one batch: each new event is applied as it is recorded; then, for the messages the batch
 * created (or brought back from ORPHANED), the events recorded earlier about them are applied too, oldest
 * first. Chains are watched independently, so a deposit's execution on its L2 can be recorded before the
 * deposit itself is confirmed on L1; such an event was skipped then and counts now (its moves are caused by
 * it, so a reorg of its chain undoes them).
 */
final class Projection {
    private static final Logger log = LoggerFactory.getLogger(Projection.class);

    private final LifecycleProjector projector;
    private final Tx tx;
    private final Set<Long> recorded = new HashSet<>();
    private final Set<String> created = new LinkedHashSet<>();
    /** Messages known not to be in the store (see {@link #prefetch}). */
    private final Set<String> absent = new HashSet<>();
    private static final int CHUNK = 500;
    private int transitions;

    Projection(LifecycleProjector projector, Tx tx) {
        this.projector = projector;
        this.tx = tx;
    }

    Tx tx() {
        return tx;
    }

    void created(String messageId) {
        created.add(Messages.normalize(messageId));
    }

    /**
     * Finds out, in a few queries, which of the messages the batch's events create are not in the store yet, so that
     * their creation need not look each up ({@link #absent}).
     */
    void prefetch(List<ProtocolEvent> events) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        for (ProtocolEvent e : events) {
            String id = LifecycleProjector.createdBy(e);
            if (id != null) {
                ids.add(Messages.normalize(id));
            }
        }
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            ids.removeAll(tx.list("SELECT id FROM messages WHERE id IN (" + Tx.placeholders(chunk) + ")",
                    r -> r.str("id"), chunk.toArray()));
        }
        absent.addAll(ids);
    }

    /**
     * Whether message {@code id} was not in the store when the batch began and nothing has created it since: true
     * once only (the caller creates it).
     */
    boolean absent(String id) {
        return absent.remove(Messages.normalize(id));
    }

    /** Applies an event this batch recorded. */
    void apply(long eventId, ProtocolEvent event) throws SQLException {
        recorded.add(eventId);
        run(eventId, event);
    }

    /** Applies the earlier events about the messages this batch created; returns the batch's transitions. */
    int finish() throws SQLException {
        if (!created.isEmpty()) {
            List<String> subjects = new ArrayList<>(created);
            List<String> ids = new ArrayList<>(created);
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                subjects.addAll(tx.list("SELECT messenger_hash FROM messages WHERE id IN (" + Tx.placeholders(chunk)
                        + ") AND messenger_hash IS NOT NULL", r -> r.str("messenger_hash"), chunk.toArray()));
            }
            for (int from = 0; from < subjects.size(); from += CHUNK) {
                List<String> chunk = subjects.subList(from, Math.min(subjects.size(), from + CHUNK));
                for (var earlier : tx.list("SELECT id, payload FROM events WHERE subject IN ("
                        + Tx.placeholders(chunk) + ") AND removed = FALSE ORDER BY id",
                        r -> new Object[] {r.lng("id"), r.str("payload")}, chunk.toArray())) {
                    long eventId = (Long) earlier[0];
                    if (recorded.add(eventId)) {
                        ProtocolEvent event = Json.read((String) earlier[1], ProtocolEvent.class);
                        log.debug("applying an event recorded before its message: type={} subject={} event={}",
                                event.type(), LifecycleProjector.subjectOf(event), event.ref().key());
                        run(eventId, event);
                    }
                }
            }
        }
        return transitions;
    }

    private void run(long eventId, ProtocolEvent event) throws SQLException {
        LifecycleProjector.Step step = new LifecycleProjector.Step(this, eventId, event.ref());
        projector.apply(step, event);
        transitions += step.transitions;
    }
}
