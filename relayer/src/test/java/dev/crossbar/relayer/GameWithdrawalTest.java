package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.Transition;
import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.protocol.OpDepositTx;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Withdrawals of an L2 that settles through OP's unmodified fault-proof contracts, through the whole path (chains,
 * watchers, store, Kafka, relayer): proven only against a game whose root the relayer verified, finalized once the
 * proof matured, the game resolved DEFENDER_WINS and the airgap passed, and proven again when the game it was proven
 * against is blacklisted, lost, or no longer of the respected type. Each is finalized exactly once, counted from the
 * portal's own events. The L1 clock is moved past the game clocks and delays rather than waited out.
 */
class GameWithdrawalTest {
    private static final String L2 = "l2a";
    static Pipeline p;
    static DemoTraffic user;
    static GameProposer proposer;
    static DevnetManifest.FaultProofSettlement fp;

    @BeforeAll
    static void start() throws Exception {
        p = Pipeline.faultProofs(1);
        p.startRelayer(Pipeline.fastSettings(1), DevKeys.RELAYER);
        user = new DemoTraffic(p.devnet, DevKeys.USER.credentials());
        proposer = p.operator.gameProposer(L2);
        fp = p.devnet.manifest().l2(L2).faultProofs();
    }

    @AfterAll
    static void stop() throws Exception {
        if (p != null) {
            p.close();
        }
    }

