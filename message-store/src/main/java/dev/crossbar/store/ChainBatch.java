package dev.crossbar.store;

import dev.crossbar.core.event.ProtocolEvent;
import java.util.List;
import java.util.Objects;

/**
 * What a watcher read from one chain in one step: the blocks it covered (in ascending order), the protocol
 * events in them, and the logs it had to set aside. The store records all of it, applies the events to the
 * message lifecycle, queues the outbox records and advances the chain's cursor to the last block, in one
 * transaction.
 *
 * @param chainId the chain read
 * @param blocks every block the step covered, ascending and contiguous, each the parent of the next; the
 *     last one becomes the cursor
 * @param events the decoded events, in (block, log index) order
 * @param setAside logs that could not be decoded, with the reason
 */
public record ChainBatch(long chainId, List<BlockRef> blocks, List<ProtocolEvent> events, List<SetAsideLog> setAside) {
    public ChainBatch {
        blocks = List.copyOf(Objects.requireNonNull(blocks, "blocks"));
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        setAside = List.copyOf(Objects.requireNonNull(setAside, "setAside"));
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException("a batch covers at least one block");
        }
        for (int i = 1; i < blocks.size(); i++) {
            BlockRef prev = blocks.get(i - 1);
            BlockRef b = blocks.get(i);
            if (b.number() != prev.number() + 1 || !b.parentHash().equalsIgnoreCase(prev.hash())) {
                throw new IllegalArgumentException("batch blocks are not a chain: " + prev + " then " + b);
            }
        }
        for (ProtocolEvent e : events) {
            if (e.ref().chainId() != chainId) {
                throw new IllegalArgumentException("event from chain " + e.ref().chainId() + " in a batch of chain " + chainId);
            }
        }
    }

    public BlockRef last() {
        return blocks.getLast();
    }
}
