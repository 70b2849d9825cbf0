package dev.crossbar.store;

import static dev.crossbar.store.TestChain.hash;
import static dev.crossbar.store.TestEvents.crossRollup;
import static dev.crossbar.store.TestEvents.crossRollupRelayed;
import static dev.crossbar.store.TestEvents.deposit;
import static dev.crossbar.store.TestEvents.depositExecuted;
import static dev.crossbar.store.TestEvents.finalized;
import static dev.crossbar.store.TestEvents.gameAddress;
import static dev.crossbar.store.TestEvents.gameBlacklisted;
import static dev.crossbar.store.TestEvents.gameCreated;
import static dev.crossbar.store.TestEvents.gameMove;
import static dev.crossbar.store.TestEvents.gameResolved;
import static dev.crossbar.store.TestEvents.gameRoot;
import static dev.crossbar.store.TestEvents.messengerFailed;
import static dev.crossbar.store.TestEvents.messengerRelayed;
import static dev.crossbar.store.TestEvents.messengerRelayedFrom;
import static dev.crossbar.store.TestEvents.messengerSent;
import static dev.crossbar.store.TestEvents.output;
import static dev.crossbar.store.TestEvents.outputsDeleted;
import static dev.crossbar.store.TestEvents.proven;
import static dev.crossbar.store.TestEvents.reclaimed;
import static dev.crossbar.store.TestEvents.withdrawal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.event.EventEnvelope;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.IllegalTransitionException;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.store.MessageStore.BatchResult;
import dev.crossbar.store.MessageStore.RollbackResult;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every backend of {@link MessageStore} must do. A subclass supplies a fresh database per test.
 * Chains: L1 900 with two L2s, 901 and 902.
 */
abstract class MessageStoreContract {
    static final long L1 = 900;
    static final long L2A = 901;
    static final long L2B = 902;
    static final ChainTopology TOPOLOGY = new ChainTopology(Map.of(L2A, L1, L2B, L1));

    static final String DEP1 = hash("deposit-1");
    static final String DEP2 = hash("deposit-2");
    static final String WD1 = hash("withdrawal-1");
    static final String XR1 = hash("cross-rollup-1");
    static final String XR2 = hash("cross-rollup-2");
    static final String MSG_HASH = hash("messenger-message-1");
    static final BigInteger UINT128_MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private StoreFixture fixture;
    private final List<MessageStore> opened = new ArrayList<>();
    MessageStore store;
    TestChain l1;
    TestChain l2a;
    TestChain l2b;

    /** A fresh, empty database (its stores use {@link #TOPOLOGY}). */
    abstract StoreFixture newFixture();

