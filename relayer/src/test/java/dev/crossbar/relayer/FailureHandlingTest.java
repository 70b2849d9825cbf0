package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.kafka.embedded.KafkaFixture;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * What goes wrong on the way: a target that reverts, a deleted output, a base-fee spike, fees above the cap, a signer
 * out of funds.
 */
class FailureHandlingTest {
    Pipeline p;

    @BeforeEach
    void start() throws Exception {
        p = new Pipeline(1);
    }

    @AfterEach
    void stop() throws Exception {
        p.close();
    }

    @Test
    void aRevertingTargetIsRetriedUnderTheReplayPolicyThenDeadLetteredWithItsReasonWhileTheOthersFlow()
            throws Exception {
        DevChain l2b = p.devnet.l2(1);
        DemoTarget reverting = DemoTarget.deploy(l2b.web3j(), l2b.txManager(DevKeys.DEPLOYER.credentials()),
                DevChain.GAS).send();
        reverting.setReverting(true).send();
        DemoTarget paused = DemoTarget.deploy(l2b.web3j(), l2b.txManager(DevKeys.DEPLOYER.credentials()),
                DevChain.GAS).send();
        paused.setReverting(true).send();
        DevChain l2a = p.devnet.l2(0);
        L2ToL2CrossDomainMessenger messenger = L2ToL2CrossDomainMessenger.load(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, l2a.web3j(), l2a.txManager(DevKeys.USER.credentials()),
                DevChain.GAS);
        byte[] ping = Numeric.hexStringToByteArray(reverting.ping("doomed", BigInteger.ZERO).encodeFunctionCall());
        messenger.sendMessage(BigInteger.valueOf(l2b.chainId()), reverting.getContractAddress(), ping).send();
        messenger.sendMessage(BigInteger.valueOf(l2b.chainId()), paused.getContractAddress(), ping).send();
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        for (int i = 0; i < 3; i++) {
            user.crossRollup(0, 1, "fine " + i);
        }
        RelayerSettings f = Pipeline.fastSettings(1);
        int replays = 6;
        RelayerSettings settings = new RelayerSettings(f.group(), f.signerSlots(), f.confirmations(), f.fees(),
                f.retry(), f.maxAttempts(), replays, f.gasRaisePercent(), f.batching(), f.tick(), f.instanceId(),
                f.sessionTimeout());
        p.startRelayer(settings, DevKeys.RELAYER);

        // The paused target's relay fails, is retried, and goes through once the target works again.
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.messages(new MessageQuery(null,
                Set.of(MessageKind.CROSS_ROLLUP), null, null, null, null, 100)).stream()
                .anyMatch(m -> m.target().equalsIgnoreCase(paused.getContractAddress()) && m.attempts() >= 1));
        paused.setReverting(false).send();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(ids(MessageState.RELAYED)).hasSize(4);
            assertThat(ids(MessageState.DEAD_LETTERED)).hasSize(1);
        });
        assertThat(paused.pingCount().send()).isEqualTo(BigInteger.ONE);
        MessageRecord dead = p.store.message(ids(MessageState.DEAD_LETTERED).getFirst()).orElseThrow();
        assertThat(dead.target()).isEqualToIgnoringCase(reverting.getContractAddress());
        assertThat(dead.lastError()).contains("DemoTarget: told to revert")
                .contains("gave up after " + replays + " attempts");
        assertThat(p.store.transactionsOf(dead.id())).as("no gas was burnt on it").isEmpty();

        List<ConsumerRecord<String, String>> letters = new ArrayList<>();
        try (Consumer<String, String> c = p.kafka.stringConsumer(KafkaFixture.uniqueTopic("dlq-reader"))) {
            c.subscribe(List.of(p.topics.deadLetter().name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (letters.isEmpty() && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(letters::add);
            }
        }
        assertThat(letters).singleElement().satisfies(r -> {
            var json = Json.MAPPER.readTree(r.value());
            assertThat(json.path("id").asText()).isEqualTo(dead.id());
            assertThat(json.path("reason").asText()).contains("DemoTarget: told to revert");
        });
    }

    @Test
    void anOutputDeletedAfterAProofLeadsToASecondProof() throws Exception {
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        user.withdrawal(0, "proven twice", BigInteger.ZERO);
        p.proposeL2a();
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(MessageState.IN_WINDOW).size() == 1);
        String id = ids(MessageState.IN_WINDOW).getFirst();
        BigInteger index = p.operator.proposer("l2a").oracle().latestOutputIndex().send();

        var challenger = dev.crossbar.contracts.bindings.OutputOracle.load(
                p.devnet.manifest().l2s().getFirst().settlement().outputOracle(), p.devnet.l1().web3j(),
                p.devnet.l1().txManager(DevKeys.CHALLENGER.credentials()), DevChain.GAS);
        challenger.deleteL2Outputs(index).send();
        p.proposeL2a();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(p.store.transactionsOf(id))
                .filteredOn(t -> t.purpose().equals("PROVE")).extracting(TxRecord::status)
                .containsExactly(TxRecord.Status.CONFIRMED, TxRecord.Status.CONFIRMED));
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.message(id).orElseThrow().state()
                == MessageState.IN_WINDOW);
        p.passWindow();
        await().atMost(Duration.ofSeconds(60)).until(() -> p.store.message(id).orElseThrow().state()
                == MessageState.RELAYED);
        assertThat(p.store.history(id)).extracting(t -> t.to()).containsSubsequence(MessageState.IN_WINDOW,
                MessageState.COMMITTED, MessageState.PROVEN, MessageState.IN_WINDOW, MessageState.READY,
                MessageState.RELAYED);
    }

    @Test
    void aBaseFeeSpikeLeadsToAReplacementNotAStuckQueue() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        user.crossRollup(0, 1, "before the spike");
        await().atMost(Duration.ofSeconds(30)).until(() -> ids(MessageState.RELAYED).size() == 1);

        // The spike: l2b's next block will cost 50 gwei per gas, and nothing is mined meanwhile, so the relay
        // transaction, priced for yesterday, sits in the pool. (anvil would include an underpriced transaction
        // from its pool in a block anyway, so the test holds blocks back instead of relying on the fee check.)
        l2b.anvil().setAutomine(false);
        l2b.anvil().setNextBlockBaseFeePerGas(BigInteger.valueOf(50_000_000_000L));
        user.crossRollup(0, 1, "into the spike");
        await().atMost(Duration.ofSeconds(30)).until(() -> ids(MessageState.RELAYING).size() == 1);
        String id = ids(MessageState.RELAYING).getFirst();
        await("the stuck transaction is replaced").atMost(Duration.ofSeconds(30))
                .until(() -> p.store.transactionsOf(id).stream().anyMatch(t -> t.replacesTxHash() != null));
        l2b.anvil().setIntervalMining(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> p.store.message(id).orElseThrow().state()
                == MessageState.RELAYED);
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.transactionsOf(id).stream()
                .anyMatch(t -> t.status() == TxRecord.Status.CONFIRMED));

        List<TxRecord> txs = p.store.transactionsOf(id);
        assertThat(txs).as("the stuck relay was replaced at a higher price").anySatisfy(t -> {
            assertThat(t.replacesTxHash()).isNotNull();
            assertThat(t.status()).isEqualTo(TxRecord.Status.CONFIRMED);
        });
        assertThat(txs).anyMatch(t -> t.status() == TxRecord.Status.REPLACED);
        BigInteger first = txs.getFirst().maxFeePerGas();
        assertThat(txs.stream().filter(t -> t.status() == TxRecord.Status.CONFIRMED).findFirst().orElseThrow()
                .maxFeePerGas()).isGreaterThan(first);
    }

    @Test
    void aTransactionRefusedBelowTheBaseFeeIsRepricedAtOnce() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        l2b.anvil().setNextBlockBaseFeePerGas(BigInteger.valueOf(50_000_000_000L));
        user.crossRollup(0, 1, "into a refusal");
        await().atMost(Duration.ofSeconds(60)).until(() -> ids(MessageState.RELAYED).size() == 1);
        String id = ids(MessageState.RELAYED).getFirst();
        // the destination's watcher may record the relay before the signer has seen its transaction confirmed
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.transactionsOf(id).stream()
                .noneMatch(TxRecord::isOpen));
        List<TxRecord> txs = p.store.transactionsOf(id);
        assertThat(txs).anyMatch(t -> t.status() == TxRecord.Status.DROPPED
                && String.valueOf(t.error()).contains("underpriced"));
        assertThat(txs).filteredOn(t -> t.status() == TxRecord.Status.CONFIRMED).singleElement()
                .satisfies(t -> assertThat(t.maxFeePerGas()).isGreaterThanOrEqualTo(BigInteger.valueOf(50_000_000_000L)));
    }

    /**
     * A signer out of funds is not its messages' fault: they wait with the reason and count no attempt (the old way
     * dead-lettered them after maxAttempts), the key's gauge for the CrossbarSignerCannotPay alert says so, and they
     * go out once it is funded. The signer's nonce on the chain shows that nothing was sent meanwhile.
     */
    @Test
    void aSignerOutOfFundsHoldsItsMessagesWithoutAttemptsAndSendsThemOnceFunded() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        String signer = DevKeys.RELAYER.address();
        BigInteger funds = l2b.web3j().ethGetBalance(signer, DefaultBlockParameterName.LATEST).send().getBalance();
        l2b.anvil().setBalance(signer, BigInteger.ZERO);
        BigInteger nonce = nonce(l2b);
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        new DemoTraffic(p.devnet, DevKeys.USER.credentials()).crossRollup(0, 1, "while its signer is empty");

        String id = awaitWaiting("signer " + signer + " has 0 wei on l2b, needs");
        assertThat(blocked("insufficient_funds")).isEqualTo(1.0);
        assertThat(blocked("fees_above_cap")).isZero();
        assertThat(p.store.transactionsOf(id)).as("nothing recorded for a send the key cannot pay").isEmpty();
        assertThat(nonce(l2b)).as("nothing sent").isEqualTo(nonce);

        l2b.anvil().setBalance(signer, funds);
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.message(id).orElseThrow().state()
                == MessageState.RELAYED);
        assertThat(blocked("insufficient_funds")).as("cleared by the send").isZero();
        assertThat(ids(MessageState.DEAD_LETTERED)).isEmpty();
        assertThat(OnChainEffects.crossRollupRelays(l2b).get(id.toLowerCase())).isEqualTo(1);
        assertThat(nonce(l2b)).isEqualTo(nonce.add(BigInteger.ONE));
    }

    /**
     * Fees above the cap: the base fee jumps past the relayer's cap, the message waits with the reason and counts no
     * attempt, the gauge for the CrossbarFeesAboveCap alert is up, and once the base fee falls it goes out.
     */
    @Test
    void feesAboveTheCapHoldMessagesWithoutAttemptsUntilTheyFall() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        RelayerSettings settings = Pipeline.fastSettings(1);
        l2b.anvil().setNextBlockBaseFeePerGas(settings.fees().maxFeeCap().add(BigInteger.ONE));
        l2b.anvil().mine(1);
        BigInteger nonce = nonce(l2b);
        p.startRelayer(settings, DevKeys.RELAYER);
        new DemoTraffic(p.devnet, DevKeys.USER.credentials()).crossRollup(0, 1, "into fees above the cap");

        String id = awaitWaiting("exceeds the cap of " + settings.fees().maxFeeCap() + " wei on l2b");
        assertThat(blocked("fees_above_cap")).isEqualTo(1.0);
        assertThat(p.store.transactionsOf(id)).isEmpty();
        assertThat(nonce(l2b)).as("nothing sent").isEqualTo(nonce);

        l2b.anvil().setNextBlockBaseFeePerGas(BigInteger.valueOf(1_000_000_000L));
        l2b.anvil().mine(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.message(id).orElseThrow().state()
                == MessageState.RELAYED);
        assertThat(blocked("fees_above_cap")).as("cleared by the send").isZero();
        assertThat(OnChainEffects.crossRollupRelays(l2b).get(id.toLowerCase())).isEqualTo(1);
    }

    /**
     * The one cross-rollup message once it waits with {@code reason}, after it has waited twice (a second round
     * looked at it again), with no attempt counted and still READY.
     */
    private String awaitWaiting(String reason) {
        MessageRecord first = await().atMost(Duration.ofSeconds(30)).until(() -> ids(MessageState.READY).stream()
                .map(i -> p.store.message(i).orElseThrow())
                .filter(m -> m.lastError() != null && m.lastError().toLowerCase().contains(reason.toLowerCase()))
                .findFirst().orElse(null), java.util.Objects::nonNull);
        MessageRecord again = await("a second round waits again").atMost(Duration.ofSeconds(30))
                .until(() -> p.store.message(first.id()).orElseThrow(), m -> m.nextAttemptAt() != null
                        && m.nextAttemptAt().isAfter(first.nextAttemptAt()));
        assertThat(again.attempts()).as("waiting for the signer is not a failed attempt").isZero();
        assertThat(again.state()).isEqualTo(MessageState.READY);
        assertThat(again.lastError()).containsIgnoringCase(reason);
        return first.id();
    }

    /** The relayer's blocked gauge of its l2b key for {@code reason}. */
    private double blocked(String reason) {
        return p.meters.get("crossbar.relayer.signer.blocked").tag("chain", "l2b")
                .tag("signer", DevKeys.RELAYER.address().toLowerCase()).tag("reason", reason).gauge().value();
    }

    private static BigInteger nonce(DevChain chain) throws Exception {
        return OnChainEffects.transactionsOf(chain, DevKeys.RELAYER);
    }

    private List<String> ids(MessageState state) {
        return p.store.messages(new MessageQuery(Set.of(state), Set.of(MessageKind.CROSS_ROLLUP, MessageKind.WITHDRAWAL),
                null, null, null, null, 1000)).stream().map(MessageRecord::id).toList();
    }
}
