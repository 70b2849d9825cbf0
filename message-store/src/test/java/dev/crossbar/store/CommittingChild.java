package dev.crossbar.store;

import dev.crossbar.core.event.ProtocolEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by the durability test: commits batches to a SQLite store as fast as it can and prints
 * {@code COMMITTED <block>} after each commit returned, until it is killed.
 */
public final class CommittingChild {
    static final long CHAIN = 901;
    static final int BLOCKS_PER_BATCH = 3;
    static final int EVENTS_PER_BLOCK = 2;
    static final String COMMITTED = "COMMITTED ";

    private CommittingChild() {}

    public static void main(String[] args) {
        TestChain chain = new TestChain(CHAIN);
        try (MessageStore store = SqliteMessageStore.open(Path.of(args[0]), MessageStoreContract.TOPOLOGY)) {
            int tx = 0;
            while (true) {
                List<BlockRef> blocks = chain.mine(BLOCKS_PER_BATCH);
                List<ProtocolEvent> events = new ArrayList<>();
                for (BlockRef b : blocks) {
                    for (int i = 0; i < EVENTS_PER_BLOCK; i++) {
                        tx++;
                        events.add(TestEvents.crossRollup(chain.at(b, tx, i), 902, tx, TestChain.hash("kill-" + tx)));
                    }
                }
                store.commitBatch(chain.batch(blocks, events.toArray(ProtocolEvent[]::new)));
                System.out.println(COMMITTED + chain.head().number());
                System.out.flush();
            }
        }
    }
}
