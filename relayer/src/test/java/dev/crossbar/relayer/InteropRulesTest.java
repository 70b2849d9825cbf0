package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.SafetyLevel;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The interop rules of L2-to-L2 relays on real chains: a route's safety level holds a message until its source block
 * reaches it; anyone may relay, and when someone else does first the relayer sees it and sends nothing more (whether it
 * had not sent yet, or its relay was in the same block and reverted); a message near its expiry is counted, and an
 * expired one is dead-lettered with the way out instead of relayed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InteropRulesTest {
    static Pipeline p;
    static DevChain l2a;
    static DevChain l2b;

    @BeforeAll
    static void start() throws Exception {
        p = new Pipeline(1);
        l2a = p.devnet.l2(0);
        l2b = p.devnet.l2(1);
        RelayerSettings fast = Pipeline.fastSettings(1);
        // l2a -> l2b waits for "safe", 3 blocks here; the other direction takes the default cross-unsafe (0 blocks).
        p.startRelayer(fast.withInterop(new RelayerSettings.Interop(SafetyLevel.CROSS_UNSAFE,
                Map.of(new RelayerSettings.Interop.Route(l2a.chainId(), l2b.chainId()), SafetyLevel.SAFE),
                Map.of(SafetyLevel.SAFE, Confirmations.blocks(3)), RelayerSettings.Interop.OP_EXPIRY,
                Duration.ofDays(1))), DevKeys.RELAYER);
    }

    @AfterAll
    static void stop() throws Exception {
        p.close();
    }

    @Test
    @Order(1)
    void aRouteSafetyLevelHoldsTheRelayUntilTheSourceBlockReachesIt() throws Exception {
        MessageRecord m = sent(new DemoTraffic(p.devnet, DevKeys.USER.credentials()).crossRollup(0, 1, "when safe"));
        await().atMost(Duration.ofSeconds(20)).until(() -> lastError(m).contains("is not safe yet"));
        assertThat(p.store.transactionsOf(m.id())).as("nothing sent before the level is reached").isEmpty();

        l2a.anvil().mine(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(m) == MessageState.RELAYED);
        assertThat(OnChainEffects.crossRollupRelays(l2b).get(m.id())).isEqualTo(1);
        long height = m.source().blockNumber() + 3;
        assertThat(l2a.blockNumber().longValueExact()).isGreaterThanOrEqualTo(height);
    }

    @Test
    @Order(2)
    void whenSomeoneElseRelaysFirstTheRelayerSeesItAndSendsNothingMore() throws Exception {
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        // Before the relayer sends: the message waits for its level while another relayer (anyone) relays it.
        MessageRecord early = sent(user.crossRollup(0, 1, "relayed by another, early"));
        await().atMost(Duration.ofSeconds(20)).until(() -> lastError(early).contains("is not safe yet"));
        assertThat(relayByAnother(early).isStatusOK()).isTrue();
        l2a.anvil().mine(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(early) == MessageState.RELAYED);
        assertThat(p.store.transactionsOf(early.id())).as("seen through successfulMessages: nothing sent").isEmpty();

        // In the same block: the relayer's relay is in the pool when another, paying more, lands first.
        MessageRecord raced = sent(user.crossRollup(0, 1, "raced"));
        l2b.anvil().setAutomine(false);
        try {
            l2a.anvil().mine(3);
            await().atMost(Duration.ofSeconds(20)).until(() -> p.store.transactionsOf(raced.id()).stream()
                    .anyMatch(t -> t.status() == TxRecord.Status.BROADCAST));
            relayByAnotherAsync(raced, BigInteger.valueOf(50_000_000_000L));
            l2b.anvil().mine(1);
        } finally {
            l2b.anvil().setAutomine(true);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> state(raced) == MessageState.RELAYED);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(p.store.transactionsOf(raced.id()))
                .as("our relay lost the race and reverted").singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TxRecord.Status.REVERTED)));
        // A few rounds later the relayer still has sent nothing more for either message.
        l2b.anvil().mine(2);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                p.store.transactionsOf(raced.id()).size() == 1 && p.store.transactionsOf(early.id()).isEmpty());
        Map<String, Integer> effects = OnChainEffects.crossRollupRelays(l2b);
        assertThat(effects.get(early.id())).as("exactly one effect").isEqualTo(1);
        assertThat(effects.get(raced.id())).as("exactly one effect").isEqualTo(1);
    }

    /** Runs last in this class's stack: it moves l2b's clock a week ahead. */
    @Test
    @Order(3)
    void aMessageNearItsExpiryIsCountedAndAnExpiredOneIsDeadLetteredUntilItsLogIsEmittedAgain() throws Exception {
        DemoTraffic user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        // l2b's clock 7 days less an hour ahead of l2a's: a message sent now on l2a has an hour left on l2b.
        l2b.anvil().increaseTime(Duration.ofDays(7).minusHours(1).toSeconds());
        l2b.anvil().mine(1);
        MessageRecord near = sent(user.crossRollup(0, 1, "near expiry"));
        await().atMost(Duration.ofSeconds(20)).until(() -> nearExpiryCount() == 1.0);
        assertThat(p.store.message(near.id()).orElseThrow().details()).containsKey("nearExpiryAt");
        l2a.anvil().mine(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(near) == MessageState.RELAYED);
        assertThat(nearExpiryCount()).as("counted once, however many rounds it waited").isEqualTo(1.0);

        // Two hours more: the next message's source log is past the 7 days on l2b.
        l2b.anvil().increaseTime(Duration.ofHours(2).toSeconds());
        l2b.anvil().mine(1);
        MessageRecord expired = sent(user.crossRollup(0, 1, "too late"));
        l2a.anvil().mine(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(expired) == MessageState.DEAD_LETTERED);
        assertThat(lastError(expired)).contains("expired", "resendMessage(" + l2b.chainId(),
                "crossbar messages resend " + expired.id());
        assertThat(p.store.transactionsOf(expired.id())).as("no relay of an expired message").isEmpty();
        assertThat(OnChainEffects.crossRollupRelays(l2b)).doesNotContainKey(expired.id());

        // The way out: its log emitted again on l2a (anyone may), now inside the window of l2b's clock, makes it due
        // with the new log's identifier, and it is relayed declaring that log.
        l2a.anvil().increaseTime(Duration.ofDays(7).plusHours(2).toSeconds());
        MessageRecord dead = p.store.message(expired.id()).orElseThrow();
        TransactionReceipt again = L2ToL2CrossDomainMessenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                l2a.web3j(), l2a.txManager(DevKeys.USER_2.credentials()), DevChain.GAS).resendMessage(
                BigInteger.valueOf(dead.destinationChainId()), dead.nonce(), dead.sender(), dead.target(),
                Numeric.hexStringToByteArray(dead.data())).send();
        l2a.anvil().mine(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> state(expired) == MessageState.RELAYED);
        MessageRecord relayed = p.store.message(expired.id()).orElseThrow();
        assertThat(relayed.source().txHash()).isEqualToIgnoringCase(again.getTransactionHash());
        assertThat(p.store.history(expired.id())).anySatisfy(t -> assertThat(t.cause()).contains("emitted again"));
        assertThat(OnChainEffects.crossRollupRelays(l2b).get(expired.id())).isEqualTo(1);
        TxRecord relay = p.store.transactionsOf(expired.id()).stream()
                .filter(t -> t.status() == TxRecord.Status.CONFIRMED).findFirst().orElseThrow();
        assertThat(OnChainEffects.declares(OnChainEffects.declaredBy(l2b, relay.txHash()).getFirst(), relayed, l2a))
                .as("the relay declares the new log").isTrue();

        // A relay stuck in the pool while its message expires is cancelled, not sent again.
        MessageRecord stuck = sent(user.crossRollup(0, 1, "expires in flight"));
        l2b.anvil().setAutomine(false);
        try {
            l2a.anvil().mine(3);
            await().atMost(Duration.ofSeconds(20)).until(() -> p.store.transactionsOf(stuck.id()).stream()
                    .anyMatch(t -> t.status() == TxRecord.Status.BROADCAST));
            l2b.anvil().increaseTime(Duration.ofDays(8).toSeconds());
            // Broadcast, not only recorded: mining before the cancel reaches the pool would take the relay.
            await().atMost(Duration.ofSeconds(20)).until(() -> p.store.transactionsOf(stuck.id()).stream()
                    .anyMatch(t -> t.purpose().equals("CANCEL") && t.status() != TxRecord.Status.SIGNED));
        } finally {
            l2b.anvil().setAutomine(true);
        }
        l2b.anvil().mine(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> state(stuck) == MessageState.DEAD_LETTERED);
        assertThat(lastError(stuck)).contains("expired");
        assertThat(OnChainEffects.crossRollupRelays(l2b)).doesNotContainKey(stuck.id());
    }

    /** The message the receipt's SentMessage log carries, once the source watcher has recorded it. */
    private static MessageRecord sent(TransactionReceipt receipt) {
        String tx = receipt.getTransactionHash();
        return await().atMost(Duration.ofSeconds(20)).until(() -> p.store.messages(new MessageQuery(null,
                Set.of(MessageKind.CROSS_ROLLUP), null, null, null, null, 1000)).stream()
                .filter(m -> m.source() != null && tx.equalsIgnoreCase(m.source().txHash())).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    private static TransactionReceipt relayByAnother(MessageRecord m) throws Exception {
        var relay = RelayCalls.crossRollupRelay(p.network(), m);
        return l2b.sendWithAccessList(DevKeys.USER_2.credentials(), relay.to(), relay.data(), BigInteger.ZERO,
                relay.accessList());
    }

    private static void relayByAnotherAsync(MessageRecord m, BigInteger tip) throws Exception {
        var relay = RelayCalls.crossRollupRelay(p.network(), m);
        l2b.broadcastWithAccessList(DevKeys.USER_2.credentials(), relay.to(), relay.data(), BigInteger.ZERO,
                relay.accessList(), tip);
    }

    private static MessageState state(MessageRecord m) {
        return p.store.message(m.id()).orElseThrow().state();
    }

    private static String lastError(MessageRecord m) {
        String e = p.store.message(m.id()).orElseThrow().lastError();
        return e == null ? "" : e;
    }

    private static double nearExpiryCount() {
        var c = p.meters.find("crossbar.relayer.messages.near.expiry").tag("chain", l2b.name()).counter();
        return c == null ? -1 : c.count();
    }
}
