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

    /** Applies an event this batch recorded. */
    void apply(long eventId, ProtocolEvent event) throws SQLException {
        recorded.add(eventId);
        run(eventId, event);
    }

    /** Applies the earlier events about the messages this batch created; returns the batch's transitions. */
    int finish() throws SQLException {
        if (!created.isEmpty()) {
            List<String> subjects = new ArrayList<>(created);
            for (String id : created) {
                Messages.find(tx, id).map(MessageRecord::messengerHash).ifPresent(subjects::add);
            }
            for (int from = 0; from < subjects.size(); from += 500) {
                List<String> chunk = subjects.subList(from, Math.min(subjects.size(), from + 500));
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
