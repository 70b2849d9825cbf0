package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.chain.RevertReasons;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DemoTraffic;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Convert;

/**
 * Exits in escape mode. l2a's sequencer censors three deposits (after one it executed); the monitor finds
 * CENSORED_DEPOSIT and, configured to, has the guardian put l2a's Portal into escape mode. It then reclaims each of the
 * three pending deposits to its original sender exactly once (balances checked; a second reclaim is refused), but not
 * the executed one; the relayer proves and finalizes the withdrawal covered by the last valid output, and
 * dead-letters the one it does not cover.
 */
class EscapeModeTest {

    @Test
    void escapeModeReturnsEveryPendingDepositOnceAndLetsCoveredWithdrawalsExit() throws Exception {
        try (Watchtower w = new Watchtower()) {
            MonitorSettings s = w.settings();
            w.startMonitor(new MonitorSettings(s.group(), s.tick(), s.challengeMargin(), s.chainDefaults(), Map.of(),
                    true, Set.of(FindingKind.CENSORED_DEPOSIT), true, s.maxLagBlocks(), s.lagGrace(),
                    s.endpointLagTolerance(), s.checkGiveUpAfter(), s.fees(), s.alerts()));
            DemoTraffic user2 = new DemoTraffic(w.devnet, DevKeys.USER_2.credentials());
            BigInteger tenth = Convert.toWei("0.1", Convert.Unit.ETHER).toBigIntegerExact();

            // an executed deposit and a withdrawal, both covered by output 0, which then finalizes
            w.user.depositEther(0, DevKeys.USER.address(), tenth);
            w.operator.sequencer("l2a").executeDue();
            w.user.withdrawal(0, "covered by the last valid output", BigInteger.ZERO);
            w.proposeL2a();
            w.passWindow();
            // a withdrawal after it, covered only by output 1, which is not final when escape mode begins
            w.user.withdrawal(0, "after the last valid output", BigInteger.ZERO);
            w.proposeL2a();

            // three censored deposits
            Map<String, BigInteger> before = balances(w);
            w.operator.sequencer("l2a").censor(null);
            List<BigInteger> mints = List.of(BigInteger.ONE.multiply(Convert.toWei("1", Convert.Unit.ETHER)
                    .toBigIntegerExact()), Convert.toWei("2", Convert.Unit.ETHER).toBigIntegerExact(),
                    Convert.toWei("0.5", Convert.Unit.ETHER).toBigIntegerExact());
            w.user.depositEther(0, DevKeys.USER.address(), mints.get(0));
            user2.depositEther(0, DevKeys.USER_2.address(), mints.get(1));
            w.user.depositEther(0, DevKeys.USER.address(), mints.get(2));
            Map<String, BigInteger> paid = balances(w);
            assertThat(w.operator.sequencer("l2a").executeDue()).isZero();
            w.l1().anvil().increaseTime(90);
            w.l1().anvil().mine(1);

            // found, escape mode entered by the guardian, deposits reclaimed
            w.awaitFinding("CENSORED_DEPOSIT", Duration.ofSeconds(30));
            Portal portal = w.portal(0, DevKeys.USER);
            await().atMost(Duration.ofSeconds(30)).until(() -> portal.escapeMode().send());
            assertThat(portal.escapeHasOutput().send()).isTrue();
            assertThat(portal.escapeOutputIndex().send()).isEqualTo(BigInteger.ZERO);
            await().atMost(Duration.ofSeconds(60)).until(() -> portal.deposits(BigInteger.ONE).send().component4()
                    && portal.deposits(BigInteger.TWO).send().component4()
                    && portal.deposits(BigInteger.valueOf(3)).send().component4());
            assertThat(portal.deposits(BigInteger.ZERO).send().component4()).as("the executed deposit").isFalse();

            // each pending deposit's value went back to its sender, once
            Map<String, BigInteger> after = balances(w);
            assertThat(after.get(DevKeys.USER.address()).subtract(paid.get(DevKeys.USER.address())))
                    .isEqualTo(mints.get(0).add(mints.get(2)));
            assertThat(after.get(DevKeys.USER_2.address()).subtract(paid.get(DevKeys.USER_2.address())))
                    .isEqualTo(mints.get(1));
            assertThat(before.get(DevKeys.USER.address()).subtract(after.get(DevKeys.USER.address())))
                    .as("what USER paid is only gas").isLessThan(Convert.toWei("0.01", Convert.Unit.ETHER)
                            .toBigIntegerExact());
            Map<BigInteger, Integer> reclaims = reclaimEvents(w);
            assertThat(reclaims).containsExactlyInAnyOrderEntriesOf(Map.of(BigInteger.ONE, 1, BigInteger.TWO, 1,
                    BigInteger.valueOf(3), 1));
            for (int n = 1; n <= 3; n++) {
                String id = "reclaim:901:" + n;
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(w.store.transactionsOf(id))
                        .noneMatch(TxRecord::isOpen).filteredOn(t -> t.status() == TxRecord.Status.CONFIRMED)
                        .hasSizeLessThanOrEqualTo(1));
            }
            String again = ProtocolViews.portal(w.settlement(0).portal()).reclaimDeposit(BigInteger.ONE,
                    new Portal.OutputRootProof(new byte[32], new byte[32], new byte[32], new byte[32]), List.of(),
                    List.of()).encodeFunctionCall();
            assertThatThrownBy(() -> w.clients.get(Watchtower.L1).estimateGas(DevKeys.USER.address(),
                    w.settlement(0).portal(), again, BigInteger.ZERO)).isInstanceOfSatisfying(EthApi.Reverted.class,
                            r -> assertThat(RevertReasons.of(r)).isNotBlank());
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    w.messages(MessageKind.DEPOSIT, MessageState.EXITED).size() == 3);

