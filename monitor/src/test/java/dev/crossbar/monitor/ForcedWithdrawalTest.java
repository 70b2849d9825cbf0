package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.core.protocol.OpDepositTx;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.operator.FaultProofSequencer;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.store.Finding;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.Transition;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;

/**
 * A watched account's way out of a censoring L2 that settles through OP's unmodified fault-proof contracts, on the
 * whole real path: the devnet's sequencer censors a deposit; the monitor raises CENSORED_DEPOSIT and sends, from the
 * account, a forced withdrawal (an L1 deposit whose L2 call withdraws the account's L2 balance through the message
 * passer); the sequencer is forced to include it after its sequencing window; the relayer proves the withdrawal
 * against a verified game and finalizes it; the account's ether arrives on L1. The L1 clock is moved past the
 * windows, clocks and delays rather than waited out.
 */
class ForcedWithdrawalTest {
    private static final String L2 = "l2a";
    private static final long L2_ID = Watchtower.L2A;
    private static final BigInteger AMOUNT = Convert.toWei("0.25", Convert.Unit.ETHER).toBigIntegerExact();
    private static final Duration INCLUSION_WINDOW = Duration.ofSeconds(20);

    @Test
    void aWatchedAccountsFundsArriveOnL1ThroughAForcedWithdrawalWhileTheSequencerCensors() throws Exception {
        Instant t0 = Instant.now();
        try (Watchtower w = Watchtower.faultProofs()) {
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2(L2).faultProofs();
            assertThat(fp.sequencingWindowSeconds()).as("the monitor sees censorship before it is undone")
                    .isGreaterThan(INCLUSION_WINDOW.toSeconds());
            FaultProofSequencer sequencer = w.operator.faultProofSequencer(L2);
            GameProposer proposer = w.operator.gameProposer(L2);

            // The watched account: ether on L1 for gas, and AMOUNT on the L2, brought there through the portal.
            Credentials account = Credentials.create(Keys.createEcKeyPair());
            String address = account.getAddress().toLowerCase(Locale.ROOT);
            new Transfer(w.l1().web3j(), w.l1().txManager(DevKeys.USER.credentials())).sendFunds(address,
                    java.math.BigDecimal.ONE, Convert.Unit.ETHER).send();
            String funding = OpDepositTx.from(OptimismPortal2.getTransactionDepositedEvents(
                    w.user.depositEther(0, address, AMOUNT)).getFirst()).hash().toLowerCase(Locale.ROOT);
            assertThat(sequencer.executeDue()).isEqualTo(1);
            assertThat(balance(w.l2(0), address)).isEqualTo(AMOUNT);

            w.startRelayer();
            MonitorSettings settings = settings(w);
            w.startMonitor(settings, List.of(account));
            w.awaitWatchers();

            Instant censoring = Instant.now();
            w.operator.misbehave(Misbehaviour.CENSOR_DEPOSIT, L2, null);
            w.user.deposit(0, "censored", BigInteger.ZERO);
            assertThat(sequencer.executeDue()).isZero();
            advanceL1(w, INCLUSION_WINDOW.toSeconds() + 1);
            Finding censored = w.awaitFinding("CENSORED_DEPOSIT", Duration.ofSeconds(30));
            assertThat(censored.chainId()).isEqualTo(L2_ID);
            assertThat(w.tripped(L2_ID)).as("the relayer must carry the exit out").isFalse();

            // The monitor sends the forced withdrawal from the account; the watcher records its deposit.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> exitDeposit(w, address).isPresent());
            MessageRecord deposit = exitDeposit(w, address).orElseThrow();
            assertThat(deposit.details()).containsEntry(MessageDetails.EXIT_INCIDENT, censored.dedupeKey());
            assertThat(deposit.target()).isEqualToIgnoringCase(w.chains.get(L2_ID).l2Contracts().messagePasser());
            assertThat(w.l2(0).web3j().ethGetTransactionReceipt(deposit.id()).send().getTransactionReceipt())
                    .as("censored behind the first one").isEmpty();
            BigInteger l1Before = balance(w.l1(), address);

            // A restarted monitor follows the exit under way and never sends it again.
            w.stopMonitor();
            w.startMonitor(settings, List.of(account));
            // The exit's own deposit is censored too (held behind the first): a second incident, for which the
            // account, whose exit is under way, sends nothing more.
            advanceL1(w, INCLUSION_WINDOW.toSeconds() + 1);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> w.findings(
                    "CENSORED_DEPOSIT").stream().anyMatch(f -> f.dedupeKey().contains(deposit.id())));
            Finding second = w.findings("CENSORED_DEPOSIT").stream().filter(f -> f.dedupeKey().contains(deposit.id()))
                    .findFirst().orElseThrow();

            // Past the sequencing window derivation forces both deposits in, in order.
            advanceL1(w, fp.sequencingWindowSeconds() + 1);
            assertThat(sequencer.executeDue()).isEqualTo(2);
            assertThat(balance(w.l2(0), address)).as("the whole L2 balance is on its way out").isZero();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> w.store
                    .message(deposit.id()).orElseThrow().details().containsKey(MessageDetails.EXIT_WITHDRAWAL));
            String withdrawalId = w.store.message(deposit.id()).orElseThrow().details()
                    .get(MessageDetails.EXIT_WITHDRAWAL);
            MessageRecord withdrawal = w.store.message(withdrawalId).orElseThrow();
            assertThat(withdrawal.kind()).isEqualTo(MessageKind.WITHDRAWAL);
            assertThat(withdrawal.sender()).as("initiated by the account itself").isEqualToIgnoringCase(address);
            assertThat(withdrawal.target()).isEqualToIgnoringCase(address);
            assertThat(withdrawal.value()).isEqualTo(AMOUNT);
            assertThat(withdrawal.details()).containsEntry(MessageDetails.EXIT_DEPOSIT, deposit.id());

