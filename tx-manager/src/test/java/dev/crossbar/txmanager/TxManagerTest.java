package dev.crossbar.txmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.FencedOff;
import dev.crossbar.store.KeyLease;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.testkit.JsonRpcProxy;
import dev.crossbar.testkit.TempDirs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The transaction manager of one key against a real node. */
class TxManagerTest {
    static Devnet devnet;
    static Vertx vertx;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = TempDirs.create("txmanager-test");
        devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        devnet.close();
        TempDirs.delete(dir);
    }

    private TxManager signer(MessageStore store, FeePolicy fees) {
        return signer(store, fees, URI.create(devnet.l1().rpcUrl()));
    }

    private TxManager signer(MessageStore store, FeePolicy fees, URI endpoint) {
        var l1 = devnet.l1();
        return new TxManager(EthApi.connect(vertx, l1.chainId(), "l1", List.of(endpoint), EthApi.DEFAULT_TIMEOUT,
                EthApi.DEFAULT_COOLDOWN), DevKeys.RELAYER_2.credentials(), fees, store, 1,
                new TxMetrics(new SimpleMeterRegistry(), "test"));
    }

    @Test
    void consecutiveSendsUseConsecutiveNoncesAndConfirm() throws Exception {
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("a.db"), new ChainTopology(Map.of()))) {
            TxManager s = signer(store, FeePolicy.defaults());
            s.reconcile();
            BigInteger first = s.nextNonce();
            List<TxRecord> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(s.submit(new TxManager.Intent("TEST", null, DevKeys.USER.address(), "0x", BigInteger.ONE,
                        BigInteger.valueOf(21_000))));
            }
            assertThat(sent).extracting(TxRecord::nonce).containsExactly(first, first.add(BigInteger.ONE),
                    first.add(BigInteger.TWO), first.add(BigInteger.valueOf(3)), first.add(BigInteger.valueOf(4)));
            List<TxManager.Outcome> done = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                done.addAll(s.poll());
                return done.size() == 5;
            });
            assertThat(done).allMatch(TxManager.Outcome::succeeded);
        }
    }

    /**
     * A transaction counted as mined is taken away by a reorg deeper than the confirmations, and the owner decides on
     * its next send before any poll saw it: the send is refused as {@link TxManager.Reconciled} (what was decided may be
     * what the lost transaction did), the lost one goes out again at its own nonce first, and the next send takes the
     * nonce after it.
     */
    @Test
    void aSendAfterAReorgTookAMinedTransactionAwayWaitsForTheKeyToBeReconciled() throws Exception {
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("reorg.db"), new ChainTopology(Map.of()))) {
            List<TxRecord> rechecked = new ArrayList<>();
            TxManager s = signer(store, FeePolicy.defaults()).checkingBeforeSends(tx -> {
                rechecked.add(tx);
                return TxManager.Verdict.SEND;
            });
            s.reconcile();
            TxRecord lost = s.submit(transfer());
            await().atMost(Duration.ofSeconds(30)).until(() -> !s.poll().isEmpty());
            long block = devnet.l1().web3j().ethGetTransactionReceipt(lost.txHash()).send().getTransactionReceipt()
                    .orElseThrow().getBlockNumber().longValueExact();
            devnet.l1().anvil().reorg(devnet.l1().blockNumber().longValueExact() - block + 1);
            assertThat(chainNonce()).as("the reorg took it away").isEqualTo(lost.nonce());

            assertThatThrownBy(() -> s.submit(transfer())).isInstanceOf(TxManager.Reconciled.class)
                    .hasMessageContaining("nothing was sent");
            assertThat(rechecked).extracting(TxRecord::txHash).as("the lost one was re-examined").containsExactly(
                    lost.txHash());
            assertThat(s.nextNonce()).isEqualTo(lost.nonce().add(BigInteger.ONE));
            TxRecord next = s.submit(transfer());
            assertThat(next.nonce()).isEqualTo(lost.nonce().add(BigInteger.ONE));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                s.poll();
                return store.openTransactions(devnet.l1().chainId(), DevKeys.RELAYER_2.address()).isEmpty();
            });
            assertThat(chainNonce()).as("the lost one and the next, once each").isEqualTo(lost.nonce().add(
                    BigInteger.TWO));
            assertThat(store.transactionsFromNonce(devnet.l1().chainId(), DevKeys.RELAYER_2.address(), lost.nonce()))
                    .extracting(TxRecord::txHash).containsExactly(lost.txHash(), next.txHash());
        }
    }

    /**
     * A group goes out at consecutive nonces, all of it recorded before the first broadcast and broadcast in nonce
     * order. The node refuses one member in the middle (its gas limit is below the intrinsic gas): the members after
     * it wait in the pool behind the gap, so the refused one's nonce is filled (a cancel) and it is tried on its own,
     * which fails with the node's reason; nothing is left open and the key's nonce has no gap.
     */
    @Test
    void aGroupIsRecordedBeforeItGoesOutInOrderAndARefusedMemberLeavesNoGap() throws Exception {
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("group.db"), new ChainTopology(Map.of()));
                JsonRpcProxy node = JsonRpcProxy.start(vertx, URI.create(devnet.l1().rpcUrl()))) {
            TxManager s = signer(store, FeePolicy.defaults(), node.httpUrl());
            s.reconcile();
            BigInteger first = s.nextNonce();
            List<TxManager.Intent> intents = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                intents.add(new TxManager.Intent("TEST", null, DevKeys.USER.address(), "0x", BigInteger.ONE,
                        BigInteger.valueOf(i == 2 ? 20_000 : 21_000)));
            }
            List<Integer> recordedAtBroadcast = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<BigInteger> broadcastNonces = new java.util.concurrent.CopyOnWriteArrayList<>();
            node.on("eth_sendRawTransaction", (call, next) -> {
                recordedAtBroadcast.add(store.transactionsFromNonce(devnet.l1().chainId(), DevKeys.RELAYER_2.address(),
                        first).size());
                broadcastNonces.add(org.web3j.crypto.TransactionDecoder.decode(call.get("params").get(0).asText())
                        .getNonce());
                return next.call(call);
            });
            TxManager.Group group = s.prepare(intents, TxManager.Recheck.ALWAYS);
            store.inTransaction("recording the group", group::record);
            List<TxManager.Submitted> out = group.broadcast();

            assertThat(out).extracting(TxManager.Submitted::sent).containsExactly(true, true, false, true, true);
            assertThat(out.get(2).error()).hasMessageContaining("refused the TEST transaction")
                    .hasMessageContaining("intrinsic gas");
            assertThat(List.of(out.get(0), out.get(1), out.get(3), out.get(4))).extracting(r -> r.tx().nonce())
                    .containsExactly(first, first.add(BigInteger.ONE), first.add(BigInteger.valueOf(3)),
                            first.add(BigInteger.valueOf(4)));
            assertThat(recordedAtBroadcast.getFirst()).as("all five recorded before the first went out").isEqualTo(5);
            assertThat(broadcastNonces.subList(0, 5)).as("the group in nonce order").containsExactly(first,
                    first.add(BigInteger.ONE), first.add(BigInteger.TWO), first.add(BigInteger.valueOf(3)),
                    first.add(BigInteger.valueOf(4)));
            assertThat(broadcastNonces).as("then the cancel filling the gap, and the refused one alone at the next"
                    + " nonce").hasSize(7).endsWith(first.add(BigInteger.TWO), first.add(BigInteger.valueOf(5)));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                s.poll();
                return store.openTransactions(devnet.l1().chainId(), DevKeys.RELAYER_2.address()).isEmpty();
            });
            assertThat(chainNonce()).as("every nonce used, none twice").isEqualTo(first.add(BigInteger.valueOf(5)));
            assertThat(store.transactionsFromNonce(devnet.l1().chainId(), DevKeys.RELAYER_2.address(), first))
                    .filteredOn(t -> t.nonce().equals(first.add(BigInteger.TWO)))
                    .extracting(TxRecord::purpose, TxRecord::status)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("TEST", TxRecord.Status.DROPPED),
                            org.assertj.core.groups.Tuple.tuple("CANCEL", TxRecord.Status.CONFIRMED));
        }
    }

    /**
     * The node takes a transaction but its answer is lost (the connection drops): the client sends the same bytes
     * again and the node, which mined it meanwhile, says "nonce too low". That nonce was used by this very
     * transaction: it stays the one on record, and the next send takes the next nonce, not a second copy.
     */
    @Test
    void aSendWhoseAnswerWasLostIsNotMistakenForAUsedNonce() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI node = URI.create(devnet.l1().rpcUrl());
        AtomicBoolean dropNextSendAnswer = new AtomicBoolean(true);
        HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(node).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (body.contains("eth_sendRawTransaction") && dropNextSendAnswer.getAndSet(false)) {
                    ex.close(); // the node has the transaction; the client never hears so
                    return;
                }
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(answer.statusCode(), answer.body().length);
                ex.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        proxy.start();
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("b.db"), new ChainTopology(Map.of()))) {
            TxManager s = signer(store, FeePolicy.defaults(), URI.create("http://127.0.0.1:"
                    + proxy.getAddress().getPort()));
            s.reconcile();
            BigInteger first = s.nextNonce();
            TxRecord tx = s.submit(new TxManager.Intent("TEST", null, DevKeys.USER.address(), "0x", BigInteger.ONE,
                    BigInteger.valueOf(21_000)));
            assertThat(dropNextSendAnswer).as("the answer to the send was dropped").isFalse();
            assertThat(tx.nonce()).isEqualTo(first);
            assertThat(s.nextNonce()).isEqualTo(first.add(BigInteger.ONE));
            assertThat(store.openTransactions(devnet.l1().chainId(), DevKeys.RELAYER_2.address())).singleElement()
                    .satisfies(t -> assertThat(t.status()).isEqualTo(TxRecord.Status.BROADCAST));
            List<TxManager.Outcome> done = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                done.addAll(s.poll());
                return !done.isEmpty();
            });
            assertThat(done).singleElement().satisfies(o -> {
                assertThat(o.succeeded()).isTrue();
                assertThat(o.tx().txHash()).isEqualTo(tx.txHash());
                assertThat(o.tx().status()).isEqualTo(TxRecord.Status.CONFIRMED);
            });
        } finally {
            proxy.stop(0);
        }
    }

    /**
     * Issue #10, defect 1: transactions the store had as CONFIRMED vanish when the chain comes back shorter (a reorg
     * deeper than the confirmations). A restarted signer must not take "the store's highest nonce + 1" as its next
     * nonce: that leaves a gap every later transaction queues behind, unminable. The lost ones are sent again at
     * their own nonces and the next send follows them.
     */
    @Test
    void aReorgThatTakesConfirmedTransactionsLeavesNoNonceGap() throws Exception {
        var l1 = devnet.l1();
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("c.db"), new ChainTopology(Map.of()))) {
            TxManager before = signer(store, FeePolicy.defaults());
            before.reconcile();
            List<TxRecord> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(before.submit(transfer()));
            }
            List<TxManager.Outcome> done = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                l1.anvil().mine(1); // the confirmation
                done.addAll(before.poll());
                return done.size() == 3;
            });
            long firstBlock = done.getFirst().receipt().getBlockNumber().longValueExact();
            for (TxManager.Outcome o : done) {
                firstBlock = Math.min(firstBlock, o.receipt().getBlockNumber().longValueExact());
            }
            // Every block from the first of them on is replaced by an empty one: the three transactions are gone.
            l1.anvil().reorg(l1.blockNumber().longValueExact() - firstBlock + 1);
            BigInteger mined = chainNonce();
            assertThat(mined).as("the reorg took them").isEqualTo(sent.getFirst().nonce());

            TxManager restarted = signer(store, FeePolicy.defaults());
            restarted.reconcile();
            assertThat(restarted.nextNonce()).as("next nonce right after the re-sent ones, no gap")
                    .isEqualTo(sent.getLast().nonce().add(BigInteger.ONE));
            TxRecord after = restarted.submit(transfer());
            await().atMost(Duration.ofSeconds(30)).until(() -> chainNonce().equals(after.nonce().add(BigInteger.ONE)));
            for (TxRecord t : sent) {
                assertThat(l1.web3j().ethGetTransactionReceipt(t.txHash()).send().getTransactionReceipt())
                        .as("lost transaction %s sent again as it was", t.nonce()).isPresent();
            }
        }
    }

    /**
     * Two instances on one key. A records a transaction and, before it broadcasts it, its lease passes to B (A was
     * frozen past its lease): A broadcasts nothing, records nothing more, and re-sends nothing on its next round. B
     * takes the key over, finds the transaction A recorded, and sends those very bytes at that nonce: one transaction
     * on chain, never a second one for the same intent at another nonce.
     */
    @Test
    void aWriterFencedOffBetweenRecordAndBroadcastSendsNothingAndTheNextOwnerSendsWhatItRecorded() throws Exception {
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("fenced.db"), new ChainTopology(Map.of()))) {
            String key = "900:7";
            Duration ttl = Duration.ofSeconds(30);
            Duration margin = Duration.ofSeconds(1);
            KeyLease leaseA = store.acquireLease(key, "relayer-a", ttl).orElseThrow();
            KeyLease[] leaseB = new KeyLease[1];
            // The store as A sees it: right after A's first record, B takes the key (A was frozen at that point).
            MessageStore seenByA = (MessageStore) java.lang.reflect.Proxy.newProxyInstance(
                    MessageStore.class.getClassLoader(), new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(store, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("recordTransaction") && leaseB[0] == null) {
                            store.releaseLease(leaseA);
                            leaseB[0] = store.acquireLease(key, "relayer-b", ttl).orElseThrow();
                        }
                        return result;
                    });
            TxManager a = signer(seenByA, FeePolicy.defaults()).fenced(leaseA, margin);
            a.reconcile();
            BigInteger before = chainNonce();

            assertThatThrownBy(() -> a.submit(transfer())).isInstanceOf(FencedOff.class)
                    .hasMessageContaining("held by relayer-b");
            List<TxRecord> recorded = store.transactionsFromNonce(devnet.l1().chainId(), DevKeys.RELAYER_2.address(),
                    before);
            assertThat(recorded).as("recorded before the lease passed, never broadcast").singleElement()
                    .satisfies(t -> assertThat(t.status()).isEqualTo(TxRecord.Status.SIGNED));
            assertThatThrownBy(() -> a.submit(transfer())).as("no record under a lost lease")
                    .isInstanceOf(FencedOff.class);
            assertThatThrownBy(a::poll).as("no re-broadcast under a lost lease").isInstanceOf(FencedOff.class);
            assertThat(store.transactionsFromNonce(devnet.l1().chainId(), DevKeys.RELAYER_2.address(), before))
                    .hasSize(1);
            assertThat(pendingNonce()).as("A sent nothing").isEqualTo(before);

            TxManager b = signer(store, FeePolicy.defaults()).fenced(leaseB[0], margin);
            b.reconcile();
            await().atMost(Duration.ofSeconds(30)).until(() -> chainNonce().equals(before.add(BigInteger.ONE)));
            assertThat(devnet.l1().web3j().ethGetTransactionReceipt(recorded.getFirst().txHash()).send()
                    .getTransactionReceipt()).as("the very transaction A recorded, sent by B").isPresent();
            assertThat(b.nextNonce()).isEqualTo(before.add(BigInteger.ONE));
        }
    }

    /** A stuck transaction its owner no longer wants is cancelled at its nonce, never bumped and mined. */
    @Test
    void aStuckTransactionNoLongerWantedIsCancelledNotBumped() throws Exception {
        var l1 = devnet.l1();
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("d.db"), new ChainTopology(Map.of()))) {
            FeePolicy quick = new FeePolicy(FeePolicy.defaults().priorityFee(), FeePolicy.defaults().maxFeeCap(), 15, 3,
                    Duration.ofMillis(500));
            TxManager s = signer(store, quick);
            s.reconcile();
            l1.anvil().setAutomine(false);
            TxRecord stuck;
            try {
                stuck = s.submit(transfer());
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    s.poll(tx -> TxManager.Verdict.CANCEL);
                    return store.openTransactions(l1.chainId(), DevKeys.RELAYER_2.address()).stream()
                            .anyMatch(t -> t.purpose().equals("CANCEL"));
                });
            } finally {
                l1.anvil().setAutomine(true);
            }
            l1.anvil().mine(2);
            List<TxManager.Outcome> done = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                done.addAll(s.poll(tx -> TxManager.Verdict.CANCEL));
                return !done.isEmpty();
            });
            assertThat(done).singleElement().satisfies(o -> {
                assertThat(o.tx().purpose()).isEqualTo("CANCEL");
                assertThat(o.tx().nonce()).isEqualTo(stuck.nonce());
                assertThat(o.tx().replacesTxHash()).isEqualTo(stuck.txHash());
            });
            assertThat(l1.web3j().ethGetTransactionReceipt(stuck.txHash()).send().getTransactionReceipt())
                    .as("the unwanted transaction never landed").isEmpty();
        }
    }

    /**
     * A key that cannot pay (gas limit times fee cap, plus value) is told so with what it has and needs, and nothing
     * is recorded nor sent: its nonce stays free for the same send once it is funded.
     */
    @Test
    void aKeyThatCannotPayRecordsNothingAndSaysWhatItLacks() throws Exception {
        var l1 = devnet.l1();
        String address = DevKeys.RELAYER_2.address();
        BigInteger funds = l1.web3j().ethGetBalance(address,
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getBalance();
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("e.db"), new ChainTopology(Map.of()))) {
            TxManager s = signer(store, FeePolicy.defaults());
            s.reconcile();
            BigInteger next = s.nextNonce();
            l1.anvil().setBalance(address, BigInteger.valueOf(21_000));
            try {
                assertThatThrownBy(() -> s.submit(transfer())).isInstanceOf(TxManager.CannotPay.class)
                        .hasMessageContaining("signer " + address + " has 21000 wei on l1, needs ");
            } finally {
                l1.anvil().setBalance(address, funds);
            }
            assertThat(store.transactionsFromNonce(l1.chainId(), address, BigInteger.ZERO)).isEmpty();
            assertThat(s.nextNonce()).isEqualTo(next);
            assertThat(chainNonce()).isEqualTo(next);

            assertThat(s.submit(transfer()).nonce()).as("funded, the same send takes that nonce").isEqualTo(next);
        }
    }

    /**
     * The node's own refusal for lack of funds (a pool that counts the key's pending transactions, say, where the
     * check against the latest balance passed) is told as the key's, not as a failure of the transaction, and its
     * nonce is free again. The endpoint answers eth_sendRawTransaction as geth does; everything else is the node's.
     */
    @Test
    void aSendTheNodeRefusesForLackOfFundsIsToldAsTheKeys() throws Exception {
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("f.db"), new ChainTopology(Map.of()));
                JsonRpcProxy pool = JsonRpcProxy.start(vertx, URI.create(devnet.l1().rpcUrl())).failing(
                        "eth_sendRawTransaction", -32000, "insufficient funds for gas * price + value")) {
            TxManager s = signer(store, FeePolicy.defaults(), pool.httpUrl());
            s.reconcile();
            BigInteger next = s.nextNonce();
            assertThatThrownBy(() -> s.submit(transfer())).isInstanceOf(TxManager.CannotPay.class)
                    .hasMessageContaining("signer " + DevKeys.RELAYER_2.address() + " cannot pay on l1: insufficient"
                            + " funds for gas * price + value");
            assertThat(s.nextNonce()).isEqualTo(next);
            assertThat(store.openTransactions(devnet.l1().chainId(), DevKeys.RELAYER_2.address())).isEmpty();
        }
    }

    private static TxManager.Intent transfer() {
        return new TxManager.Intent("TEST", null, DevKeys.USER.address(), "0x", BigInteger.ONE, BigInteger.valueOf(21_000));
    }

    private static BigInteger chainNonce() throws Exception {
        return devnet.l1().web3j().ethGetTransactionCount(DevKeys.RELAYER_2.address(),
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getTransactionCount();
    }

    private static BigInteger pendingNonce() throws Exception {
        return devnet.l1().web3j().ethGetTransactionCount(DevKeys.RELAYER_2.address(),
                org.web3j.protocol.core.DefaultBlockParameterName.PENDING).send().getTransactionCount();
    }
}
