package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reorgs while events flow: after the chain settles, every event the store holds as live is on the canonical
 * chain and every canonical event is held; messages from orphaned blocks are ORPHANED.
 */
class WatcherReorgTest extends WatcherTestBase {

    @ParameterizedTest(name = "reorg depth {0}")
    @ValueSource(ints = {1, 3, 10})
    void eventsFromOrphanedBlocksAreRolledBackAndTheNewChainIsRead(int depth) throws Exception {
        ChainConfig l2a = chain("l2a");
        ChainWatcher watcher = startWatcher(l2a);
        DemoTraffic traffic = new DemoTraffic(devnet, DevKeys.USER.credentials());
        for (int i = 0; i < depth + 5; i++) {
            traffic.crossRollupBatch(0, 1, 3, "before " + i);
        }
        awaitCaughtUp(watcher, "l2a");
        long orphanedBefore = orphaned();

        devnet.l2(0).anvil().reorg(depth);
        for (int i = 0; i < 4; i++) {
            traffic.crossRollupBatch(0, 1, 2, "after " + i);
        }
        awaitCaughtUp(watcher, "l2a");

        Set<String> canonical = canonicalLogs(l2a);
        Set<String> live = store.messages(new MessageQuery(null, Set.of(MessageKind.CROSS_ROLLUP), null, 901L, null,
                        null, 1000)).stream()
                .filter(m -> m.state() != MessageState.ORPHANED)
                .map(m -> m.source().blockHash() + ":" + m.source().logIndex())
                .collect(Collectors.toSet());
        assertThat(live).as("live events are exactly the canonical ones").isEqualTo(canonical);
        assertThat(store.eventCount(901)).isEqualTo(canonical.size());
        assertThat(orphaned() - orphanedBefore).as("the reorged blocks held messages").isGreaterThan(0);
        assertThat(meters.get("crossbar.watcher.reorgs").tag("chain", "l2a").counter().count()).isGreaterThan(0);
    }

    private long orphaned() {
        return store.messages(MessageQuery.inStates(Set.of(MessageState.ORPHANED))).stream()
                .map(MessageRecord::id).count();
    }
}
