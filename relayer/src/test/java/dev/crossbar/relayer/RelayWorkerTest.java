package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import static dev.crossbar.testkit.FakeEthApi.bool;
import static dev.crossbar.testkit.FakeEthApi.uint;
import static dev.crossbar.testkit.FakeEthApi.words;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.RoutingKey;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.testkit.ChainRecorder;
import dev.crossbar.testkit.FakeEthApi;
import dev.crossbar.testkit.TempDirs;
import dev.crossbar.txmanager.FeePolicy;
import dev.crossbar.txmanager.TxManager;
import dev.crossbar.txmanager.TxMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

/**
 * What a worker decides for the withdrawals of its key, with the chains faked ({@link FakeEthApi}: each test answers
 * exactly the views the decision reads) and the real SQLite store in a temporary folder, whose lifecycle the
 * messages are brought through as a watcher would ({@link ChainRecorder}).
 */
class RelayWorkerTest {
    private static final long L1 = 900;
    private static final long L2A = 901;
    private static final String PORTAL = ChainRecorder.address("portal");
    private static final String ORACLE = ChainRecorder.address("oracle");
    private static final String ROOT = ChainRecorder.hash("output-root-0");
    private static final long PERIOD = 12;
    private static final String FINALIZE = "finalizeWithdrawalTransaction((uint256,address,address,uint256,uint256,bytes))";

    private final Path dir = TempDirs.create("relay-worker");
    private final FakeEthApi l1 = new FakeEthApi(L1, "l1");
    private final FakeEthApi l2a = new FakeEthApi(L2A, "l2a");
    private final List<MessageStore> stores = new ArrayList<>();
    private MessageStore store;
    private ChainRecorder l1Recorder;
    private ChainRecorder l2Recorder;
    private long outputs;

    @AfterEach
    void removeStore() {
        stores.forEach(MessageStore::close);
        TempDirs.delete(dir);
    }

    @Test
    void aCommittedWithdrawalWithNoOutputOnChainYetWaitsWithoutSending() {
        RelayWorker worker = worker(1, 1, 0);
        String id = committedWithdrawal("w1");
        notProvenOnChain();
        l1.onCall(ORACLE, "getL2OutputIndexAfter(uint256)", data -> {
            throw FakeEthApi.reverted("L2OutputOracle: cannot get output for a block that has not been proposed");
        });

        worker.runOnce();

        MessageRecord m = store.message(id).orElseThrow();
        assertThat(m.state()).isEqualTo(MessageState.COMMITTED);
        assertThat(m.lastError()).isEqualTo("no output covers L2 block 1 yet");
        assertThat(m.attempts()).as("a wait is not a failed attempt").isZero();
        assertThat(m.nextAttemptAt()).isAfter(Instant.now());
        assertThat(l1.pool()).isEmpty();
    }

    @Test
    void aProvenWithdrawalStillInItsWindowWaitsForIt() {
        RelayWorker worker = worker(1, 1, 0);
        String id = provenWithdrawal("w1");
        l1.head(50, provenAt() + PERIOD - 4);

        worker.runOnce();

        MessageRecord m = store.message(id).orElseThrow();
        assertThat(m.state()).isEqualTo(MessageState.IN_WINDOW);
        assertThat(m.lastError()).isEqualTo("in its challenge window for 5s more (L1 time)");
        assertThat(l1.pool()).isEmpty();
    }

    @Test
    void aProvenWithdrawalPastItsWindowBecomesReadyAndIsThenFinalized() {
        RelayWorker worker = worker(1, 1, 0);
        String id = provenWithdrawal("w1");
        l1.head(50, provenAt() + PERIOD + 1);
        l1.onCall(PORTAL, "finalizedWithdrawals(bytes32)", bool(false));
        l1.onEstimate(PORTAL, FINALIZE, BigInteger.valueOf(120_000));

        worker.runOnce();
        assertThat(store.message(id).orElseThrow().state()).isEqualTo(MessageState.READY);

        worker.runOnce();
        assertThat(store.message(id).orElseThrow().state()).isEqualTo(MessageState.RELAYING);
        List<TxRecord> sent = store.transactionsOf(id);
        assertThat(sent).singleElement().satisfies(t -> {
            assertThat(t.purpose()).isEqualTo(TxPurpose.FINALIZE);
            assertThat(t.chainId()).isEqualTo(L1);
        });
        assertThat(l1.pool()).containsOnlyKeys(sent.getFirst().txHash());
        var tx = FakeEthApi.decode(l1.pool().get(sent.getFirst().txHash()));
        assertThat(tx.getTo()).isEqualToIgnoringCase(PORTAL);
        assertThat(tx.getData()).startsWith(FakeEthApi.selector(FINALIZE).substring(2));
        assertThat(l1.asked()).as("asked whether it was finalized already, then simulated")
                .containsSubsequence("call " + PORTAL + " " + FakeEthApi.selector("finalizedWithdrawals(bytes32)"),
                        "estimate " + PORTAL + " " + FakeEthApi.selector(FINALIZE));
    }

