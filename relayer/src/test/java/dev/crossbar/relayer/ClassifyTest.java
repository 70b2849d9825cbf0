package dev.crossbar.relayer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import org.junit.jupiter.api.Test;

/** How a predicted failure (a simulation's revert reason) decides a message's next step. */
class ClassifyTest {

    @Test
    void anEffectThatAlreadyHappenedMovesTheMessage() {
        assertThat(Deliveries.classify(TxPurpose.FINALIZE, "Portal: withdrawal has already been finalized"))
                .isEqualTo(new Deliveries.Step.Moved(MessageState.RELAYED,
                        "simulation: Portal: withdrawal has already been finalized"));
        assertThat(Deliveries.classify(TxPurpose.RELAY, "MessageAlreadyRelayed"))
                .isInstanceOf(Deliveries.Step.Moved.class)
                .extracting(s -> ((Deliveries.Step.Moved) s).to()).isEqualTo(MessageState.RELAYED);
        assertThat(Deliveries.classify(TxPurpose.PROVE, "Portal: withdrawal hash has already been proven"))
                .extracting(s -> ((Deliveries.Step.Moved) s).to()).isEqualTo(MessageState.PROVEN);
    }

    @Test
    void aProofThatNoLongerHoldsSendsTheWithdrawalBackToBeProvenAgain() {
        for (String reason : new String[] {"Portal: withdrawal has not been proven yet",
                "Portal: output root proven is not the same as current output root",
                "OutputOracle: output does not exist"}) {
            assertThat(Deliveries.classify(TxPurpose.FINALIZE, reason)).as(reason)
                    .extracting(s -> ((Deliveries.Step.Moved) s).to()).isEqualTo(MessageState.COMMITTED);
        }
    }

    @Test
    void conditionsThatPassAreWaitedOutNotDeadLettered() {
        assertThat(Deliveries.classify(TxPurpose.FINALIZE, "Portal: proven withdrawal finalization period has not"
                + " elapsed")).isInstanceOf(Deliveries.Step.Wait.class);
        assertThat(Deliveries.classify(TxPurpose.FINALIZE, "Portal: paused")).isInstanceOf(Deliveries.Step.Retry.class);
        assertThat(Deliveries.classify(TxPurpose.RELAY, "NonDeclaredExecutingMessage"))
                .as("the inbox refusing the declaration is not the target's doing")
                .isInstanceOf(Deliveries.Step.Retry.class);
        assertThat(Deliveries.classify(TxPurpose.RELAY, "NotInAccessList")).isInstanceOf(Deliveries.Step.Retry.class);
        assertThat(Deliveries.classify(TxPurpose.RELAY, "MessageDestinationNotRelayChain"))
                .isInstanceOf(Deliveries.Step.Retry.class);
    }

    @Test
    void aRelayWhoseTargetRevertsIsRetriedUnderTheReplayPolicyAndAMessengerErrorUnderTheRetryPolicy() {
        assertThat(Deliveries.classify(TxPurpose.RELAY, "DemoTarget: told to revert"))
                .isEqualTo(new Deliveries.Step.TargetReverts("the target reverts: DemoTarget: told to revert"));
        assertThat(Deliveries.classify(TxPurpose.RELAY, "custom error 0x12345678"))
                .isInstanceOf(Deliveries.Step.Retry.class);
        assertThat(Deliveries.classify(TxPurpose.RELAY, "L2ToL2CrossDomainMessenger: bad identifier"))
                .isInstanceOf(Deliveries.Step.Retry.class);
        assertThat(Deliveries.classify(TxPurpose.FINALIZE, "something else"))
                .isEqualTo(new Deliveries.Step.Retry("simulation of FINALIZE reverted: something else"));
        assertThat(Deliveries.classify(TxPurpose.PROVE, null))
                .isEqualTo(new Deliveries.Step.Retry("simulation of PROVE reverted: (no reason)"));
    }

    @Test
    void aReplayOfAMessageTheMessengerRelayedAlreadyMovesItToRelayed() {
        assertThat(Deliveries.classify(TxPurpose.REPLAY, "CrossDomainMessenger: message has already been relayed"))
                .extracting(s -> ((Deliveries.Step.Moved) s).to()).isEqualTo(MessageState.RELAYED);
    }

    @Test
    void escapeModeIsWaitedOutAndOnlyARelaysOwnTargetRevertIsPermanent() {
        assertThat(Deliveries.classify(TxPurpose.FINALIZE, "Portal: output not usable in escape mode"))
                .isEqualTo(new Deliveries.Step.Retry("simulation: Portal: output not usable in escape mode"
                        + " (waiting for it to change)"));
        assertThat(Deliveries.classify(TxPurpose.RELAY, "")).as("a relay that reverts with no reason")
                .isEqualTo(new Deliveries.Step.Retry("simulation of RELAY reverted: (no reason)"));
        assertThat(Deliveries.classify(TxPurpose.REPLAY, "DemoTarget: told to revert"))
                .as("a replay's revert is retried up to its own limit, not dead-lettered at once")
                .isInstanceOf(Deliveries.Step.Retry.class);
        assertThat(Deliveries.classify(TxPurpose.PROVE, "DemoTarget: told to revert"))
                .isInstanceOf(Deliveries.Step.Retry.class);
    }
}
