package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Anyone may put a Portal into escape mode once its proposer has been silent too long while a deposit waits. */
class EscapeModeLivenessTest extends DevnetTestBase {

    @Test
    void anyoneActivatesEscapeModeAfterTheLivenessTimeoutWhileADepositWaits() throws Exception {
        proposeOutput();
        String portal = portal(DevKeys.USER).getContractAddress();
        String activate = portal(DevKeys.USER).activateEscapeMode().encodeFunctionCall();
        long timeout = devnet.config().livenessTimeout().toSeconds();

        advanceL1Time(timeout + 1);
        assertThat(refusal(l1(), DevKeys.USER, portal, activate)).as("no deposit waits")
                .isEqualTo("Portal: no deposit is waiting");

        proposeOutput();
        new DemoTraffic(devnet, DevKeys.USER.credentials()).depositEther(0, DevKeys.USER_2.address(), BigInteger.ONE);
        advanceL1Time(timeout - 60);
        assertThat(refusal(l1(), DevKeys.USER, portal, activate)).isEqualTo("Portal: proposer is still live");

        advanceL1Time(61);
        assertThat(portal(DevKeys.USER).canActivateEscapeMode().send()).isTrue();
        portal(DevKeys.USER).activateEscapeMode().send();
        assertThat(portal(DevKeys.USER).escapeMode().send()).isTrue();
        String deposit = portal(DevKeys.USER).depositTransaction(DevKeys.USER_2.address(), BigInteger.ZERO,
                BigInteger.valueOf(100_000), false, new byte[0], BigInteger.ZERO).encodeFunctionCall();
        assertThat(refusal(l1(), DevKeys.USER, portal, deposit)).isEqualTo("Portal: deposits are closed in escape mode");
    }
}