    @BeforeEach
    void openStore() {
        fixture = newFixture();
        store = open();
        l1 = new TestChain(L1);
        l2a = new TestChain(L2A);
        l2b = new TestChain(L2B);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MessageStore::close);
        fixture.close();
    }

    /** Another store on the same database: a replica, or the same process after a restart. */
    MessageStore open() {
        MessageStore s = fixture.open(TOPOLOGY);
        opened.add(s);
        return s;
    }

    // ---- recording chains ---------------------------------------------------------------------------

    @Test
    void sameEventRecordedTwiceChangesNothing() {
        BlockRef b = l1.mine();
        ProtocolEvent dep = deposit(l1.at(b, 1, 0), L2A, 0, DEP1);

        BatchResult result = store.commitBatch(l1.batch(b, dep, dep));

        assertThat(result).isEqualTo(new BatchResult(1, 1, 1));
        assertThat(store.eventCount(L1)).isEqualTo(1);
        assertThat(store.history(DEP1)).hasSize(1);
        assertThat(pending("events")).hasSize(1);
        assertThat(pending("messages")).hasSize(1);
    }

    @Test
    void batchThatSkipsABlockIsRefusedAndRecordsNothing() {
        store.commitBatch(l1.batch(l1.mine()));
        l1.mine();
        BlockRef b3 = l1.mine();
        ChainBatch skipping = l1.batch(b3, deposit(l1.at(b3, 1, 0), L2A, 0, DEP1));
        int outbox = store.outboxPending(1000).size();

        assertThatThrownBy(() -> store.commitBatch(skipping))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chain 900")
                .hasMessageContaining("starts at block 3")
                .hasMessageContaining("cursor is block 1");
        assertThat(store.cursor(L1)).get().extracting(ChainCursor::blockNumber).isEqualTo(1L);
        assertThat(store.eventCount(L1)).isZero();
        assertThat(store.message(DEP1)).isEmpty();
        assertThat(store.recentBlocks(L1, 10)).extracting(BlockRef::number).containsExactly(1L);
        assertThat(store.outboxPending(1000)).hasSize(outbox);
    }

    @Test
    void batchFromAnotherForkIsRefusedEvenWhenItsNumbersFollowOn() {
        store.commitBatch(l1.batch(l1.mine()));
        l1.fork(0, "b");
        l1.mine();
        BlockRef b2 = l1.mine();

        assertThatThrownBy(() -> store.commitBatch(l1.batch(b2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not continue from its cursor");
        assertThat(store.cursor(L1)).get().extracting(ChainCursor::blockNumber).isEqualTo(1L);
    }

    @Test
    void cursorAndRecentBlocksFollowTheBatches() {
        assertThat(store.cursor(L1)).isEmpty();
        List<BlockRef> blocks = l1.mine(3);

        store.commitBatch(l1.batch(blocks));

        ChainCursor c = store.cursor(L1).orElseThrow();
        assertThat(c.blockNumber()).isEqualTo(3);
        assertThat(c.blockHash()).isEqualTo(blocks.get(2).hash());
        assertThat(store.recentBlocks(L1, 2)).containsExactly(blocks.get(2), blocks.get(1));
        assertThat(store.cursor(L2A)).isEmpty();
    }

    @Test
    void recentBlocksKeepTheLast256OfAChain() {
        store.commitBatch(l1.batch(l1.mine(300)));

        List<BlockRef> recent = store.recentBlocks(L1, 1000);

        assertThat(recent).hasSize(256);
        assertThat(recent.getFirst().number()).isEqualTo(300);
        assertThat(recent.getLast().number()).isEqualTo(45);
    }

    @Test
    void setAsideLogsAreKeptWithTheirReason() {
        BlockRef b = l2a.mine();
        SetAsideLog bad = new SetAsideLog(L2A, 1, b.hash(), l2a.txHash(1), 3, TestChain.address("passer"),
                "unknown event version 2", "{\"topics\":[]}");

        store.commitBatch(new ChainBatch(L2A, List.of(b), List.of(), List.of(bad)));

        assertThat(store.setAside(L2A, 10)).containsExactly(bad);
        assertThat(store.setAside(L1, 10)).isEmpty();
    }

    @Test
    void eventsAreAnnouncedOnTheEventsTopicKeyedByTheirSourceStream() {
        BlockRef b = l2a.mine();
        String passer = TestChain.address("passer");
        String l2ToL2 = TestChain.address("l2tol2");
        ProtocolEvent w = withdrawal(l2a.at(b, 1, 0, passer), 0, WD1);
        ProtocolEvent x = crossRollup(l2a.at(b, 2, 1, l2ToL2), L2B, 0, XR1);

        store.commitBatch(l2a.batch(b, w, x));

        List<OutboxRecord> events = pending("events");
        assertThat(events).extracting(OutboxRecord::key).containsExactly("901:" + passer, "901:" + l2ToL2);
        EventEnvelope first = Json.read(events.getFirst().payload(), EventEnvelope.class);
        assertThat(first.schema()).isEqualTo("crossbar.event/v1");
        assertThat(first.event()).isEqualTo(w);
        assertThat(Json.read(events.get(1).payload(), EventEnvelope.class).event()).isEqualTo(x);
    }

    @Test
    void aBatchLargerThanOneInsertRecordsAndAnnouncesEveryEventInOrder() {
        // More events than one multi-row insert takes (ChainLedger.EVENT_ROWS, Tx.LATER_ROWS), not a multiple of it.
        List<BlockRef> blocks = l2a.mine(3);
        List<ProtocolEvent> events = new ArrayList<>();
        for (int k = 0; k < blocks.size(); k++) {
            for (int j = 0; j < 401; j++) {
                int i = events.size();
                events.add(crossRollup(l2a.at(blocks.get(k), i, j), L2B, i, hash("bulk-" + i)));
            }
        }
        events.add(events.get(7)); // a second copy in the same batch is a duplicate

        BatchResult r = store.commitBatch(l2a.batch(blocks, events.toArray(ProtocolEvent[]::new)));

        int n = events.size() - 1;
        assertThat(r).isEqualTo(new BatchResult(n, 1, 2 * n));
        assertThat(store.eventCount(L2A)).isEqualTo(n);
        List<OutboxRecord> outbox = store.outboxPending(10 * n);
        assertThat(outbox).hasSize(3 * n);
        for (int i = 0; i < n; i++) { // each event, then its message's creation and its move to READY
            String id = hash("bulk-" + i);
            assertThat(Json.read(outbox.get(3 * i).payload(), EventEnvelope.class).event()).isEqualTo(events.get(i));
            JsonNode created = json(outbox.get(3 * i + 1).payload());
            JsonNode ready = json(outbox.get(3 * i + 2).payload());
            assertThat(created.get("id").asText()).isEqualTo(id);
            assertThat(created.get("to").asText()).isEqualTo("SENT");
            assertThat(ready.get("id").asText()).isEqualTo(id);
            assertThat(ready.get("from").asText()).isEqualTo("SENT");
            assertThat(ready.get("to").asText()).isEqualTo("READY");
        }
        MessageRecord last = store.message(hash("bulk-" + (n - 1))).orElseThrow();
        assertThat(last.state()).isEqualTo(MessageState.READY);
        assertThat(last.version()).isEqualTo(1);
        assertThat(store.history(last.id())).extracting(Transition::to)
                .containsExactly(MessageState.SENT, MessageState.READY);
    }

    @Test
    void eventAboutAnUnknownMessageIsRecordedAndSkipped() {
        BlockRef b = l2a.mine();

        BatchResult r = store.commitBatch(l2a.batch(b, depositExecuted(l2a.at(b, 1, 0), 4, DEP1, true)));

        assertThat(r).isEqualTo(new BatchResult(1, 0, 0));
        assertThat(store.eventCount(L2A)).isEqualTo(1);
        assertThat(store.message(DEP1)).isEmpty();
    }

    @Test
    void twoReplicasRecordingTheSameBlocksAtOnceRecordThemOnce() throws Exception {
        MessageStore replica = open();
        BlockRef b = l1.mine();
        ChainBatch batch = l1.batch(b, deposit(l1.at(b, 1, 0), L2A, 0, DEP1));
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (MessageStore s : List.of(store, replica)) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        s.commitBatch(batch);
                        return true;
                    } catch (IllegalStateException refused) {
                        return false;
                    }
                }));
            }
            assertThat(List.of(results.get(0).get(20, TimeUnit.SECONDS), results.get(1).get(20, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder(true, false);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.eventCount(L1)).isEqualTo(1);
        assertThat(store.history(DEP1)).hasSize(1);
    }

    @Test
    void depositsAndTheirExecutionsRecordedAtOnceByTwoWatchersEndRelayed() throws Exception {
        MessageStore l2Watcher = open();
        int deposits = 12;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < deposits; i++) {
                String id = hash("concurrent-deposit-" + i);
                BlockRef a = l1.mine();
                BlockRef b = l2a.mine();
                ChainBatch onL1 = l1.batch(a, deposit(l1.at(a, i, 0), L2A, i, id));
                ChainBatch onL2 = l2a.batch(b, depositExecuted(l2a.at(b, i, 0), i, id, true));
                CyclicBarrier start = new CyclicBarrier(2);
                Future<?> first = pool.submit(() -> {
                    start.await();
                    return store.commitBatch(onL1);
                });
                Future<?> second = pool.submit(() -> {
                    start.await();
                    return l2Watcher.commitBatch(onL2);
                });
                first.get(20, TimeUnit.SECONDS);
                second.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < deposits; i++) {
            assertThat(store.message(hash("concurrent-deposit-" + i)).orElseThrow().state()).as("deposit %d", i)
                    .isEqualTo(MessageState.RELAYED);
        }
    }

    @Test
    void eventSeenBeforeItsMessageIsAppliedWhenTheMessageIsRecorded() {
        BlockRef executed = l2a.mine();
        store.commitBatch(l2a.batch(executed, messengerFailed(l2a.at(executed, 1, 0), MSG_HASH),
                depositExecuted(l2a.at(executed, 1, 1), 0, DEP1, true)));
        assertThat(store.message(DEP1)).isEmpty();
        BlockRef sent = l1.mine();

        BatchResult r = store.commitBatch(l1.batch(sent, deposit(l1.at(sent, 1, 0), L2A, 0, DEP1),
                messengerSent(l1.at(sent, 1, 1), MSG_HASH)));

        assertThat(r.transitions()).isEqualTo(2);
        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.FAILED);
        assertThat(store.history(DEP1).getLast().cause()).contains("messenger call failed on chain 901");

        // An L2 reorg removes the failure and the execution: the deposit waits again.
        store.rollbackTo(L2A, new BlockRef(0, hash("genesis:" + L2A), hash("none"), 0), "reorg on chain 901");
        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.SENT);
    }

    @Test
    void withdrawalProvenBeforeTheStoreSawItIsInItsWindowOnceItIs() {
        BlockRef p = l1.mine();
        store.commitBatch(l1.batch(p, proven(l1.at(p, 1, 0), L2A, WD1)));
        BlockRef w = l2a.mine();

        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));

        MessageRecord m = store.message(WD1).orElseThrow();
        assertThat(m.state()).isEqualTo(MessageState.IN_WINDOW);
        assertThat(m.details()).containsEntry("provenAt", Long.toString(p.timestamp()));
    }

    // ---- transitions ----------------------------------------------------------------------------------

    @Test
    void forbiddenTransitionIsRefusedAndChangesNothing() {
        recordDeposit();
        MessageRecord before = store.message(DEP1).orElseThrow();
        int outbox = store.outboxPending(1000).size();

        assertThatThrownBy(() -> store.transition(DEP1, MessageState.PROVEN, "operator"))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining(DEP1)
                .hasMessageContaining("SENT")
                .hasMessageContaining("PROVEN");
        assertThat(store.message(DEP1)).contains(before);
        assertThat(store.history(DEP1)).hasSize(1);
        assertThat(store.outboxPending(1000)).hasSize(outbox);
    }

    @Test
    void transitionToTheStateAMessageIsInChangesNothing() {
        recordDeposit();
        MessageRecord before = store.message(DEP1).orElseThrow();

        assertThat(store.transition(DEP1, MessageState.SENT, "again")).isEqualTo(before);
        assertThat(store.history(DEP1)).hasSize(1);
    }

    @Test
    void transitionOfAnUnknownMessageSaysWhichMessage() {
        assertThatThrownBy(() -> store.transition(DEP1, MessageState.READY, "x"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining(DEP1);
    }

    @Test
    void historyListsEveryTransitionInOrderWithItsCause() {
        BlockRef b = l2a.mine();
        store.commitBatch(l2a.batch(b, crossRollup(l2a.at(b, 1, 0), L2B, 0, XR1)));
        store.transition(XR1, MessageState.RELAYING, "relay tx 0x01 sent");
        store.transition(XR1, MessageState.RELAYED, "relay tx 0x01 confirmed");

        List<Transition> history = store.history(XR1);

        assertThat(history).extracting(Transition::from, Transition::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(null, MessageState.SENT),
                org.assertj.core.groups.Tuple.tuple(MessageState.SENT, MessageState.READY),
                org.assertj.core.groups.Tuple.tuple(MessageState.READY, MessageState.RELAYING),
                org.assertj.core.groups.Tuple.tuple(MessageState.RELAYING, MessageState.RELAYED));
        assertThat(history.get(0).cause()).contains("chain 901").contains(l2a.txHash(1));
        assertThat(history.get(2).cause()).isEqualTo("relay tx 0x01 sent");
        assertThat(history).extracting(Transition::at).isSorted();
        assertThat(store.message(XR1).orElseThrow().version()).isEqualTo(3);
    }

    @Test
    void aCrossRollupMessageEmittedAgainIsDueWithItsNewLogUnlessItWasRelayed() {
        BlockRef b = l2a.mine();
        store.commitBatch(l2a.batch(b, crossRollup(l2a.at(b, 1, 0), L2B, 0, XR1)));
        store.recordAttempt(XR1, 4, null, "relay refused");
        store.transition(XR1, MessageState.DEAD_LETTERED, "expired: its source log is older than the expiry window");

        BlockRef later = l2a.mine();
        store.commitBatch(l2a.batch(later, crossRollup(l2a.at(later, 3, 2), L2B, 0, XR1)));

        MessageRecord again = store.message(XR1).orElseThrow();
        assertThat(again.state()).isEqualTo(MessageState.READY);
        assertThat(again.source().blockNumber()).isEqualTo(later.number());
        assertThat(again.source().logIndex()).isEqualTo(2);
        assertThat(again.source().txHash()).isEqualTo(l2a.txHash(3));
        assertThat(again.attempts()).as("its attempts start over").isZero();
        assertThat(store.history(XR1).getLast().cause()).contains("emitted again", "resendMessage");

        // An emission does not move a relayed message.
        store.transition(XR1, MessageState.RELAYING, "relay sent");
        store.transition(XR1, MessageState.RELAYED, "relayed");
        BlockRef third = l2a.mine();
        store.commitBatch(l2a.batch(third, crossRollup(l2a.at(third, 4, 0), L2B, 0, XR1)));
        assertThat(store.message(XR1).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
    }

    @Test
    void everyTransitionIsAnnouncedOnTheMessagesTopicKeyedByItsRoutingKey() {
        recordDeposit();
        store.transition(DEP1, MessageState.RELAYED, "executed");

        List<OutboxRecord> records = pending("messages");

        String routing = dev.crossbar.core.model.RoutingKey.of(store.message(DEP1).orElseThrow().destinationChainId(),
                DEP1, 1);
        assertThat(records).extracting(OutboxRecord::key).containsExactly(routing, routing);
        JsonNode last = json(records.get(1).payload());
        assertThat(last.get("schema").asText()).isEqualTo("crossbar.message/v1");
        assertThat(last.get("id").asText()).isEqualTo(DEP1);
        assertThat(last.get("kind").asText()).isEqualTo("DEPOSIT");
        assertThat(last.get("from").asText()).isEqualTo("SENT");
        assertThat(last.get("to").asText()).isEqualTo("RELAYED");
        assertThat(last.get("cause").asText()).isEqualTo("executed");
        assertThat(last.get("sourceChainId").asLong()).isEqualTo(L1);
        assertThat(last.get("destinationChainId").asLong()).isEqualTo(L2A);
        assertThat(Instant.parse(last.get("at").asText())).isNotNull();
        assertThat(json(records.get(0).payload()).get("from").isNull()).isTrue();
    }

    @Test
    void concurrentTransitionIfLetsExactlyOneWin() throws Exception {
        MessageStore replica = open();
        int messages = 10;
        BlockRef b = l2a.mine();
        List<ProtocolEvent> sent = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            sent.add(crossRollup(l2a.at(b, i, i), L2B, i, hash("race-" + i)));
        }
        store.commitBatch(l2a.batch(b, sent.toArray(ProtocolEvent[]::new)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < messages; i++) {
                String id = hash("race-" + i);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Optional<MessageRecord>>> claims = new ArrayList<>();
                for (MessageStore s : List.of(store, replica)) {
                    claims.add(pool.submit(() -> {
                        start.await();
                        return s.transitionIf(id, MessageState.READY, MessageState.RELAYING, "claimed");
                    }));
                }
                long winners = 0;
                for (Future<Optional<MessageRecord>> c : claims) {
                    winners += c.get(20, TimeUnit.SECONDS).isPresent() ? 1 : 0;
                }
                assertThat(winners).as("winners for %s", id).isEqualTo(1);
                assertThat(store.history(id)).filteredOn(t -> t.to() == MessageState.RELAYING).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void transitionIfLeavesAMessageInAnotherStateAlone() {
        recordDeposit();

        assertThat(store.transitionIf(DEP1, MessageState.READY, MessageState.RELAYING, "x")).isEmpty();
        assertThat(store.transitionIf(DEP1, MessageState.SENT, MessageState.RELAYED, "executed"))
                .get().extracting(MessageRecord::state).isEqualTo(MessageState.RELAYED);
    }

    @Test
    void reopenBringsADeliveredMessageBackWhenTheChainLostItsEffect() {
        recordDeposit();
        store.transitionIf(DEP1, MessageState.SENT, MessageState.RELAYED, "executed");

        assertThat(store.reopen(DEP1, MessageState.READY, MessageState.SENT, "x")).isEmpty();
        assertThat(store.reopen(DEP1, MessageState.RELAYED, MessageState.SENT, "its block was reorged away"))
                .get().extracting(MessageRecord::state).isEqualTo(MessageState.SENT);
        assertThat(store.history(DEP1)).last().satisfies(t -> {
            assertThat(t.from()).isEqualTo(MessageState.RELAYED);
            assertThat(t.to()).isEqualTo(MessageState.SENT);
            assertThat(t.cause()).isEqualTo("its block was reorged away");
        });
    }

    @Test
    void aNoteGoesIntoTheHistoryWithoutMovingTheMessage() {
        recordDeposit();
        store.note(DEP1, "proof sent against output 3; passed over output 4: state unavailable");

        assertThat(store.message(DEP1)).get().extracting(MessageRecord::state).isEqualTo(MessageState.SENT);
        assertThat(store.history(DEP1)).last().satisfies(t -> {
            assertThat(t.from()).isEqualTo(MessageState.SENT);
            assertThat(t.to()).isEqualTo(MessageState.SENT);
            assertThat(t.cause()).contains("passed over output 4");
        });
    }

    @Test
    void dueHonoursNextAttemptAt() {
        BlockRef b = l2a.mine();
        store.commitBatch(l2a.batch(b, crossRollup(l2a.at(b, 1, 0), L2B, 0, XR1),
                crossRollup(l2a.at(b, 2, 1), L2B, 1, XR2)));
        Instant now = Instant.now();
        store.recordAttempt(XR1, 1, now.plusSeconds(60), "destination node timed out");

        assertThat(store.due(L2B, 0, 1, Set.of(MessageState.READY), now, 10)).extracting(MessageRecord::id)
                .containsExactly(XR2);
        assertThat(store.due(L2B, 0, 1, Set.of(MessageState.READY), now.plusSeconds(61), 10))
                .extracting(MessageRecord::id)
                .containsExactly(XR1, XR2);
        assertThat(store.due(L2B, 0, 1, Set.of(MessageState.FAILED), now.plusSeconds(61), 10)).isEmpty();
        MessageRecord retried = store.message(XR1).orElseThrow();
        assertThat(retried.attempts()).isEqualTo(1);
        assertThat(retried.lastError()).isEqualTo("destination node timed out");
        assertThat(retried.nextAttemptAt()).isEqualTo(Instant.ofEpochMilli(now.plusSeconds(60).toEpochMilli()));
        assertThat(retried.state()).isEqualTo(MessageState.READY);
    }

    @Test
    void aMessageThatChangesStateIsDueAtOnce() {
        BlockRef b = l2a.mine();
        store.commitBatch(l2a.batch(b, crossRollup(l2a.at(b, 1, 0), L2B, 0, XR1)));
        Instant now = Instant.now();
        store.recordAttempt(XR1, 2, now.plusSeconds(600), "waiting for something");
        store.transition(XR1, MessageState.RELAYING, "sent");

        assertThat(store.due(L2B, 0, 1, Set.of(MessageState.RELAYING), now, 10)).extracting(MessageRecord::id)
                .containsExactly(XR1);
        assertThat(store.message(XR1).orElseThrow().attempts()).as("the count of attempts stays").isEqualTo(2);
    }

    @Test
    void detailsAreMergedIntoTheExistingOnes() {
        recordDeposit();
        store.putDetails(DEP1, Map.of("a", "1", "b", "2"));
        store.putDetails(DEP1, Map.of("b", "3"));

        assertThat(store.message(DEP1).orElseThrow().details()).containsExactlyInAnyOrderEntriesOf(
                Map.of("a", "1", "b", "3"));
    }

    @Test
    void messagesAreQueriedNewestFirstAndCountedByState() {
        BlockRef a = l1.mine();
        store.commitBatch(l1.batch(a, deposit(l1.at(a, 1, 0), L2A, 0, DEP1)));
        BlockRef w = l2a.mine();
        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1),
                crossRollup(l2a.at(w, 2, 1), L2B, 0, XR1)));

        assertThat(store.messages(MessageQuery.all())).extracting(MessageRecord::id).containsExactly(XR1, WD1, DEP1);
        assertThat(store.messages(new MessageQuery(null, Set.of(MessageKind.WITHDRAWAL), null, null, null, null, 10)))
                .extracting(MessageRecord::id).containsExactly(WD1);
        assertThat(store.messages(new MessageQuery(null, null, L2B, null, null, null, 10)))
                .extracting(MessageRecord::id).containsExactly(XR1);
        assertThat(store.messages(new MessageQuery(null, null, null, L2A, null, null, 10)))
                .extracting(MessageRecord::id).containsExactly(XR1, WD1);
        assertThat(store.messages(new MessageQuery(null, null, L1, null, null, null, 1)))
                .extracting(MessageRecord::id).containsExactly(WD1);
        assertThat(store.messages(MessageQuery.inStates(Set.of(MessageState.READY))))
                .extracting(MessageRecord::id).containsExactly(XR1);
        assertThat(store.countByState()).containsExactlyInAnyOrderEntriesOf(
                Map.of(MessageState.SENT, 2L, MessageState.READY, 1L));
    }

    @Test
    void messagesAreCountedByKindAndState() {
        assertThat(store.countByKindAndState()).isEmpty();
        BlockRef a = l1.mine();
        store.commitBatch(l1.batch(a, deposit(l1.at(a, 1, 0), L2A, 0, DEP1), deposit(l1.at(a, 1, 1), L2A, 1, DEP2)));
        BlockRef w = l2a.mine();
        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1),
                crossRollup(l2a.at(w, 2, 1), L2B, 0, XR1), crossRollup(l2a.at(w, 2, 2), L2B, 1, XR2)));
        store.transition(DEP2, MessageState.FAILED, "test: its call reverted on L2");

        assertThat(store.countByKindAndState()).containsExactlyInAnyOrderEntriesOf(Map.of(
                MessageKind.DEPOSIT, Map.of(MessageState.SENT, 1L, MessageState.FAILED, 1L),
                MessageKind.WITHDRAWAL, Map.of(MessageState.SENT, 1L),
                MessageKind.CROSS_ROLLUP, Map.of(MessageState.READY, 2L)));
        assertThat(store.countByState()).containsExactlyInAnyOrderEntriesOf(
                Map.of(MessageState.SENT, 2L, MessageState.FAILED, 1L, MessageState.READY, 2L));
    }

    // ---- the lifecycle of each kind ---------------------------------------------------------------------

    @Test
    void depositKeepsEverythingItsEventSaid() {
        recordDeposit();

        MessageRecord d = store.message(DEP1.toUpperCase().replace("0X", "0x")).orElseThrow();

        assertThat(d.kind()).isEqualTo(MessageKind.DEPOSIT);
        assertThat(d.state()).isEqualTo(MessageState.SENT);
        assertThat(d.sourceChainId()).isEqualTo(L1);
        assertThat(d.destinationChainId()).isEqualTo(L2A);
        assertThat(d.nonce()).isEqualTo(BigInteger.ZERO);
        assertThat(d.sender()).isEqualTo(TestEvents.SENDER);
        assertThat(d.target()).isEqualTo(TestEvents.TARGET);
        assertThat(d.value()).isEqualTo(BigInteger.valueOf(1_000));
        assertThat(d.gasLimit()).isEqualTo(BigInteger.valueOf(100_000));
        assertThat(d.source()).isEqualTo(new MessageRecord.SourceRef(1, l1.block(1).hash(), l1.txHash(1), 0,
                l1.block(1).timestamp()));
        assertThat(d.parentId()).isNull();
        assertThat(d.messengerHash()).isNull();
    }

    @Test
    void depositExecutedOnItsL2IsRelayedAndARevertedOneFailsNamingWhere() {
        BlockRef a = l1.mine();
        store.commitBatch(l1.batch(a, deposit(l1.at(a, 1, 0), L2A, 0, DEP1), deposit(l1.at(a, 2, 1), L2A, 1, DEP2)));
        BlockRef b = l2a.mine();

        store.commitBatch(l2a.batch(b, depositExecuted(l2a.at(b, 1, 0), 0, DEP1, true),
                depositExecuted(l2a.at(b, 2, 1), 1, DEP2, false)));

        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
        assertThat(store.message(DEP2).orElseThrow().state()).isEqualTo(MessageState.FAILED);
        assertThat(store.history(DEP2).getLast().cause()).contains("chain 901").contains("block 1")
                .contains(l2a.txHash(2));
    }

    @Test
    void withdrawalMovesToCommittedWhenAnOutputCoversItsBlock() {
        l2a.mine(4);
        BlockRef w = l2a.mine();
        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));
        assertThat(store.message(WD1).orElseThrow().destinationChainId()).isEqualTo(L1);

        BlockRef o1 = l1.mine();
        store.commitBatch(l1.batch(o1, output(l1.at(o1, 1, 0), L2A, 0, 4)));
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.SENT);

        BlockRef o2 = l1.mine();
        store.commitBatch(l1.batch(o2, output(l1.at(o2, 2, 0), L2A, 1, 6)));

        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
        assertThat(store.history(WD1).getLast().cause()).isEqualTo("output 1 covers L2 block 6");
        assertThat(store.outputCovering(L2A, BigInteger.valueOf(5))).get()
                .extracting(OutputRecord::outputIndex).isEqualTo(BigInteger.ONE);
        assertThat(store.outputCovering(L2A, BigInteger.valueOf(7))).isEmpty();
        assertThat(store.outputCovering(L2B, BigInteger.ONE)).isEmpty();
    }

    @Test
    void withdrawalSeenAfterAnOutputCoversItIsCommittedAtOnce() {
        BlockRef o = l1.mine();
        store.commitBatch(l1.batch(o, output(l1.at(o, 1, 0), L2A, 0, 10)));
        l2a.mine(2);
        BlockRef w = l2a.mine();

        BatchResult r = store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));

        assertThat(r.transitions()).isEqualTo(2);
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
        assertThat(store.history(WD1).getLast().cause()).isEqualTo("output 0 covers L2 block 10");
    }

    @Test
    void provenWithdrawalWaitsOutItsWindowThenIsRelayedWhenFinalized() {
        recordCommittedWithdrawal();
        BlockRef p = l1.mine();

        store.commitBatch(l1.batch(p, proven(l1.at(p, 2, 0), L2A, WD1)));

        MessageRecord m = store.message(WD1).orElseThrow();
        assertThat(m.state()).isEqualTo(MessageState.IN_WINDOW);
        assertThat(m.details()).containsEntry("provenAt", Long.toString(p.timestamp()));
        assertThat(store.history(WD1)).extracting(Transition::to).containsExactly(MessageState.SENT,
                MessageState.COMMITTED, MessageState.PROVEN, MessageState.IN_WINDOW);

        BlockRef f = l1.mine();
        store.commitBatch(l1.batch(f, finalized(l1.at(f, 3, 0), L2A, WD1, true)));

        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
    }

    @Test
    void crossRollupMessageIsReadyAtOnceAndRelayedOnItsDestinationOnly() {
        BlockRef s = l2a.mine();
        store.commitBatch(l2a.batch(s, crossRollup(l2a.at(s, 1, 0), L2B, 7, XR1)));
        MessageRecord m = store.message(XR1).orElseThrow();
        assertThat(m.state()).isEqualTo(MessageState.READY);
        assertThat(m.kind()).isEqualTo(MessageKind.CROSS_ROLLUP);
        assertThat(m.destinationChainId()).isEqualTo(L2B);
        assertThat(m.nonce()).isEqualTo(BigInteger.valueOf(7));
        assertThat(m.data()).isEqualTo("0xfeed");
        assertThat(m.value()).isZero();

        BlockRef wrong = l2a.mine();
        store.commitBatch(l2a.batch(wrong, crossRollupRelayed(l2a.at(wrong, 2, 0), L2A, 7, XR1)));
        assertThat(store.message(XR1).orElseThrow().state()).isEqualTo(MessageState.READY);

        BlockRef r = l2b.mine();
        store.commitBatch(l2b.batch(r, crossRollupRelayed(l2b.at(r, 1, 0), L2A, 7, XR1),
                crossRollupRelayed(l2b.at(r, 2, 1), L2A, 8, XR2)));
        assertThat(store.message(XR1).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
        assertThat(store.message(XR2)).isEmpty();
        assertThat(store.eventCount(L2B)).isEqualTo(2);
    }

    @Test
    void messengerFailureStandsWhenItsDepositExecutedAndAReplayRelaysIt() {
        BlockRef a = l1.mine();
        store.commitBatch(l1.batch(a, deposit(l1.at(a, 1, 0), L2A, 0, DEP1), messengerSent(l1.at(a, 1, 1), MSG_HASH)));
        assertThat(store.message(DEP1).orElseThrow().messengerHash()).isEqualTo(MSG_HASH);

        BlockRef b = l2a.mine();
        store.commitBatch(l2a.batch(b, messengerFailed(l2a.at(b, 1, 0), MSG_HASH),
                depositExecuted(l2a.at(b, 1, 1), 0, DEP1, true)));
        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.FAILED);

        BlockRef c = l2a.mine();
        store.commitBatch(l2a.batch(c, messengerRelayed(l2a.at(c, 2, 0), MSG_HASH)));
        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
    }

    /**
     * The same message sent through the messengers of two L2s (same sender, nonce and call) has the same messenger
     * hash on both: the relay by l2a's L1 messenger moves l2a's withdrawal only, never l2b's (which would then never be
     * finalized).
     */
    @Test
    void anL1MessengersRelayMovesOnlyTheWithdrawalOfItsOwnL2() {
        String wd2 = hash("withdrawal-2");
        BlockRef a = l2a.mine();
        store.commitBatch(l2a.batch(a, withdrawal(l2a.at(a, 1, 0), 0, WD1), messengerSent(l2a.at(a, 1, 1), MSG_HASH)));
        BlockRef b = l2b.mine();
        store.commitBatch(l2b.batch(b, withdrawal(l2b.at(b, 1, 0), 0, wd2), messengerSent(l2b.at(b, 1, 1), MSG_HASH)));
        assertThat(store.message(WD1).orElseThrow().messengerHash()).isEqualTo(MSG_HASH);
        assertThat(store.message(wd2).orElseThrow().messengerHash()).isEqualTo(MSG_HASH);

        BlockRef f = l1.mine();
        store.commitBatch(l1.batch(f, messengerRelayedFrom(l1.at(f, 1, 0), MSG_HASH, L2A)));

        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
        assertThat(store.message(wd2).orElseThrow().state()).isEqualTo(MessageState.SENT);
    }

    @Test
    void settledCrossRollupDepositNamesTheWithdrawalItCameFrom() {
        recordCommittedWithdrawal();
        BlockRef p = l1.mine();
        store.commitBatch(l1.batch(p, proven(l1.at(p, 2, 0), L2A, WD1)));
        BlockRef f = l1.mine();

        // The withdrawal's call deposits into L2B during the finalization, so the deposit's log comes first.
        store.commitBatch(l1.batch(f, deposit(l1.at(f, 3, 0), L2B, 0, DEP1), finalized(l1.at(f, 3, 1), L2A, WD1, true),
                deposit(l1.at(f, 4, 2), L2B, 1, DEP2)));

        assertThat(store.message(DEP1).orElseThrow().parentId()).isEqualTo(WD1);
        assertThat(store.message(DEP2).orElseThrow().parentId()).isNull();
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
    }

    @Test
    void depositReclaimedInEscapeModeExits() {
        BlockRef a = l1.mine();
        store.commitBatch(l1.batch(a, deposit(l1.at(a, 1, 0), L2A, 5, DEP1), deposit(l1.at(a, 2, 1), L2B, 5, DEP2)));
        BlockRef b = l1.mine();

        store.commitBatch(l1.batch(b, reclaimed(l1.at(b, 3, 0), L2A, 5)));

        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.EXITED);
        assertThat(store.message(DEP2).orElseThrow().state()).isEqualTo(MessageState.SENT);
    }

    // ---- output deletions and reorgs ------------------------------------------------------------------

    @Test
    void deletedOutputSendsProvenWithdrawalBackToBeProvenAgain() {
        recordWithdrawalProvenAgainstOutput1();
        BlockRef d = l1.mine();

        store.commitBatch(l1.batch(d, outputsDeleted(l1.at(d, 9, 0), L2A, 2, 1)));

        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
        assertThat(store.history(WD1).getLast().cause()).contains("output 1 deleted").contains("proven against output 1");
        assertThat(store.outputs(L2A, 10)).extracting(OutputRecord::outputIndex, OutputRecord::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BigInteger.ONE, OutputRecord.Status.DELETED),
                org.assertj.core.groups.Tuple.tuple(BigInteger.ZERO, OutputRecord.Status.PROPOSED));
        assertThat(store.outputCovering(L2A, BigInteger.TWO)).get().extracting(OutputRecord::outputIndex)
                .isEqualTo(BigInteger.ZERO);
    }

    @Test
    void rollbackOfAnOutputDeletionRestoresTheOutputAndTheProof() {
        recordWithdrawalProvenAgainstOutput1();
        BlockRef keep = l1.head();
        BlockRef d = l1.mine();
        store.commitBatch(l1.batch(d, outputsDeleted(l1.at(d, 9, 0), L2A, 2, 1)));

        RollbackResult r = store.rollbackTo(L1, keep, "reorg on chain 900: block " + d.number() + " orphaned");

        assertThat(r).isEqualTo(new RollbackResult(1, 0, 1));
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.IN_WINDOW);
        assertThat(store.outputs(L2A, 10)).extracting(OutputRecord::status)
                .containsOnly(OutputRecord.Status.PROPOSED);
    }

    @Test
    void withdrawalNoLongerCoveredByAnyOutputWaitsForANewOne() {
        recordCommittedWithdrawal();
        BlockRef d = l1.mine();

        store.commitBatch(l1.batch(d, outputsDeleted(l1.at(d, 9, 0), L2A, 1, 0)));

        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.SENT);
        assertThat(store.history(WD1).getLast().cause()).contains("no output covers L2 block 1");
    }

    @Test
    void rollbackOrphansMessagesCreatedInRemovedBlocksAndRevertsTheirEffects() {
        BlockRef w = l2a.mine();
        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));
        BlockRef b1 = l1.mine();
        store.commitBatch(l1.batch(b1, deposit(l1.at(b1, 1, 0), L2A, 0, DEP1)));
        BlockRef b2 = l1.mine();
        BlockRef b3 = l1.mine();
        store.commitBatch(l1.batch(List.of(b2, b3), output(l1.at(b2, 2, 0), L2A, 0, 1),
                deposit(l1.at(b2, 3, 1), L2A, 1, DEP2), proven(l1.at(b3, 4, 0), L2A, WD1)));
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.IN_WINDOW);
        store.outboxPublished(store.outboxPending(1000).stream().map(OutboxRecord::id).toList());

        RollbackResult r = store.rollbackTo(L1, b1, "reorg on chain 900: blocks 2..3 orphaned");

        assertThat(r).isEqualTo(new RollbackResult(3, 1, 1));
        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.SENT);
        assertThat(store.message(DEP2).orElseThrow().state()).isEqualTo(MessageState.ORPHANED);
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.SENT);
        assertThat(store.history(WD1)).extracting(Transition::from, Transition::to).endsWith(
                org.assertj.core.groups.Tuple.tuple(MessageState.IN_WINDOW, MessageState.PROVEN),
                org.assertj.core.groups.Tuple.tuple(MessageState.PROVEN, MessageState.COMMITTED),
                org.assertj.core.groups.Tuple.tuple(MessageState.COMMITTED, MessageState.SENT));
        assertThat(store.history(WD1).getLast().cause()).startsWith("reorg on chain 900");
        assertThat(store.outputs(L2A, 10)).extracting(OutputRecord::status).containsExactly(OutputRecord.Status.ORPHANED);
        assertThat(store.outputCovering(L2A, BigInteger.ONE)).isEmpty();
        assertThat(store.cursor(L1)).get().extracting(ChainCursor::blockHash).isEqualTo(b1.hash());
        assertThat(store.recentBlocks(L1, 10)).containsExactly(b1);
        assertThat(store.eventCount(L1)).isEqualTo(1);
        assertThat(pending("messages")).filteredOn(o -> json(o.payload()).get("id").asText().equals(DEP2)).singleElement()
                .satisfies(o -> assertThat(json(o.payload()).get("to").asText()).isEqualTo("ORPHANED"));
    }

    @Test
    void orphanedMessageComesBackWhenItsTransactionIsMinedAgain() {
        BlockRef b1 = l1.mine();
        BlockRef b2 = l1.mine();
        store.commitBatch(l1.batch(List.of(b1, b2), deposit(l1.at(b2, 7, 0), L2A, 0, DEP1)));
        store.rollbackTo(L1, b1, "reorg on chain 900: block 2 orphaned");
        l1.fork(1, "b");
        BlockRef b2b = l1.mine();

        BatchResult r = store.commitBatch(l1.batch(b2b, deposit(l1.at(b2b, 7, 0), L2A, 0, DEP1)));

        assertThat(r).isEqualTo(new BatchResult(1, 0, 1));
        MessageRecord d = store.message(DEP1).orElseThrow();
        assertThat(d.state()).isEqualTo(MessageState.SENT);
        assertThat(d.source().blockHash()).isEqualTo(b2b.hash());
        assertThat(store.history(DEP1)).extracting(Transition::to).containsExactly(MessageState.SENT,
                MessageState.ORPHANED, MessageState.SENT);
        assertThat(store.eventCount(L1)).isEqualTo(1);

        // A second reorg removes the block that brought it back: orphaned again.
        store.rollbackTo(L1, b1, "reorg on chain 900: block 2 orphaned again");
        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.ORPHANED);
    }

    @Test
    void blockThatComesBackAfterARollbackIsRecordedAgain() {
        BlockRef b1 = l1.mine();
        BlockRef b2 = l1.mine();
        ChainBatch second = l1.batch(b2, deposit(l1.at(b2, 7, 0), L2A, 0, DEP1));
        store.commitBatch(l1.batch(b1));
        store.commitBatch(second);
        store.rollbackTo(L1, b1, "reorg on chain 900");

        BatchResult r = store.commitBatch(second);

        assertThat(r).isEqualTo(new BatchResult(1, 0, 1));
        assertThat(store.message(DEP1).orElseThrow().state()).isEqualTo(MessageState.SENT);
        assertThat(store.eventCount(L1)).isEqualTo(1);
    }

    @Test
    void outputWhoseBlockComesBackAfterARollbackIsProposedAgain() {
        BlockRef w = l2a.mine();
        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));
        BlockRef b1 = l1.mine();
        store.commitBatch(l1.batch(b1));
        BlockRef b2 = l1.mine();
        ChainBatch proposal = l1.batch(b2, output(l1.at(b2, 1, 0), L2A, 0, 3));
        store.commitBatch(proposal);
        store.rollbackTo(L1, b1, "reorg on chain 900");
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.SENT);

        store.commitBatch(proposal);

        assertThat(store.outputs(L2A, 10)).extracting(OutputRecord::status)
                .containsExactly(OutputRecord.Status.PROPOSED);
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
    }

    @Test
    void rollbackToABlockThatIsNotOnTheRecordedChainIsRefused() {
        store.commitBatch(l1.batch(l1.mine(3)));
        l1.fork(1, "b");
        BlockRef stranger = l1.mine();

        assertThatThrownBy(() -> store.rollbackTo(L1, stranger, "reorg"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("block 2 of chain 900")
                .hasMessageContaining("not a common ancestor");
        assertThatThrownBy(() -> store.rollbackTo(L2A, stranger, "reorg"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chain 901 has no cursor");
        assertThat(store.cursor(L1)).get().extracting(ChainCursor::blockNumber).isEqualTo(3L);
    }

    // ---- dispute games --------------------------------------------------------------------------------

    @Test
    void aGameResolvedMakesTheL2sWaitingWithdrawalsDueAtOnce() {
        BlockRef w1 = l2a.mine();
        store.commitBatch(l2a.batch(w1, withdrawal(l2a.at(w1, 1, 0), 0, WD1)));
        BlockRef g = l1.mine();
        store.commitBatch(l1.batch(g, gameCreated(l1.at(g, 1, 0), L2A, 0, 1)));
        Instant now = Instant.now();
        store.recordAttempt(WD1, 0, now.plus(Duration.ofHours(1)), "waiting for the game to resolve");
        Set<MessageState> waiting = Set.of(MessageState.COMMITTED);
        assertThat(store.due(L1, 0, 1, waiting, now, 10)).isEmpty();

        BlockRef r = l1.mine();
        store.commitBatch(l1.batch(r, gameResolved(l1.at(r, 1, 0), L2A, gameAddress(L2A, 0), 2)));

        assertThat(store.due(L1, 0, 1, waiting, now, 10)).extracting(MessageRecord::id).containsExactly(WD1);
        assertThat(store.message(WD1).orElseThrow().lastError()).as("only the time of the next look changed")
                .isEqualTo("waiting for the game to resolve");
    }

    @Test
    void gameIsListedAndCommitsTheWithdrawalsItsL2BlockCovers() {
        BlockRef w1 = l2a.mine();
        store.commitBatch(l2a.batch(w1, withdrawal(l2a.at(w1, 1, 0), 0, WD1)));
        store.commitBatch(l2a.batch(l2a.mine(4)));
        BlockRef w6 = l2a.mine();
        String wd2 = hash("withdrawal-2");
        store.commitBatch(l2a.batch(w6, withdrawal(l2a.at(w6, 2, 0), 1, wd2)));
        BlockRef g = l1.mine();

        BatchResult r = store.commitBatch(l1.batch(g, gameCreated(l1.at(g, 1, 0), L2A, 7, 5)));

        assertThat(r.transitions()).isEqualTo(1);
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
        assertThat(store.history(WD1).getLast().cause()).isEqualTo("game 7 (type 255) at L2 block 5 covers it");
        assertThat(store.message(wd2).orElseThrow().state()).as("its block 6 is above the game's")
                .isEqualTo(MessageState.SENT);
        String address = gameAddress(L2A, 7);
        GameRecord game = store.gameAt(address.toUpperCase().replace("0X", "0x")).orElseThrow();
        assertThat(game).isEqualTo(new GameRecord(L1, L2A, 7, address, 255, gameRoot(L2A, 7), 5, g.timestamp(),
                g.number(), g.hash(), l1.txHash(1), GameRecord.Status.IN_PROGRESS, null, false, 60L, null, null, null,
                null, 1, game.recordedAt()));
        assertThat(store.game(L2A, 7)).contains(game);
        assertThat(store.game(L2B, 7)).isEmpty();
        assertThat(store.claims(address)).containsExactly(new GameClaim(address, 0, null, gameRoot(L2A, 7),
                "0x00000000000000000000000000000000000000c0", BigInteger.ONE,
                BigInteger.valueOf(80_000_000_000_000_000L), GameClaim.packClock(0, g.timestamp())));
        assertThat(store.gameHistory(address)).singleElement().satisfies(h -> {
            assertThat(h.what()).isEqualTo(GameHistoryEntry.What.CREATED);
            assertThat(h.cause()).contains("game 7 (type 255) of L2 901", "L2 block 5", "chain 900 block 1");
        });
        assertThat(store.unresolvedGames(L1).keySet()).containsExactly(address);
        assertThat(store.unresolvedGames(L2A)).isEmpty();
    }

    @Test
    void withdrawalSeenAfterAGameCoversItIsCommittedAtOnceWhateverTheGame() {
        BlockRef g = l1.mine();
        store.commitBatch(l1.batch(g, gameCreated(l1.at(g, 1, 0), L2A, 0, 10),
                gameResolved(l1.at(g, 2, 1), L2A, gameAddress(L2A, 0), 1),
                gameCreated(l1.at(g, 3, 2), L2A, 1, 20)));
        store.recordGameVerdict(gameAddress(L2A, 0), false, "the L2 node says 0x01", "relayer");
        l2a.mine(2);
        BlockRef w = l2a.mine();

        BatchResult r = store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));

        assertThat(r.transitions()).isEqualTo(2);
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
        assertThat(store.history(WD1).getLast().cause()).as("the game recorded first, lost and invalid as it is")
                .isEqualTo("game 0 (type 255) at L2 block 10 covers it");
        store.commitBatch(l2a.batch(l2a.mine(18)));
        BlockRef late = l2a.mine();
        store.commitBatch(l2a.batch(late, withdrawal(l2a.at(late, 2, 0), 1, hash("withdrawal-late"))));
        assertThat(late.number()).isEqualTo(22);
        assertThat(store.message(hash("withdrawal-late")).orElseThrow().state()).as("no game covers block 22")
                .isEqualTo(MessageState.SENT);
    }

    @Test
    void movesAreRecordedWithTheirPositionsBondsAndClocks() {
        BlockRef g = l1.mine();
        store.commitBatch(l1.batch(g, gameCreated(l1.at(g, 1, 0), L2A, 3, 8)));
        String game = gameAddress(L2A, 3);
        BlockRef m1 = l1.mine();
        BlockRef m2 = l1.mine();
        BigInteger bigBond = new BigInteger("80000000000000000000");

        store.commitBatch(l1.batch(List.of(m1, m2), gameMove(l1.at(m1, 2, 0), L2A, game, 1, 0, 2, 1_000, 2),
                new ProtocolEvent.GameMove(l1.at(m2, 3, 0), L2A, game.toUpperCase().replace("0X", "0x"), 1,
                        hash("claim:2"), TestChain.address("player:2"), 2, UINT128_MAX, bigBond,
                        GameClaim.packClock(4, m2.timestamp())),
                gameMove(l1.at(m2, 4, 1), L2A, game, 2, 1, 5, 9, 9),
                gameMove(l1.at(m2, 5, 2), L2A, gameAddress(L2A, 99), 1, 0, 2, 1_000, 0)));

        List<GameClaim> claims = store.claims(game);
        assertThat(claims).extracting(GameClaim::claimIndex).containsExactly(0L, 1L, 2L);
        GameClaim first = claims.get(1);
        assertThat(first).isEqualTo(new GameClaim(game, 1, 0L, hash("claim:1"), TestChain.address("player:1"),
                BigInteger.TWO, BigInteger.valueOf(1_000), GameClaim.packClock(2, m1.timestamp())));
        assertThat(first.clockDurationSeconds()).isEqualTo(2);
        assertThat(first.clockTimestamp()).isEqualTo(m1.timestamp());
        assertThat(first.depth()).isEqualTo(1);
        assertThat(first.byDefender()).isFalse();
        GameClaim deep = claims.get(2);
        assertThat(deep.position()).as("a uint128 kept whole").isEqualTo(UINT128_MAX);
        assertThat(deep.depth()).isEqualTo(127);
        assertThat(deep.bond()).isEqualTo(bigBond);
        assertThat(deep.clockDurationSeconds()).isEqualTo(4);
        assertThat(store.gameAt(game).orElseThrow().claims()).isEqualTo(3);
        assertThat(store.gameHistory(game)).extracting(GameHistoryEntry::what).containsExactly(
                GameHistoryEntry.What.CREATED, GameHistoryEntry.What.MOVE, GameHistoryEntry.What.MOVE);
        assertThat(store.gameHistory(game).get(1).cause()).contains("claim 1 at position 2 (depth 1, challenging)",
                "counters claim 0", "bond 1000 wei", "chain 900 block 2");
        assertThat(store.claims(gameAddress(L2A, 99))).as("a move on a game the store does not know").isEmpty();
        assertThat(store.eventCount(L1)).isEqualTo(5);
    }

    @Test
    void gameResolvesAndIsBlacklisted() {
        BlockRef g = l1.mine();
        store.commitBatch(l1.batch(g, gameCreated(l1.at(g, 1, 0), L2A, 0, 8), gameCreated(l1.at(g, 2, 1), L2A, 1, 16),
                gameCreated(l1.at(g, 3, 2), L2B, 0, 4)));
        String game0 = gameAddress(L2A, 0);
        BlockRef r = l1.mine();

        store.commitBatch(l1.batch(r, gameResolved(l1.at(r, 4, 0), L2A, game0, 2),
                gameResolved(l1.at(r, 5, 1), L2A, gameAddress(L2A, 1), 7),
                gameBlacklisted(l1.at(r, 6, 2), L2A, game0), gameBlacklisted(l1.at(r, 7, 3), L2A, game0)));

        GameRecord resolved = store.gameAt(game0).orElseThrow();
        assertThat(resolved.status()).isEqualTo(GameRecord.Status.DEFENDER_WINS);
        assertThat(resolved.resolvedAt()).isEqualTo(r.timestamp());
        assertThat(resolved.blacklisted()).isTrue();
        assertThat(store.gameHistory(game0)).extracting(GameHistoryEntry::what).containsExactly(
                GameHistoryEntry.What.CREATED, GameHistoryEntry.What.RESOLVED, GameHistoryEntry.What.BLACKLISTED);
        assertThat(store.gameHistory(game0).get(1).cause()).startsWith("resolved DEFENDER_WINS on chain 900 block 2");
        assertThat(store.gameAt(gameAddress(L2A, 1)).orElseThrow().status()).as("an unknown status is not applied")
                .isEqualTo(GameRecord.Status.IN_PROGRESS);
        assertThat(store.unresolvedGames(L1).keySet()).containsExactly(gameAddress(L2A, 1), gameAddress(L2B, 0));

        assertThat(store.games(GameQuery.all())).extracting(GameRecord::l2ChainId, GameRecord::index).containsExactly(
                org.assertj.core.groups.Tuple.tuple(L2A, 1L), org.assertj.core.groups.Tuple.tuple(L2B, 0L),
                org.assertj.core.groups.Tuple.tuple(L2A, 0L));
        assertThat(store.games(new GameQuery(L2A, null, null, 10))).extracting(GameRecord::index)
                .containsExactly(1L, 0L);
        assertThat(store.games(new GameQuery(null, Set.of(GameRecord.Status.DEFENDER_WINS), null, 10)))
                .extracting(GameRecord::address).containsExactly(game0);
        assertThat(store.games(new GameQuery(null, Set.of(GameRecord.Status.IN_PROGRESS,
                GameRecord.Status.CHALLENGER_WINS), null, 10))).hasSize(2);
        assertThat(store.games(new GameQuery(null, null, 255, 1))).extracting(GameRecord::index).containsExactly(1L);
        assertThat(store.games(new GameQuery(null, null, 0, 10))).isEmpty();
    }

    @Test
    void verdictIsRecordedOnceAndAChangeIsKeptInTheHistory() {
        BlockRef g = l1.mine();
        store.commitBatch(l1.batch(g, gameCreated(l1.at(g, 1, 0), L2A, 0, 8)));
        String game = gameAddress(L2A, 0);

        store.recordGameVerdict(game, true, "root claim is the output root of L2 block 8", "relayer");
        GameRecord valid = store.gameAt(game).orElseThrow();
        store.recordGameVerdict(game.toUpperCase().replace("0X", "0x"), true, "checked again", "monitor");

        assertThat(store.gameAt(game)).contains(valid);
        assertThat(valid.verdict()).isEqualTo("VALID");
        assertThat(valid.verdictDetail()).isEqualTo("root claim is the output root of L2 block 8");
        assertThat(valid.verdictBy()).isEqualTo("relayer");
        assertThat(valid.verdictAt()).isNotNull();
        assertThat(store.gameHistory(game)).hasSize(2);

        store.recordGameVerdict(game, false, "the L2 node gives 0x02 for L2 block 8", "monitor");

        GameRecord invalid = store.gameAt(game).orElseThrow();
        assertThat(invalid.verdict()).isEqualTo("INVALID");
        assertThat(invalid.verdictBy()).isEqualTo("monitor");
        assertThat(store.gameHistory(game)).extracting(GameHistoryEntry::what).containsExactly(
                GameHistoryEntry.What.CREATED, GameHistoryEntry.What.VERDICT, GameHistoryEntry.What.VERDICT);
        assertThat(store.gameHistory(game).get(1).cause())
                .isEqualTo("VALID by relayer: root claim is the output root of L2 block 8");
        assertThat(store.gameHistory(game).getLast().cause())
                .isEqualTo("INVALID by monitor: the L2 node gives 0x02 for L2 block 8 (was VALID)");
        assertThatThrownBy(() -> store.recordGameVerdict(gameAddress(L2A, 5), true, "x", "relayer"))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining(gameAddress(L2A, 5));
    }

    @Test
    void rollbackUndoesWhatRemovedBlocksDidToGamesAndTheWithdrawalsTheyCommitted() {
        BlockRef w = l2a.mine();
        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));
        String game = gameAddress(L2A, 0);
        BlockRef b1 = l1.mine();
        store.commitBatch(l1.batch(b1));
        BlockRef created = l1.mine();
        ChainBatch creation = l1.batch(created, gameCreated(l1.at(created, 1, 0), L2A, 0, 4));
        store.commitBatch(creation);
        BlockRef moved = l1.mine();
        store.commitBatch(l1.batch(moved, gameMove(l1.at(moved, 2, 0), L2A, game, 1, 0, 2, 100, 3)));
        BlockRef ended = l1.mine();
        store.commitBatch(l1.batch(ended, gameResolved(l1.at(ended, 3, 0), L2A, game, 1),
                gameBlacklisted(l1.at(ended, 4, 1), L2A, game)));
        store.recordGameVerdict(game, false, "wrong root", "relayer");
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);

        // A reorg of the resolution's block: the game is in progress again, not blacklisted; its history says so.
        store.rollbackTo(L1, moved, "reorg on chain 900: block 4 orphaned");

        GameRecord reopened = store.gameAt(game).orElseThrow();
        assertThat(reopened.status()).isEqualTo(GameRecord.Status.IN_PROGRESS);
        assertThat(reopened.resolvedAt()).isNull();
        assertThat(reopened.blacklisted()).isFalse();
        assertThat(reopened.verdict()).as("not an event's").isEqualTo("INVALID");
        assertThat(store.unresolvedGames(L1).keySet()).containsExactly(game);
        List<GameHistoryEntry> history = store.gameHistory(game);
        assertThat(history).extracting(GameHistoryEntry::what).containsExactly(GameHistoryEntry.What.CREATED,
                GameHistoryEntry.What.MOVE, GameHistoryEntry.What.VERDICT, GameHistoryEntry.What.ROLLED_BACK,
                GameHistoryEntry.What.ROLLED_BACK);
        assertThat(history.get(3).cause()).startsWith("reorg on chain 900: block 4 orphaned (undoing: blacklisted");
        assertThat(history.get(4).cause()).startsWith("reorg on chain 900: block 4 orphaned (undoing: resolved"
                + " CHALLENGER_WINS");

        // A reorg of the moves' and the creation's blocks: the game is gone, the withdrawal waits for another.
        RollbackResult r = store.rollbackTo(L1, b1, "reorg on chain 900: blocks 2..3 orphaned");

        assertThat(r).isEqualTo(new RollbackResult(2, 0, 1));
        assertThat(store.gameAt(game)).isEmpty();
        assertThat(store.game(L2A, 0)).isEmpty();
        assertThat(store.claims(game)).isEmpty();
        assertThat(store.gameHistory(game)).isEmpty();
        assertThat(store.games(GameQuery.all())).isEmpty();
        assertThat(store.unresolvedGames(L1)).isEmpty();
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.SENT);
        assertThat(store.history(WD1).getLast().cause()).startsWith("reorg on chain 900: blocks 2..3 orphaned"
                + " (undoing: game 0 (type 255) at L2 block 4 covers it)");

        // The creation's block comes back: the game is recorded again and commits the withdrawal again.
        store.commitBatch(creation);

        assertThat(store.gameAt(game).orElseThrow().claims()).isEqualTo(1);
        assertThat(store.gameHistory(game)).extracting(GameHistoryEntry::what)
                .containsExactly(GameHistoryEntry.What.CREATED);
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
    }

    // ---- outputs, outbox, transactions, findings, breakers -------------------------------------------

    @Test
    void outputVerdictIsRecorded() {
        BlockRef o = l1.mine();
        store.commitBatch(l1.batch(o, output(l1.at(o, 1, 0), L2A, 0, 10)));
        String root = hash("root:" + L2A + ":0");

        store.setOutputVerdict(L2A, BigInteger.ZERO, root, "INVALID");

        OutputRecord out = store.outputs(L2A, 1).getFirst();
        assertThat(out.verdict()).isEqualTo("INVALID");
        assertThat(out.checkedAt()).isNotNull();
        assertThat(out.l1BlockHash()).isEqualTo(o.hash());
        assertThat(out.l2BlockNumber()).isEqualTo(BigInteger.TEN);
        assertThatThrownBy(() -> store.setOutputVerdict(L2A, BigInteger.ONE, root, "VALID"))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("output 1");
        assertThatThrownBy(() -> store.setOutputVerdict(L2A, BigInteger.ZERO, root, "MAYBE"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAYBE");
    }

    @Test
    void outboxKeepsOrderAndForgetsPublishedRecords() {
        for (String k : List.of("a", "b", "c", "d", "e")) {
            store.outboxAdd("test", k, "{\"k\":\"" + k + "\"}");
        }
        List<OutboxRecord> all = store.outboxPending(10);
        assertThat(all).extracting(OutboxRecord::key).containsExactly("a", "b", "c", "d", "e");
        assertThat(all).extracting(OutboxRecord::id).isSorted();

        store.outboxPublished(List.of(all.get(0).id(), all.get(1).id()));
        store.outboxPublished(List.of(all.get(0).id()));

        assertThat(store.outboxPending(2)).extracting(OutboxRecord::key).containsExactly("c", "d");
        assertThat(open().outboxPending(10)).extracting(OutboxRecord::key).containsExactly("c", "d", "e");
    }

    /**
     * A routing key's lease has one holder at a time; every acquisition raises the epoch, so a holder whose lease was
     * taken (even by a process with its own name: a restart) cannot record a transaction any more, and nothing of
     * the refused write is kept. Two stores on one database play two instances.
     */
    @Test
    void aKeyLeaseHasOneHolderAndAnEarlierEpochIsFencedOff() throws Exception {
        recordDeposit();
        String signer = TestChain.address("relayer");
        Duration ttl = Duration.ofSeconds(30);
        Duration margin = Duration.ofSeconds(1);
        MessageStore other = open();

        KeyLease a = store.acquireLease("901:0", "relayer-a", ttl).orElseThrow();
        assertThat(a.epoch()).isEqualTo(1);
        assertThat(other.acquireLease("901:0", "relayer-b", ttl)).as("held by relayer-a").isEmpty();
        assertThat(other.acquireLease("901:1", "relayer-b", ttl)).as("another key is free").isPresent();
        store.checkLease(a, margin);
        assertThatThrownBy(() -> store.checkLease(a, Duration.ofSeconds(31))).isInstanceOf(FencedOff.class)
                .hasMessageContaining("safety margin");
        TxRecord first = store.recordTransaction(tx(DEP1, signer, 1, "0x01"), a, margin);
        assertThat(store.renewLease(a, ttl)).as("renewed while held").hasValueSatisfying(r ->
                assertThat(r.epoch()).isEqualTo(1));

        KeyLease again = other.acquireLease("901:0", "relayer-a", ttl).orElseThrow();
        assertThat(again.epoch()).as("the same owner, started again, takes it at a new epoch").isEqualTo(2);
        assertThatThrownBy(() -> store.recordTransaction(tx(DEP1, signer, 2, "0x02"), a, margin))
                .isInstanceOf(FencedOff.class).hasMessageContaining("epoch 2");
        assertThatThrownBy(() -> store.checkLease(a, Duration.ZERO)).isInstanceOf(FencedOff.class);
        assertThat(store.transactionsFromNonce(L2A, signer, BigInteger.ZERO)).as("the refused one left nothing")
                .extracting(TxRecord::id).containsExactly(first.id());
        assertThat(store.renewLease(a, ttl)).as("a stale epoch is not renewed").isEmpty();
        store.releaseLease(a);
        assertThat(other.acquireLease("901:0", "relayer-b", ttl)).as("releasing a stale lease frees nothing").isEmpty();

        other.releaseLease(again);
        KeyLease b = other.acquireLease("901:0", "relayer-b", ttl).orElseThrow();
        assertThat(b.epoch()).as("a released key is taken at once").isEqualTo(3);
        assertThat(store.lease("901:0")).contains(b);

        KeyLease shortLived = store.acquireLease("901:2", "relayer-c", Duration.ofMillis(300)).orElseThrow();
        Instant deadline = Instant.now().plusSeconds(10);
        Optional<KeyLease> taken = Optional.empty();
        while (taken.isEmpty() && Instant.now().isBefore(deadline)) {
            taken = other.acquireLease("901:2", "relayer-d", ttl);
            Thread.sleep(50);
        }
        assertThat(taken).as("a lease that ran out passes to the next owner").isPresent();
        assertThatThrownBy(() -> store.recordTransaction(tx(DEP1, signer, 3, "0x03"), shortLived, Duration.ZERO))
                .isInstanceOf(FencedOff.class).hasMessageContaining("held by relayer-d");
        assertThat(store.renewLease(shortLived, ttl)).as("a lost lease is not renewed").isEmpty();
    }

    @Test
    void aUnitOfWorkLandsAllOrNothingAndIsSeenAfterARestart() {
        recordDeposit();
        String signer = TestChain.address("relayer");
        KeyLease lease = store.acquireLease("901:0", "relayer-a", Duration.ofSeconds(30)).orElseThrow();

        List<TxRecord> recorded = store.inTransaction("a round", () -> {
            List<TxRecord> out = new java.util.ArrayList<>();
            for (int n = 0; n < 3; n++) {
                out.add(store.recordTransaction(tx(DEP1, signer, n, "0x0" + n), lease, Duration.ZERO));
            }
            store.note(DEP1, "three sent");
            return out;
        });
        assertThat(recorded).extracting(TxRecord::nonce).containsExactly(BigInteger.ZERO, BigInteger.ONE,
                BigInteger.TWO);
        assertThat(recorded).allSatisfy(t -> assertThat(t.id()).isPositive());

        assertThatThrownBy(() -> store.inTransaction("a round that fails", () -> {
            store.recordTransaction(tx(DEP1, signer, 3, "0x03"), lease, Duration.ZERO);
            recorded.forEach(t -> store.updateTransaction(t.id(), TxRecord.Status.BROADCAST, null));
            store.updateTransaction(-1, TxRecord.Status.BROADCAST, null); // no such transaction: the unit fails
        })).isInstanceOf(java.util.NoSuchElementException.class);
        assertThatThrownBy(() -> store.inTransaction("a unit with a call that must run alone",
                () -> store.acquireLease("901:1", "relayer-a", Duration.ofSeconds(30))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot join");
        store.close();

        MessageStore restarted = open();
        assertThat(restarted.transactionsFromNonce(L2A, signer, BigInteger.ZERO))
                .as("the first unit landed whole, nothing of the failed one did")
                .extracting(TxRecord::nonce, TxRecord::status)
                .containsExactly(tuple(BigInteger.ZERO, TxRecord.Status.SIGNED), tuple(BigInteger.ONE,
                        TxRecord.Status.SIGNED), tuple(BigInteger.TWO, TxRecord.Status.SIGNED));
        assertThat(restarted.history(DEP1)).extracting(Transition::cause).contains("three sent");
        assertThat(restarted.lease("901:1")).as("the lease inside the refused unit was not taken").isEmpty();
    }

    @Test
    void transactionIsRecordedBeforeBroadcastAndFoundAfterRestart() {
        recordDeposit();
        String signer = TestChain.address("relayer");
        TxRecord sent = store.recordTransaction(tx(DEP1, signer, 7, "0xaa"));
        assertThat(sent.id()).isPositive();
        assertThat(store.recordTransaction(tx(DEP1, signer, 7, "0xaa")).id()).isEqualTo(sent.id());
        store.close();

        MessageStore restarted = open();
        assertThat(restarted.openTransactions(L2A, signer)).singleElement().satisfies(t -> {
            assertThat(t.id()).isEqualTo(sent.id());
            assertThat(t.txHash()).isEqualTo(hash("signed-7"));
            assertThat(t.rawTx()).isEqualTo("0xaa");
            assertThat(t.status()).isEqualTo(TxRecord.Status.SIGNED);
            assertThat(t.maxFeePerGas()).isEqualTo(new BigInteger("30000000000"));
        });
        assertThat(restarted.highestNonce(L2A, signer)).contains(BigInteger.valueOf(7));
        assertThat(restarted.highestNonce(L2B, signer)).isEmpty();

        restarted.updateTransaction(sent.id(), TxRecord.Status.BROADCAST, null);
        TxRecord next = restarted.recordTransaction(tx(DEP1, signer, 8, "0xbb"));
        restarted.updateTransaction(sent.id(), TxRecord.Status.REVERTED, "out of gas");

        assertThat(restarted.openTransactions(L2A, signer)).extracting(TxRecord::id).containsExactly(next.id());
        assertThat(restarted.transactionsOf(DEP1)).extracting(TxRecord::id, TxRecord::status, TxRecord::error)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(sent.id(), TxRecord.Status.REVERTED, "out of gas"),
                        org.assertj.core.groups.Tuple.tuple(next.id(), TxRecord.Status.SIGNED, null));
        assertThat(restarted.highestNonce(L2A, signer)).contains(BigInteger.valueOf(8));
        assertThat(restarted.transactionsFromNonce(L2A, signer, BigInteger.valueOf(7)))
                .as("every status, by nonce").extracting(TxRecord::id).containsExactly(sent.id(), next.id());
        assertThat(restarted.transactionsFromNonce(L2A, signer, BigInteger.valueOf(8))).extracting(TxRecord::id)
                .containsExactly(next.id());
        assertThat(restarted.transactionsFromNonce(L2B, signer, BigInteger.ZERO)).isEmpty();
        assertThatThrownBy(() -> restarted.updateTransaction(999_999, TxRecord.Status.CONFIRMED, null))
                .isInstanceOf(NoSuchElementException.class).hasMessageContaining("999999");
    }

    @Test
    void findingsAreDeduplicated() {
        Finding seen = finding("bad-output:901:3", Map.of("expected", "0x01", "seen", "0x02"));

        MessageStore.FindingResult first = store.recordFinding(seen);
        MessageStore.FindingResult again = store.recordFinding(finding("bad-output:901:3", Map.of("seen", "0x03")));

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.finding().id()).isEqualTo(first.finding().id());
        assertThat(again.finding().count()).isEqualTo(2);
        assertThat(again.finding().evidence()).isEqualTo(Map.of("seen", "0x03"));
        assertThat(again.finding().status()).isEqualTo("OPEN");
        assertThat(store.recordFinding(finding("other", Map.of())).created()).isTrue();

        store.resolveFinding(first.finding().id(), "challenged");
        MessageStore.FindingResult reopened = store.recordFinding(seen);

        assertThat(reopened.created()).isTrue();
        assertThat(reopened.finding().id()).isNotEqualTo(first.finding().id());
        assertThat(store.findings("OPEN", 10)).extracting(Finding::dedupeKey).containsExactly("bad-output:901:3", "other");
        assertThat(store.findings("RESOLVED", 10)).extracting(Finding::id).containsExactly(first.finding().id());
        assertThat(store.findings(null, 10)).hasSize(3);
    }

    @Test
    void breakerTripIsAnnouncedOnTheControlTopic() {
        assertThat(store.breaker(L2A)).isEmpty();

        BreakerState tripped = store.setBreaker(L2A, true, "invalid output 3", "monitor");

        assertThat(store.breaker(L2A)).contains(tripped);
        OutboxRecord announced = pending("control").getFirst();
        assertThat(announced.key()).isEqualTo("breaker:901");
        JsonNode p = json(announced.payload());
        assertThat(p.get("schema").asText()).isEqualTo("crossbar.control/v1");
        assertThat(p.get("type").asText()).isEqualTo("breaker");
        assertThat(p.get("chainId").asLong()).isEqualTo(L2A);
        assertThat(p.get("tripped").asBoolean()).isTrue();
        assertThat(p.get("reason").asText()).isEqualTo("invalid output 3");
        assertThat(p.get("by").asText()).isEqualTo("monitor");
        assertThat(Instant.parse(p.get("at").asText())).isEqualTo(tripped.changedAt());

        store.setBreaker(L2A, false, "output 3 deleted", "operator");

        assertThat(store.breakers()).singleElement().satisfies(b -> {
            assertThat(b.tripped()).isFalse();
            assertThat(b.changedBy()).isEqualTo("operator");
        });
        assertThat(pending("control")).hasSize(2);
    }

    // ---- helpers --------------------------------------------------------------------------------------

    /** DEP1: a deposit from L1 (block 1, tx 1) to L2A with nonce 0. */
    void recordDeposit() {
        BlockRef b = l1.mine();
        store.commitBatch(l1.batch(b, deposit(l1.at(b, 1, 0), L2A, 0, DEP1)));
    }

    /** WD1 from L2A block 1, committed by output 0 (L2 block 3) in an L1 block. */
    void recordCommittedWithdrawal() {
        BlockRef w = l2a.mine();
        store.commitBatch(l2a.batch(w, withdrawal(l2a.at(w, 1, 0), 0, WD1)));
        BlockRef o = l1.mine();
        store.commitBatch(l1.batch(o, output(l1.at(o, 1, 0), L2A, 0, 3)));
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
    }

    /** WD1 (L2A block 1) covered by outputs 0 and 1, proven against output 1, in its window. */
    void recordWithdrawalProvenAgainstOutput1() {
        recordCommittedWithdrawal();
        BlockRef o = l1.mine();
        store.commitBatch(l1.batch(o, output(l1.at(o, 2, 0), L2A, 1, 6)));
        BlockRef p = l1.mine();
        store.commitBatch(l1.batch(p, proven(l1.at(p, 3, 0), L2A, WD1)));
        store.putDetails(WD1, Map.of("provenOutputIndex", "1"));
        assertThat(store.message(WD1).orElseThrow().state()).isEqualTo(MessageState.IN_WINDOW);
    }

    List<OutboxRecord> pending(String topic) {
        return store.outboxPending(1000).stream().filter(o -> o.topic().equals(topic)).toList();
    }

    static JsonNode json(String payload) {
        return Json.read(payload, JsonNode.class);
    }

    static TxRecord tx(String messageId, String signer, long nonce, String raw) {
        return new TxRecord(0, messageId, "RELAY", L2A, signer, BigInteger.valueOf(nonce), hash("signed-" + nonce), raw,
                new BigInteger("30000000000"), new BigInteger("1000000000"), BigInteger.valueOf(300_000),
                TxRecord.Status.SIGNED, null, null, null, null);
    }

    static Finding finding(String key, Map<String, String> evidence) {
        return new Finding(0, "BAD_OUTPUT", "critical", L2A, key, "output root does not match the L2", evidence, null, 0,
                null, null);
    }
}
