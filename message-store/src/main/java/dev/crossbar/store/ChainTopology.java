package dev.crossbar.store;

import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Which L1 each L2 settles on: the store needs it to give a withdrawal its destination chain.
 *
 * @param settlementOf L2 chain id to L1 chain id
 */
public record ChainTopology(Map<Long, Long> settlementOf) {
    public ChainTopology {
        settlementOf = Map.copyOf(settlementOf);
    }

    public long l1Of(long l2ChainId) {
        Long l1 = settlementOf.get(l2ChainId);
        if (l1 == null) {
            throw new NoSuchElementException("chain " + l2ChainId + " is not a configured L2");
        }
        return l1;
    }
}