            // withdrawals: the relayer proves against the last valid output; the one it does not cover cannot exit
            assertThat(w.tripped(Watchtower.L2A)).as("breaker reset for exits").isFalse();
            w.startRelayer();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    w.messages(MessageKind.WITHDRAWAL, MessageState.IN_WINDOW).size() == 1 && cannotExit(w).isPresent());
            MessageRecord dead = cannotExit(w).orElseThrow();
            assertThat(dead.lastError()).contains("last valid output 0").contains("cannot exit");
            assertThat(w.store.transactionsOf(dead.id())).as("nothing sent for it").isEmpty();
            w.passWindow();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    w.messages(MessageKind.WITHDRAWAL, MessageState.RELAYED).size() == 1);
        }
    }

    /**
     * The withdrawal escape mode keeps from exiting: dead-lettered, or (while the lifecycle has no move from COMMITTED
     * to DEAD_LETTERED) parked in COMMITTED with the reason.
     */
    private static java.util.Optional<MessageRecord> cannotExit(Watchtower w) {
        return w.store.messages(new dev.crossbar.store.MessageQuery(Set.of(MessageState.DEAD_LETTERED,
                MessageState.COMMITTED), Set.of(MessageKind.WITHDRAWAL), null, null, null, null, 10)).stream()
                .filter(m -> m.lastError() != null && m.lastError().contains("cannot exit")).findFirst();
    }

    private static Map<String, BigInteger> balances(Watchtower w) throws Exception {
        Map<String, BigInteger> out = new HashMap<>();
        for (DevKeys k : List.of(DevKeys.USER, DevKeys.USER_2)) {
            out.put(k.address(), w.l1().web3j().ethGetBalance(k.address(), DefaultBlockParameterName.LATEST).send()
                    .getBalance());
        }
        return out;
    }

    private static Map<BigInteger, Integer> reclaimEvents(Watchtower w) throws Exception {
        EthFilter f = new EthFilter(DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST,
                w.settlement(0).portal());
        f.addSingleTopic(EventEncoder.encode(Portal.DEPOSITRECLAIMED_EVENT));
        Map<BigInteger, Integer> out = new HashMap<>();
        for (EthLog.LogResult<?> r : w.l1().web3j().ethGetLogs(f).send().getLogs()) {
            Log l = (Log) r.get();
            out.merge(org.web3j.utils.Numeric.toBigInt(l.getTopics().get(1)), 1, Integer::sum);
        }
        return out;
    }
}