    @Test
    void aReadyWithdrawalTheSimulationSaysIsEarlyWaitsWithoutSending() {
        RelayWorker worker = worker(1, 1, 0);
        String id = readyWithdrawal("w1");
        l1.onCall(PORTAL, "finalizedWithdrawals(bytes32)", bool(false));
        l1.onEstimate(PORTAL, FINALIZE, data -> {
            throw FakeEthApi.reverted("Portal: proven withdrawal finalization period has not elapsed");
        });

        worker.runOnce();

        MessageRecord m = store.message(id).orElseThrow();
        assertThat(m.state()).isEqualTo(MessageState.READY);
        assertThat(m.lastError()).contains("finalization period has not elapsed");
        assertThat(m.attempts()).isZero();
        assertThat(store.transactionsOf(id)).isEmpty();
        assertThat(l1.pool()).isEmpty();
    }

    @Test
    void aReadyWithdrawalFinalizedOnChainAlreadyIsRelayedWithoutASend() {
        RelayWorker worker = worker(1, 1, 0);
        String id = readyWithdrawal("w1");
        l1.onCall(PORTAL, "finalizedWithdrawals(bytes32)", bool(true));

        worker.runOnce();

        assertThat(store.message(id).orElseThrow().state()).isEqualTo(MessageState.RELAYED);
        assertThat(l1.asked()).noneMatch(a -> a.startsWith("estimate"));
        assertThat(l1.pool()).isEmpty();
    }

    @Test
    void aMessageOfAChainWhoseBreakerIsTrippedIsBlockedWithoutAskingTheChainAndResumesWhenReset() {
        RelayWorker worker = worker(1, 1, 0);
        String id = readyWithdrawal("w1");
        store.setBreaker(L2A, true, "bad output", "test");

        worker.runOnce();

        assertThat(store.message(id).orElseThrow().state()).isEqualTo(MessageState.BLOCKED);
        assertThat(l1.asked()).isEmpty();
        assertThat(l1.pool()).isEmpty();

        store.setBreaker(L2A, false, "checked", "test");
        worker.runOnce();

        assertThat(store.message(id).orElseThrow().state()).isEqualTo(MessageState.READY);
        assertThat(l1.asked()).isEmpty();
    }

    @Test
    void aWorkerActsOnlyOnTheMessagesOfItsOwnRoutingKey() {
        RelayWorker slot0 = worker(2, 2, 0);
        List<String> ids = readyWithdrawals(10);
        store.setBreaker(L2A, true, "bad output", "test"); // blocking needs no chain: it shows who acted on what

        slot0.runOnce();

        for (String id : ids) {
            assertThat(store.message(id).orElseThrow().state()).as("message %s in slot %s", id, RoutingKey.slot(id, 2))
                    .isEqualTo(RoutingKey.slot(id, 2) == 0 ? MessageState.BLOCKED : MessageState.READY);
        }
        assertThat(ids).as("both slots have messages").anyMatch(id -> RoutingKey.slot(id, 2) == 0)
                .anyMatch(id -> RoutingKey.slot(id, 2) == 1);
    }

    @Test
    void afterAChangeOfSignerSlotsTheWorkerTakesOverTheMessagesOfItsKey() {
        RelayWorker slot1 = worker(1, 2, 1); // the store routed by 1 slot, the relayer now runs 2
        List<String> ids = readyWithdrawals(10);
        store.setBreaker(L2A, true, "bad output", "test");

        slot1.takeOver();
        slot1.runOnce();

        for (String id : ids) {
            assertThat(store.message(id).orElseThrow().state()).as("message %s in slot %s", id, RoutingKey.slot(id, 2))
                    .isEqualTo(RoutingKey.slot(id, 2) == 1 ? MessageState.BLOCKED : MessageState.READY);
        }
    }

