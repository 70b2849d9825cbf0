package dev.crossbar.store;

import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import java.util.Set;

/**
 * A filter over messages; null or empty fields do not filter. Results are ordered by creation, newest first.
 *
 * @param chainId matches the source or the destination chain
 * @param limit at most this many (1..1000)
 */
public record MessageQuery(Set<MessageState> states, Set<MessageKind> kinds, Long chainId, Long sourceChainId,
        Long destinationChainId, String sender, int limit) {

    public MessageQuery {
        states = states == null ? Set.of() : Set.copyOf(states);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
    }

    public static MessageQuery all() {
        return new MessageQuery(null, null, null, null, null, null, 1000);
    }

    public static MessageQuery inStates(Set<MessageState> states) {
        return new MessageQuery(states, null, null, null, null, null, 1000);
    }
}
