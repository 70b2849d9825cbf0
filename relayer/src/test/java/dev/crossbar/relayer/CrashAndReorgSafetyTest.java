package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.Transition;
import dev.crossbar.store.TxRecord;
import dev.crossbar.testkit.JsonRpcProxy;
import dev.crossbar.txmanager.TxManager;
import dev.crossbar.txmanager.TxMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Regressions of the defects a crash-and-resume run of dev mode found (issue #10): a reorg deeper than the
 * confirmations after a confirmed relay, a stuck relay whose message is then orphaned, and an output whose state the
 * L2 node no longer serves. Real devnet, watchers, store and broker; what counts is read from the chains.
 */
class CrashAndReorgSafetyTest {
    static Pipeline p;

    @BeforeAll
    static void start() throws Exception {
        p = new Pipeline(1);
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @AfterEach
    void stopRelayers() throws Exception {
        p.stopRelayers();
        p.devnet.l2(1).anvil().setAutomine(true);
    }

    @Test
    void aReorgDeeperThanTheConfirmationsAfterAConfirmedRelayLeavesNoGapAndDeliversOnce() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        String first = sent(user.crossRollup(0, 1, "before the reorg"));
        await().atMost(Duration.ofSeconds(60)).until(() -> confirmed(first, "RELAY") != null);
        TxRecord relay = confirmed(first, "RELAY");
        long relayBlock = l2b.web3j().ethGetTransactionReceipt(relay.txHash()).send().getTransactionReceipt()
                .orElseThrow().getBlockNumber().longValueExact();

        // The relay's block and every block after it are replaced by empty ones: deeper than the confirmation the
        // relayer waited for, so the store holds the relay as CONFIRMED and the message as RELAYED.
        l2b.anvil().reorg(l2b.blockNumber().longValueExact() - relayBlock + 1);
        assertThat(relayed(l2b, first)).as("the reorg took the relay away").isFalse();
        String second = sent(user.crossRollup(0, 1, "after the reorg"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(relayed(l2b, first)).isTrue();
            assertThat(relayed(l2b, second)).as("no nonce gap holds the next relay back").isTrue();
            assertThat(state(first)).isEqualTo(MessageState.RELAYED);
            assertThat(state(second)).isEqualTo(MessageState.RELAYED);
        });
        Map<String, Integer> onChain = OnChainEffects.crossRollupRelays(l2b);
        assertThat(onChain.get(first.toLowerCase())).as("relayed once").isEqualTo(1);
        assertThat(onChain.get(second.toLowerCase())).as("relayed once").isEqualTo(1);
        assertNoNonceGap(l2b);
        assertThat(p.store.transactionsOf(first)).filteredOn(t -> t.purpose().equals("RELAY"))
                .as("the lost relay went out again as it was, at its own nonce").singleElement()
                .satisfies(t -> assertThat(t.txHash()).isEqualTo(relay.txHash()));
    }

    @Test
    void aStuckRelayWhoseMessageIsThenOrphanedIsCancelledAndNeverRelayed() throws Exception {
        DevChain l2a = p.devnet.l2(0);
        DevChain l2b = p.devnet.l2(1);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        l2b.anvil().setAutomine(false); // the relay will sit in l2b's pool
        TransactionReceipt source = user.crossRollup(0, 1, "orphaned while its relay is stuck");
        String id = sent(source);
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.transactionsOf(id).stream()
                .anyMatch(t -> t.purpose().equals("RELAY") && t.isOpen()));

        // The source block leaves l2a's chain: the message no longer exists, and its relay must never land.
        l2a.anvil().reorg(l2a.blockNumber().longValueExact() - source.getBlockNumber().longValueExact() + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id) == MessageState.ORPHANED);
        // Broadcast, not only recorded (a cancel is recorded before it goes out): mining before would take the relay.
        await("the stuck relay is cancelled, not bumped").atMost(Duration.ofSeconds(30)).until(() ->
                p.store.transactionsOf(id).stream().anyMatch(t -> t.purpose().equals("CANCEL")
                        && t.status() != TxRecord.Status.SIGNED));

        l2b.anvil().setAutomine(true);
        l2b.anvil().mine(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.transactionsOf(id).stream()
                .anyMatch(t -> t.purpose().equals("CANCEL") && t.status() == TxRecord.Status.CONFIRMED));
        assertThat(relayed(l2b, id)).as("an orphaned message is never relayed").isFalse();
        assertThat(OnChainEffects.crossRollupRelays(l2b)).doesNotContainKey(id.toLowerCase());
        assertThat(state(id)).isEqualTo(MessageState.ORPHANED);

        String next = sent(user.crossRollup(0, 1, "after the cancel"));
        await().atMost(Duration.ofSeconds(60)).until(() -> relayed(l2b, next));
        assertNoNonceGap(l2b);
    }

    @Test
    void aWithdrawalIsProvenAgainstANewerOutputWhenTheNodeNoLongerServesTheFirstOnesState() throws Exception {
        DevChain l2a = p.devnet.l2(0);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        String id = sent(user.withdrawal(0, "its first output's state is pruned", BigInteger.ZERO));
        p.proposeL2a(); // covers the withdrawal; its state will be gone from the node
        long prunedUpTo = l2a.blockNumber().longValueExact();
        p.proposeL2a(); // a valid one the node serves
        p.proposeL2a(); // a valid one whose state this node does not serve (it is behind, say)
        long unserved = l2a.blockNumber().longValueExact();
        p.operator.proposer("l2a").proposeWrongOutputNext();
        p.proposeL2a(); // the newest, with a root that is not the L2's state
        String oracle = p.devnet.manifest().l2s().getFirst().settlement().outputOracle();
        BigInteger newest = ProtocolViews.latestOutputIndex(p.clients.get(p.devnet.l1().chainId()), oracle);

        // The relayer reaches l2a through a node that has pruned the state of every block up to the first output,
        // answering eth_getProof there as anvil with --prune-history does.
        try (JsonRpcProxy pruned = JsonRpcProxy.start(p.vertx, URI.create(l2a.rpcUrl()))
                .pruneState(b -> b <= prunedUpTo || b == unserved)) {
            Map<Long, EthApi> clients = new HashMap<>(p.clients);
            EthApi viaProxy = EthApi.connect(p.vertx, l2a.chainId(), "l2a", List.of(pruned.httpUrl()),
                    EthApi.DEFAULT_TIMEOUT, EthApi.DEFAULT_COOLDOWN);
            p.rpcs.add(viaProxy);
            clients.put(l2a.chainId(), viaProxy);
            RelayerService relayer = new RelayerService(p.store, Chains.of(p.chains.values(), clients),
                    p.signers(DevKeys.RELAYER), Pipeline.fastSettings(1), p.kafka, p.topics, new RelayerMetrics(p.meters));
            relayer.start();
            p.relayers.add(relayer);

            // The watcher may record the proof (IN_WINDOW) before the relayer has seen its transaction confirmed.
            await().atMost(Duration.ofSeconds(60)).until(() -> state(id) == MessageState.IN_WINDOW
                    && confirmed(id, "PROVE") != null);
            assertThat(pruned.refused()).as("the unserved state was asked for and refused").isPositive();
        }
        String portal = p.devnet.manifest().l2s().getFirst().settlement().portal();
        BigInteger provenAgainst = ProtocolViews.provenWithdrawal(p.clients.get(p.devnet.l1().chainId()), portal,
                Numeric.hexStringToByteArray(id)).outputIndex();
        assertThat(provenAgainst).as("the newest valid output whose state the node serves").isEqualTo(
                newest.subtract(BigInteger.TWO));
        assertThat(p.store.history(id)).extracting(Transition::cause).anySatisfy(c -> assertThat(c)
                .contains("proving against output " + provenAgainst)
                .contains("output " + newest + ": root")
                .contains("output " + newest.subtract(BigInteger.ONE) + ": the L2 node does not serve the state"));
        assertThat(p.store.transactionsOf(id)).filteredOn(t -> t.purpose().equals("PROVE"))
                .as("one proof, no reverted attempt").singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TxRecord.Status.CONFIRMED));
    }

    /**
     * Record before broadcast, checked at the exact point of a crash: a relayer records its relay (signed bytes,
     * nonce) and dies before the broadcast reaches the node. Its endpoint loses every eth_sendRawTransaction, so the
     * real send path runs up to the record and no further. The relayer that starts next must send that very
     * transaction, at its nonce, and no second one: counted on the chain, not only in the store.
     */
    @Test
    void aRelayRecordedButNeverBroadcastBeforeACrashIsSentAsRecordedAfterTheRestart() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        String id = sent(user.crossRollup(0, 1, "recorded, then a crash"));
        BigInteger nonce = relayerNonce(l2b);
        RelayerSettings settings = Pipeline.fastSettings(1);
        try (JsonRpcProxy cut = JsonRpcProxy.start(p.vertx, URI.create(l2b.rpcUrl()))
                .on("eth_sendRawTransaction", (call, next) -> {
                    throw new java.io.IOException("the relayer died before its broadcast reached the node");
                })) {
            EthApi viaCut = EthApi.connect(p.vertx, l2b.chainId(), "l2b", List.of(cut.httpUrl()),
                    EthApi.DEFAULT_TIMEOUT, EthApi.DEFAULT_COOLDOWN);
            p.rpcs.add(viaCut);
            Map<Long, EthApi> clients = new HashMap<>(p.clients);
            clients.put(l2b.chainId(), viaCut);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            TxManager signer = new TxManager(viaCut, DevKeys.RELAYER.credentials(), settings.fees(), p.store,
                    settings.confirmations(), new TxMetrics(meters, "relayer"));
            RelayWorker crashing = new RelayWorker(l2b.chainId(), 0, signer, p.store,
                    Chains.of(p.chains.values(), clients), settings, new RelayerMetrics(meters));
            crashing.takeOver();
            crashing.runOnce();
            assertThat(cut.calls("eth_sendRawTransaction")).as("the broadcast was tried").isPositive();
        }
        TxRecord recorded = p.store.transactionsOf(id).stream().filter(t -> t.purpose().equals("RELAY"))
                .reduce((a, b) -> {
                    throw new AssertionError("more than one relay recorded: " + a + ", " + b);
                }).orElseThrow(() -> new AssertionError("no relay recorded for " + id));
        assertThat(recorded.status()).as("recorded, not known to be broadcast").isEqualTo(TxRecord.Status.SIGNED);
        assertThat(recorded.nonce()).isEqualTo(nonce);
        assertThat(l2b.web3j().ethGetTransactionByHash(recorded.txHash()).send().getTransaction())
                .as("the node never saw it").isEmpty();
        assertThat(relayerNonce(l2b)).isEqualTo(nonce);
        assertThat(state(id)).isEqualTo(MessageState.RELAYING);

        p.startRelayer(settings, DevKeys.RELAYER);

        await().atMost(Duration.ofSeconds(60)).until(() -> relayed(l2b, id) && confirmed(id, "RELAY") != null);
        var onChain = l2b.web3j().ethGetTransactionByHash(recorded.txHash()).send().getTransaction()
                .orElseThrow(() -> new AssertionError("the recorded relay " + recorded.txHash() + " is not on l2b"));
        assertThat(onChain.getNonce()).isEqualTo(nonce);
        assertThat(onChain.getBlockNumber()).as("mined").isNotNull();
        assertThat(relayerNonce(l2b)).as("the signer sent one transaction, the recorded one")
                .isEqualTo(nonce.add(BigInteger.ONE));
        assertThat(OnChainEffects.crossRollupRelays(l2b).get(id.toLowerCase())).as("relayed once").isEqualTo(1);
        assertThat(p.store.transactionsOf(id)).singleElement().satisfies(t -> {
            assertThat(t.txHash()).isEqualTo(recorded.txHash());
            assertThat(t.status()).isEqualTo(TxRecord.Status.CONFIRMED);
        });
        assertNoNonceGap(l2b);
    }

    /**
     * Check before send, on its own: another key relays the message on the destination before this relayer
     * looks at it. The destination's watcher is stopped meanwhile, so only the relayer's own check can find the
     * effect; it must send nothing (its nonce on the chain stays) and mark the message delivered.
     */
    @Test
    void aMessageSomeoneElseRelayedFirstIsMarkedDeliveredWithoutASend() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        String id = sent(user.crossRollup(0, 1, "relayed by someone else first"));
        p.stack.stopWatcher(l2b.chainId());
        try {
            var relay = new Deliveries(p.network()).relayTx(p.store.message(id).orElseThrow());
            String other = l2b.sendWithAccessList(DevKeys.RELAYER_2.credentials(), relay.to(), relay.data(),
                    BigInteger.ZERO, relay.accessList()).getTransactionHash();
            await().atMost(Duration.ofSeconds(10)).until(() -> relayed(l2b, id));
            assertThat(l2b.web3j().ethGetTransactionReceipt(other).send().getTransactionReceipt().orElseThrow()
                    .isStatusOK()).as("the other key's relay went through").isTrue();
            assertThat(state(id)).as("nobody told the store").isEqualTo(MessageState.READY);
            BigInteger nonce = relayerNonce(l2b);

            p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);

            await().atMost(Duration.ofSeconds(30)).until(() -> state(id) == MessageState.RELAYED);
            assertThat(p.store.history(id).getLast().cause()).as("found by the relayer's check")
                    .contains("already relayed on chain");
            assertThat(p.store.transactionsOf(id)).as("nothing recorded for it").isEmpty();
            assertThat(relayerNonce(l2b)).as("nothing sent by the relayer").isEqualTo(nonce);
            assertThat(OnChainEffects.crossRollupRelays(l2b).get(id.toLowerCase())).isEqualTo(1);
        } finally {
            p.stack.startWatcher(p.chains.get(l2b.chainId()));
        }
    }

    /**
     * Confirmations honoured: with 2 confirmations on the source chain, a message whose block is reorged away after
     * one confirmation is never recorded nor relayed; a message sent after the reorg is. Read from the destination:
     * the only new relay there, and the relayer's only new transaction, are the later message's.
     */
    @Test
    void aMessageFromABlockReorgedAwayBeforeItsConfirmationsIsNeverRelayed() throws Exception {
        DevChain l2a = p.devnet.l2(0);
        DevChain l2b = p.devnet.l2(1);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        ChainConfig asBefore = p.chains.get(l2a.chainId());
        p.stack.stopWatcher(l2a.chainId());
        p.stack.startWatcher(new ChainConfig(asBefore.name(), asBefore.chainId(), asBefore.role(), asBefore.rpc(),
                asBefore.ws(), Confirmations.blocks(2), asBefore.startBlock(), asBefore.pollInterval(),
                asBefore.maxBlockRange(), asBefore.settlements(), asBefore.l2Contracts(), asBefore.settlesOn()));
        try {
            p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
            BigInteger nonce = relayerNonce(l2b);
            Map<String, Integer> relaysBefore = OnChainEffects.crossRollupRelays(l2b);

            TransactionReceipt doomed = user.crossRollup(0, 1, "reorged away before its confirmations");
            l2a.anvil().mine(1); // one confirmation of two
            long head = l2a.blockNumber().longValueExact();
            await("the watcher read up to its confirmations").atMost(Duration.ofSeconds(30))
                    .until(() -> watcherOf(l2a).cursorBlock() >= head - 2);
            assertThat(recordedFrom(doomed)).as("not recorded with one confirmation of two").isEmpty();
            l2a.anvil().reorg(2);
            assertThat(l2a.web3j().ethGetTransactionReceipt(doomed.getTransactionHash()).send()
                    .getTransactionReceipt()).as("the reorg took the source transaction").isEmpty();

            TransactionReceipt later = user.crossRollup(0, 1, "sent after the reorg");
            l2a.anvil().mine(2);
            String laterId = sent(later);
            await().atMost(Duration.ofSeconds(60)).until(() -> relayed(l2b, laterId));

            Map<String, Integer> relays = OnChainEffects.crossRollupRelays(l2b);
            relaysBefore.forEach((k, v) -> relays.merge(k, -v, Integer::sum));
            relays.values().removeIf(v -> v == 0);
            assertThat(relays).as("the only new relay on l2b").containsExactly(Map.entry(laterId.toLowerCase(), 1));
            assertThat(relayerNonce(l2b)).as("the relayer's only new transaction").isEqualTo(nonce.add(BigInteger.ONE));
            assertThat(recordedFrom(doomed)).as("never recorded").isEmpty();
        } finally {
            p.stack.stopWatcher(l2a.chainId());
            p.stack.startWatcher(asBefore);
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static dev.crossbar.watcher.ChainWatcher watcherOf(DevChain chain) {
        return p.stack.watchers.stream().filter(w -> w.chain().chainId() == chain.chainId()).findFirst()
                .orElseThrow();
    }

    /** The messages the store has from {@code source} (its transaction). */
    private static List<MessageRecord> recordedFrom(TransactionReceipt source) {
        return p.store.messages(new MessageQuery(null, Set.of(MessageKind.CROSS_ROLLUP), null, null, null, null, 1000))
                .stream().filter(m -> m.source().txHash().equalsIgnoreCase(source.getTransactionHash())).toList();
    }

    /** The relayer key's mined nonce on {@code chain}: how many transactions it has there. */
    private static BigInteger relayerNonce(DevChain chain) throws Exception {
        return OnChainEffects.transactionsOf(chain, DevKeys.RELAYER);
    }

    /** The id of the one message a source transaction sent, once its watcher has it. */
    private static String sent(TransactionReceipt source) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> p.store.messages(new MessageQuery(null,
                        Set.of(MessageKind.CROSS_ROLLUP, MessageKind.WITHDRAWAL), null, null, null, null, 1000)).stream()
                .filter(m -> m.source().txHash().equalsIgnoreCase(source.getTransactionHash()))
                .map(MessageRecord::id).findFirst().orElse(null), java.util.Objects::nonNull);
    }

    private static MessageState state(String id) {
        return p.store.message(id).orElseThrow().state();
    }

    private static TxRecord confirmed(String id, String purpose) {
        return p.store.transactionsOf(id).stream().filter(t -> t.purpose().equals(purpose)
                && t.status() == TxRecord.Status.CONFIRMED).findFirst().orElse(null);
    }

    private static boolean relayed(DevChain l2, String id) {
        return ProtocolViews.successfulCrossRollup(p.clients.get(l2.chainId()),
                p.network().l2Contracts(l2.chainId()).l2ToL2Messenger(), Numeric.hexStringToByteArray(id));
    }

    /** Every nonce the relayer's key recorded on {@code chain} is used there, and none above: nothing is stuck. */
    private static void assertNoNonceGap(DevChain chain) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            BigInteger mined = relayerNonce(chain);
            BigInteger highest = p.store.highestNonce(chain.chainId(), DevKeys.RELAYER.address()).orElseThrow();
            assertThat(mined).as("mined nonce vs highest recorded + 1").isEqualTo(highest.add(BigInteger.ONE));
            assertThat(p.store.openTransactions(chain.chainId(), DevKeys.RELAYER.address())).isEmpty();
        });
    }
}
