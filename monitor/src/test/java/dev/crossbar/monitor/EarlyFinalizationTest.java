package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.RogueFinalizer;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.store.Finding;
import dev.crossbar.store.MessageRecord;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The Portal's code is swapped (anvil_setCode) for one that finalizes a withdrawal without its checks, and a proven
 * withdrawal is finalized inside its challenge window: the monitor finds EARLY_FINALIZATION, alerts, trips l2a's
 * breaker and pauses the Portal. A withdrawal finalized after its window, before the swap, raises nothing.
 */
class EarlyFinalizationTest {
    private static final String PORTAL_COPY = "0x00000000000000000000000000000000000c0de1";

    @Test
    void aWithdrawalFinalizedInsideItsWindowIsFound() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            w.startMonitor(w.settings());
            w.user.withdrawal(0, "finalized on time", BigInteger.ZERO);
            w.proposeL2a();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    w.messages(MessageKind.WITHDRAWAL, MessageState.IN_WINDOW).size() == 1);
            w.passWindow();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    w.messages(MessageKind.WITHDRAWAL, MessageState.RELAYED).size() == 1);

            w.user.withdrawal(0, "finalized early", BigInteger.ZERO);
            w.proposeL2a();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    w.messages(MessageKind.WITHDRAWAL, MessageState.IN_WINDOW).size() == 1);
            MessageRecord early = w.messages(MessageKind.WITHDRAWAL, MessageState.IN_WINDOW).getFirst();
            Thread.sleep(1000);
            assertThat(w.store.findings(null, 100)).as("an honest finalization is no finding").isEmpty();

            swapPortalForRogue(w);
            Instant at = Instant.now();
            TransactionReceipt r = RogueFinalizer.load(w.settlement(0).portal(), w.l1().web3j(),
                    w.l1().txManager(DevKeys.USER.credentials()), DevChain.GAS).finalizeWithdrawalTransaction(
                    new RogueFinalizer.WithdrawalTransaction(early.nonce(), early.sender(), early.target(),
                            early.value(), early.gasLimit(), Numeric.hexStringToByteArray(early.data()))).send();
            assertThat(r.isStatusOK()).isTrue();

            Finding finding = w.awaitFinding("EARLY_FINALIZATION", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("EARLY_FINALIZATION", "l2a")
                    .isPresent());
            Watchtower.timing("early-finalization finalize->alert", Duration.between(at,
                    w.webhooks.firstAlert("EARLY_FINALIZATION", "l2a").orElseThrow()));
            assertThat(finding.evidence()).containsEntry("withdrawalHash", early.id())
                    .containsEntry("l1Tx", r.getTransactionHash()).containsKeys("provenAt", "finalizedAt", "seen");
            assertThat(finding.evidence().get("seen")).contains("its window ends");
            assertThat(w.findings("EARLY_FINALIZATION")).hasSize(1);
            assertThat(w.tripped(Watchtower.L2A)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(0));
            w.awaitBlockedMessage(0, 1, "from a chain whose Portal broke its rules");
        }
    }

    /**
     * Copies the real Portal's code to {@link #PORTAL_COPY} and places a {@link RogueFinalizer} delegating to it at
     * the Portal's address: same storage, same views, a finalization without checks.
     */
    private static void swapPortalForRogue(Watchtower w) throws Exception {
        String portal = w.settlement(0).portal();
        String code = w.l1().web3j().ethGetCode(portal, DefaultBlockParameterName.LATEST).send().getCode();
        w.l1().anvil().setCode(PORTAL_COPY, code);
        RogueFinalizer rogue = RogueFinalizer.deploy(w.l1().web3j(), w.l1().txManager(DevKeys.DEPLOYER.credentials()),
                DevChain.GAS, PORTAL_COPY).send();
        String rogueCode = w.l1().web3j().ethGetCode(rogue.getContractAddress(), DefaultBlockParameterName.LATEST)
                .send().getCode();
        w.l1().anvil().setCode(portal, rogueCode);
    }
}
