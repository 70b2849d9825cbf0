package dev.crossbar.store;

import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Which L1 each L2 settles on (the store gives a withdrawal its destination chain from it), and how many signer
 * slots the relayer routes each destination's messages to (the key of message records on Kafka).
 *
 * @param settlementOf L2 chain id to L1 chain id
 * @param signerSlots the relayer's signer slots per destination chain (see {@link dev.crossbar.core.model.RoutingKey})
 */
public record ChainTopology(Map<Long, Long> settlementOf, int signerSlots) {
    public ChainTopology {
        settlementOf = Map.copyOf(settlementOf);
        if (signerSlots < 1) {
            throw new IllegalArgumentException("signerSlots must be at least 1, was " + signerSlots);
        }
    }

    public ChainTopology(Map<Long, Long> settlementOf) {
        this(settlementOf, 1);
    }

    public long l1Of(long l2ChainId) {
        Long l1 = settlementOf.get(l2ChainId);
        if (l1 == null) {
            throw new NoSuchElementException("chain " + l2ChainId + " is not a configured L2");
        }
        return l1;
    }
}
