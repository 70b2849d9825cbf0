package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** A paused Portal refuses deposits, proofs and finalizations; only the guardian pauses and unpauses. */
class PortalPauseTest extends DevnetTestBase {

    @Test
    void pausedPortalRefusesDepositsProofsAndFinalizationsUntilUnpaused() throws Exception {
        Withdrawal proven = withdrawPing(DevKeys.USER.credentials(), "proven before the pause");
        Withdrawal unproven = withdrawPing(DevKeys.USER.credentials(), "not proven");
        BigInteger index = proposeOutput();
        prove(proven, index, proofAt(proven, index));
        advanceL1Time(devnet.config().finalizationPeriod().toSeconds() + 1);

        String portal = portal(DevKeys.USER).getContractAddress();
        assertThat(refusal(l1(), DevKeys.USER, portal, portal(DevKeys.USER).pause().encodeFunctionCall()))
                .isEqualTo("Portal: only the guardian can call this function");
        portal(DevKeys.GUARDIAN).pause().send();
        assertThat(portal(DevKeys.USER).paused().send()).isTrue();

        String deposit = portal(DevKeys.USER).depositTransaction(DevKeys.USER.address(), BigInteger.ZERO,
                BigInteger.valueOf(100_000), false, new byte[0], BigInteger.ZERO).encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.USER, portal, deposit)).isEqualTo("Portal: paused");
        var p = proofAt(unproven, index);
        String prove = portal(DevKeys.RELAYER).proveWithdrawalTransaction(unproven.tx(), index,
                outputRootProof(p.stateRoot(), p.messagePasserStorageRoot(), p.blockHash()), p.storageProof())
                .encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.RELAYER, portal, prove)).isEqualTo("Portal: paused");
        String finalize = portal(DevKeys.RELAYER).finalizeWithdrawalTransaction(proven.tx()).encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.RELAYER, portal, finalize)).isEqualTo("Portal: paused");
        assertThat(refusal(l1(), DevKeys.USER, portal, portal(DevKeys.USER).unpause().encodeFunctionCall()))
                .isEqualTo("Portal: only the guardian can call this function");

        portal(DevKeys.GUARDIAN).unpause().send();
        assertThat(portal(DevKeys.RELAYER).finalizeWithdrawalTransaction(proven.tx()).send().isStatusOK()).isTrue();
        assertThat(portal(DevKeys.USER).finalizedWithdrawals(proven.hash()).send()).isTrue();
    }
}
