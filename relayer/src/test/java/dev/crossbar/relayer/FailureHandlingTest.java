package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2ToL2Messenger;
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
import org.web3j.utils.Numeric;

/** What goes wrong on the way: a target that reverts, a deleted output, a base-fee spike. */
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
    void aRevertingTargetEndsInADeadLetterWithItsReasonWhileTheOthersFlow() throws Exception {
        DevChain l2b = p.devnet.l2(1);
        DemoTarget reverting = DemoTarget.deploy(l2b.web3j(), l2b.txManager(DevKeys.DEPLOYER.credentials()),
                DevChain.GAS).send();
        reverting.setReverting(true).send();
        DevChain l2a = p.devnet.l2(0);
        L2ToL2Messenger messenger = L2ToL2Messenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, l2a.web3j(),
                l2a.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        byte[] ping = Numeric.hexStringToByteArray(reverting.ping("doomed", BigInteger.ZERO).encodeFunctionCall());
        messenger.sendMessage(BigInteger.valueOf(l2b.chainId()), reverting.getContractAddress(), ping).send();
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        for (int i = 0; i < 3; i++) {
            user.crossRollup(0, 1, "fine " + i);
        }
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(ids(MessageState.RELAYED)).hasSize(3);
            assertThat(ids(MessageState.DEAD_LETTERED)).hasSize(1);
        });
        MessageRecord dead = p.store.message(ids(MessageState.DEAD_LETTERED).getFirst()).orElseThrow();
        assertThat(dead.target()).isEqualToIgnoringCase(reverting.getContractAddress());
        assertThat(dead.lastError()).contains("DemoTarget: told to revert");
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

    private List<String> ids(MessageState state) {
        return p.store.messages(new MessageQuery(Set.of(state), Set.of(MessageKind.CROSS_ROLLUP, MessageKind.WITHDRAWAL),
                null, null, null, null, 1000)).stream().map(MessageRecord::id).toList();
    }
}