    // ---- the world ----------------------------------------------------------------------------------------

    /** The store (routing by {@code storeSlots}) and the worker of slot {@code slot} of a relayer with {@code slots}. */
    private RelayWorker worker(int storeSlots, int slots, int slot) {
        store = SqliteMessageStore.open(dir.resolve("store.db"), new ChainTopology(Map.of(L2A, L1), storeSlots));
        stores.add(store);
        l1Recorder = new ChainRecorder(store, L1);
        l2Recorder = new ChainRecorder(store, L2A);
        ChainConfig l1Config = new ChainConfig("l1", L1, ChainRole.L1, List.of(URI.create("http://l1.invalid")), null,
                Confirmations.blocks(1), 0, Duration.ofSeconds(1), 1000,
                List.of(new Settlement(L2A, ORACLE, PORTAL, ChainRecorder.address("l1-messenger"))), null, null);
        ChainConfig l2Config = new ChainConfig("l2a", L2A, ChainRole.L2, List.of(URI.create("http://l2a.invalid")),
                null, Confirmations.blocks(1), 0, Duration.ofSeconds(1), 1000, null,
                new ChainConfig.L2Contracts(ChainRecorder.address("passer"), ChainRecorder.address("l2-messenger"),
                        ChainRecorder.address("l2-to-l2"), ChainRecorder.address("executor")), L1);
        Chains network = Chains.of(List.of(l1Config, l2Config), Map.of(L1, l1, L2A, l2a));
        RelayerSettings d = RelayerSettings.defaults();
        RelayerSettings settings = new RelayerSettings("test", slots, 1, d.fees(), d.retry(), d.maxAttempts(),
                d.replayMaxAttempts(), d.gasRaisePercent(), RelayerSettings.Batching.off(), d.tick(), null,
                d.sessionTimeout());
        TxManager signer = new TxManager(l1, Credentials.create(ChainRecorder.hash("relayer-key")),
                FeePolicy.defaults(), store, 1, new TxMetrics(new SimpleMeterRegistry(), "relayer"));
        return new RelayWorker(L1, slot, signer, store, network, settings, new RelayerMetrics(new SimpleMeterRegistry()));
    }

    /** A withdrawal in a new L2 block, covered by a new output at that block as the store saw it. */
    private String committedWithdrawal(String label) {
        String id = l2Recorder.withdrawal(label);
        l1Recorder.output(L2A, outputs++, l2Recorder.last().number(), ROOT);
        assertThat(store.message(id).orElseThrow().state()).isEqualTo(MessageState.COMMITTED);
        return id;
    }

    /** A withdrawal proven against output 0, in its window; the L1 answers as the Portal and the oracle would. */
    private String provenWithdrawal(String label) {
        String id = committedWithdrawal(label);
        l1Recorder.proven(L2A, id);
        assertThat(store.message(id).orElseThrow().state()).isEqualTo(MessageState.IN_WINDOW);
        l1.onCall(PORTAL, "provenWithdrawals(bytes32)", words(ROOT, provenAt(), 0));
        l1.onCall(PORTAL, "escapeMode()", bool(false));
        l1.onCall(ORACLE, "getL2Output(uint256)", words(ROOT, provenAt() - 10, 3));
        l1.onCall(ORACLE, "FINALIZATION_PERIOD_SECONDS()", uint(BigInteger.valueOf(PERIOD)));
        return id;
    }

    private String readyWithdrawal(String label) {
        String id = provenWithdrawal(label);
        store.transition(id, MessageState.READY, "challenge window passed");
        return id;
    }

    private List<String> readyWithdrawals(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(readyWithdrawal("w" + i));
        }
        return ids;
    }

    private void notProvenOnChain() {
        l1.onCall(PORTAL, "provenWithdrawals(bytes32)", words(new byte[32], 0, 0));
        l1.onCall(PORTAL, "escapeMode()", bool(false));
    }

    /** When the proof was mined on L1, as the chain says it. */
    private static long provenAt() {
        return 1_700_000_100L;
    }
}
