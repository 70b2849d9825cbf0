package dev.crossbar.store;

import dev.crossbar.core.model.RoutingKey;

import dev.crossbar.core.event.EventEnvelope;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.MessageState;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox table and the records the store announces on it. Topics: {@value #EVENTS} (every new protocol
 * event, keyed {@code <chainId>:<emitter>} so that each source stream keeps its order), {@value #MESSAGES}
 * (every lifecycle move, keyed by message id) and {@value #CONTROL} (circuit breakers).
 */
final class Outbox {
    static final String EVENTS = "events";
    static final String MESSAGES = "messages";
    static final String CONTROL = "control";
    static final String MESSAGE_SCHEMA = "crossbar.message/v1";
    static final String CONTROL_SCHEMA = "crossbar.control/v1";

    private Outbox() {}

    /** Adds a record; written behind ({@link Tx#later}): the records keep their order. */
    static void add(Tx tx, String topic, String key, String payload) throws SQLException {
        tx.later("INSERT INTO outbox (topic, key, payload, created_at) VALUES (?, ?, ?, ?)", topic, key, payload,
                tx.nowMillis());
    }

    /** Announces {@code event}, whose JSON ({@link Json#write}) is {@code eventJson}: not written again. */
    static void announceEvent(Tx tx, ProtocolEvent event, String eventJson) throws SQLException {
        add(tx, EVENTS, event.ref().chainId() + ":" + event.ref().address(), envelope(eventJson));
    }

    /** {@code Json.write(EventEnvelope.of(event))}, from the event's JSON. */
    static String envelope(String eventJson) {
        return "{\"schema\":\"" + EventEnvelope.SCHEMA + "\",\"event\":" + eventJson + "}";
    }

    static void announceTransition(Tx tx, MessageRecord message, MessageState from, String cause) throws SQLException {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("schema", MESSAGE_SCHEMA);
        payload.put("id", message.id());
        payload.put("kind", message.kind());
        payload.put("from", from);
        payload.put("to", message.state());
        payload.put("cause", cause);
        payload.put("sourceChainId", message.sourceChainId());
        payload.put("destinationChainId", message.destinationChainId());
        payload.put("at", tx.now());
        add(tx, MESSAGES, RoutingKey.of(message.destinationChainId(), message.id(), tx.routingSlots()),
                Json.write(payload));
    }

    static void announceBreaker(Tx tx, BreakerState breaker) throws SQLException {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("schema", CONTROL_SCHEMA);
        payload.put("type", "breaker");
        payload.put("chainId", breaker.chainId());
        payload.put("tripped", breaker.tripped());
        payload.put("reason", breaker.reason());
        payload.put("by", breaker.changedBy());
        payload.put("at", breaker.changedAt());
        add(tx, CONTROL, "breaker:" + breaker.chainId(), Json.write(payload));
    }

    static List<OutboxRecord> pending(Tx tx, int limit) throws SQLException {
        return tx.list("SELECT * FROM outbox ORDER BY id LIMIT ?", Rows::outbox, limit);
    }

    /** Published records are forgotten: the broker has them now. */
    static void published(Tx tx, List<Long> ids) throws SQLException {
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            tx.update("DELETE FROM outbox WHERE id IN (" + Tx.placeholders(chunk) + ")", chunk.toArray());
        }
    }
}