    @Test
    void aWithdrawalIsProvenAgainstAVerifiedGameNeverAnInvalidOneAndFinalizedOnce() throws Exception {
        String id = withdraw("through games");
        p.operator.misbehave(Misbehaviour.WRONG_ROOT, L2, null);
        GameProposer.Game wrong = propose();
        assertThat(wrong.honest()).isFalse();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            // The game is asserted present first: its watcher may not have recorded it yet.
            assertThat(p.store.gameAt(wrong.address())).as("game %s recorded", wrong.index()).isPresent();
            assertThat(p.store.gameAt(wrong.address()).orElseThrow().verdict()).as("the relayer's check of its root")
                    .isEqualTo("INVALID");
            assertThat(p.store.message(id).orElseThrow().lastError()).contains("game " + wrong.index())
                    .contains("does not match");
        });
        assertThat(p.store.message(id).orElseThrow().state()).as("never proven against the wrong game")
                .isEqualTo(MessageState.COMMITTED);

        GameProposer.Game valid = propose();
        awaitState(id, MessageState.IN_WINDOW);
        awaitProvenAgainst(id, valid);
        assertThat(p.store.gameAt(valid.address()).orElseThrow().verdict()).isEqualTo("VALID");

        resolveAndPassDelays();
        awaitState(id, MessageState.RELAYED);
        assertThat(OnChainEffects.finalizations(p.devnet.l1(), fp.portal())).containsEntry(id.toLowerCase(), 1);
    }

    @Test
    void aWithdrawalWhoseGameIsBlacklistedIsProvenAgainAgainstANewerGame() throws Exception {
        String id = withdraw("blacklisted");
        GameProposer.Game first = propose();
        awaitState(id, MessageState.IN_WINDOW);
        awaitProvenAgainst(id, first);

        p.operator.misbehave(Misbehaviour.BLACKLIST_GAME, L2, BigInteger.valueOf(first.index()));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(causes(id))
                .anySatisfy(c -> assertThat(c).contains("re-prove").contains("blacklisted")));
        GameProposer.Game second = propose();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(p.store.message(id).orElseThrow()
                .details().get(MessageDetails.PROVEN_GAME)).isEqualToIgnoringCase(second.address()));

        resolveAndPassDelays();
        awaitState(id, MessageState.RELAYED);
        assertThat(OnChainEffects.finalizations(p.devnet.l1(), fp.portal())).containsEntry(id.toLowerCase(), 1);
    }

    @Test
    void aWithdrawalWhoseGameIsLostIsProvenAgain() throws Exception {
        String id = withdraw("lost game");
        GameProposer.Game first = propose();
        awaitState(id, MessageState.IN_WINDOW);
        // An attacker counters the true root and nobody defends it: the game resolves CHALLENGER_WINS.
        p.operator.misbehave(Misbehaviour.ATTACK_VALID, L2, null);
        GameProposer.Game second = propose();
        advanceL1(fp.maxClockDurationSeconds() + 1);
        proposer.resolveDue();
        assertThat(FaultProofViews.outcome(p.clients.get(p.devnet.l1().chainId()), first.address()).status())
                .isEqualTo(FaultProofViews.CHALLENGER_WINS);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(causes(id)).anySatisfy(c -> assertThat(c).contains("re-prove").contains("CHALLENGER_WINS"));
            assertThat(p.store.message(id).orElseThrow().details().get(MessageDetails.PROVEN_GAME))
                    .isEqualToIgnoringCase(second.address());
        });
        advanceL1(fp.proofMaturityDelaySeconds() + fp.disputeGameFinalityDelaySeconds() + 2);
        awaitState(id, MessageState.RELAYED);
        assertThat(OnChainEffects.finalizations(p.devnet.l1(), fp.portal())).containsEntry(id.toLowerCase(), 1);
    }

    @Test
    void aChangeOfRespectedGameTypeMakesTheRelayerProveAgainAgainstAGameOfTheNewType() throws Exception {
        String id = withdraw("respected type");
        GameProposer.Game alphabet = propose();
        assertThat(alphabet.gameType()).isEqualTo(255);
        awaitState(id, MessageState.IN_WINDOW);

        p.operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, L2, BigInteger.ONE);
        try {
            // The relayer may read the portal's type and the time it was set across the switch's transaction (old
            // type, new time): either is a reason the alphabet game cannot finalize the withdrawal.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(causes(id))
                    .anySatisfy(c -> assertThat(c).contains("re-prove").containsAnyOf("respected type 1",
                            "before the respected type was last set")));
            advanceL1(1); // a game of the new type must be created after the type was set
            GameProposer.Game permissioned = propose();
            assertThat(permissioned.gameType()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(p.store.message(id).orElseThrow()
                    .details().get(MessageDetails.PROVEN_GAME)).isEqualToIgnoringCase(permissioned.address()));
            resolveAndPassDelays();
            awaitState(id, MessageState.RELAYED);
            assertThat(OnChainEffects.finalizations(p.devnet.l1(), fp.portal())).containsEntry(id.toLowerCase(), 1);
        } finally {
            p.operator.misbehave(Misbehaviour.SET_RESPECTED_TYPE, L2, BigInteger.valueOf(255));
        }
    }

    @Test
    void aDepositThroughOpsMessengerIsNamedByItsL2TransactionAndSeenRelayedOnTheL2() throws Exception {
        TransactionReceipt sent = user.deposit(0, "deposit through OP's messenger", BigInteger.ZERO);
        OpDepositTx deposit = OpDepositTx.from(OptimismPortal2.getTransactionDepositedEvents(sent).getFirst());
        String id = deposit.hash().toLowerCase();
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.message(id).isPresent());
        assertThat(p.store.message(id).orElseThrow().messengerHash()).as("linked to its messenger message").isNotNull();

        assertThat(p.operator.faultProofSequencer(L2).executeDue()).isPositive();
        assertThat(p.devnet.l2(0).web3j().ethGetTransactionReceipt(id).send().getTransactionReceipt())
                .as("the L2 has the deposit under the hash the message is named by").isPresent();
        awaitState(id, MessageState.RELAYED);
        for (long chain : p.chains.keySet()) {
            assertThat(p.store.setAside(chain, 10)).as("logs of OP's contracts set aside on chain %d", chain)
                    .isEmpty();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** Sends a withdrawal on the L2 and waits for the store to have it; its id. */
    private static String withdraw(String note) throws Exception {
        TransactionReceipt r = user.withdrawal(0, note, BigInteger.ZERO);
        String hash = Numeric.toHexString(L2ToL1MessagePasser.getMessagePassedEvents(r).getFirst().withdrawalHash);
        await().atMost(Duration.ofSeconds(30)).until(() -> p.store.message(hash).isPresent());
        return hash;
    }

    /** A game of the respected type for the L2's head (mining a block first, so every game claims a new block). */
    private static GameProposer.Game propose() throws Exception {
        DevChain l2 = p.devnet.l2(0);
        l2.anvil().mine(1);
        int type = FaultProofViews.rules(p.clients.get(p.devnet.l1().chainId()), fp.portal()).respectedGameType();
        GameProposer.Game g = proposer.propose(type, l2.blockNumber().longValueExact());
        advanceL1(1); // an automining L1 stands still between transactions; a real one moves on
        return g;
    }

    /** Past every game's clock, resolves them, then past the proof maturity and the airgap. */
    private static void resolveAndPassDelays() throws Exception {
        advanceL1(fp.maxClockDurationSeconds() + 1);
        proposer.resolveDue();
        advanceL1(Math.max(fp.proofMaturityDelaySeconds(), fp.disputeGameFinalityDelaySeconds()) + 2);
    }

    private static void advanceL1(long seconds) throws Exception {
        p.devnet.l1().anvil().increaseTime(seconds);
        p.devnet.l1().anvil().mine(1);
    }

    private static MessageRecord awaitState(String id, MessageState state) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(p.store.message(id).orElseThrow().state()).as("state of %s; history %s", id, causes(id))
                        .isEqualTo(state));
        return p.store.message(id).orElseThrow();
    }

    /**
     * Waits for the relayer to have recorded the game its proof was made against (it does when it settles the proof's
     * transaction, which the watcher may have seen first).
     */
    private static void awaitProvenAgainst(String id, GameProposer.Game game) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(p.store.message(id).orElseThrow()
                .details().get(MessageDetails.PROVEN_GAME)).isEqualToIgnoringCase(game.address()));
    }

    private static List<String> causes(String id) {
        return p.store.history(id).stream().map(Transition::cause).toList();
    }
}