            // The relayer proves it against a verified game and finalizes it once the game and delays allow.
            w.l2(0).anvil().mine(1);
            int type = FaultProofViews.rules(w.clients.get(Watchtower.L1), fp.portal()).respectedGameType();
            proposer.propose(type, w.l2(0).blockNumber().longValueExact());
            advanceL1(w, 1);
            awaitState(w, withdrawalId, MessageState.IN_WINDOW);
            advanceL1(w, fp.maxClockDurationSeconds() + 1);
            proposer.resolveDue();
            advanceL1(w, Math.max(fp.proofMaturityDelaySeconds(), fp.disputeGameFinalityDelaySeconds()) + 2);
            awaitState(w, withdrawalId, MessageState.RELAYED);

            assertThat(balance(w.l1(), address)).as("the funds arrived on L1 (the relayer paid the finalization)")
                    .isEqualTo(l1Before.add(AMOUNT));
            assertThat(exitDeposits(w, address)).as("one exit for the account, however many incidents followed")
                    .hasSize(1);
            assertThat(w.store.transactionsOf(actionId(address, second))).as("nothing left to take out").isEmpty();
            assertThat(w.findings("CENSORED_DEPOSIT")).as("the deposit included in time is no finding")
                    .noneMatch(f -> f.dedupeKey().contains(funding));
            assertThat(w.store.transactionsOf(actionId(address, censored)))
                    .singleElement().satisfies(t -> assertThat(t.purpose()).isEqualTo(TxPurpose.FORCED_WITHDRAWAL));
            assertThat(causes(w, deposit.id())).anySatisfy(c -> assertThat(c).startsWith("forced withdrawal of "
                    + address + " for " + censored.dedupeKey() + ": deposit of " + AMOUNT + " wei"))
                    .anySatisfy(c -> assertThat(c).contains("initiated withdrawal " + withdrawalId));
            assertThat(causes(w, withdrawalId)).anySatisfy(c -> assertThat(c).contains("initiated on l2a by deposit "
                    + deposit.id()));
            assertThat(w.store.history(withdrawalId)).extracting(Transition::to).contains(MessageState.PROVEN,
                    MessageState.READY, MessageState.RELAYED);
            Watchtower.timing("forced withdrawal, censorship to funds on L1 (L1 clock moved)",
                    Duration.between(censoring, Instant.now()));
            Watchtower.timing("forced withdrawal test, devnet start included", Duration.between(t0, Instant.now()));
        }
    }

    private static MonitorSettings settings(Watchtower w) {
        MonitorSettings s = w.settings();
        ChainChecks checks = s.chainDefaults().withThresholds(s.chainDefaults().proposerLivenessTimeout(),
                INCLUSION_WINDOW, s.chainDefaults().safeReorgDepth(), s.chainDefaults().haltAfter());
        return new MonitorSettings(s.group(), s.tick(), s.challengeMargin(), checks, Map.of(), s.pauseOnMisbehaviour(),
                s.escapeOn(), s.reopenForExits(), s.maxLagBlocks(), s.lagGrace(), s.endpointLagTolerance(),
                s.checkGiveUpAfter(), s.fees(), s.alerts());
    }

    private static String actionId(String address, Finding incident) {
        return ("exit:" + L2_ID + ":" + address + ":" + incident.dedupeKey()).toLowerCase(Locale.ROOT);
    }

    /** The account's deposits to the message passer (forced withdrawals), as the watcher recorded them. */
    private static List<MessageRecord> exitDeposits(Watchtower w, String address) {
        String passer = w.chains.get(L2_ID).l2Contracts().messagePasser();
        return w.store.messages(new MessageQuery(null, java.util.Set.of(MessageKind.DEPOSIT), null, null, L2_ID,
                address, 100)).stream().filter(m -> m.target().equalsIgnoreCase(passer)).toList();
    }

    /** The account's forced withdrawal deposit, once the monitor has linked it to its exit. */
    private static Optional<MessageRecord> exitDeposit(Watchtower w, String address) {
        return exitDeposits(w, address).stream().filter(m -> m.details().containsKey(MessageDetails.EXIT_ACCOUNT))
                .findFirst();
    }

    private static List<String> causes(Watchtower w, String id) {
        return w.store.history(id).stream().map(Transition::cause).toList();
    }

    private static void awaitState(Watchtower w, String id, MessageState state) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> w.store.message(id)
                .map(m -> m.state() == state).orElse(false));
    }

    private static void advanceL1(Watchtower w, long seconds) throws Exception {
        w.l1().anvil().increaseTime(seconds);
        w.l1().anvil().mine(1);
    }

    private static BigInteger balance(DevChain chain, String address) throws Exception {
        return chain.web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }
}
