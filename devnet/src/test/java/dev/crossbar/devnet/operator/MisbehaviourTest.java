package dev.crossbar.devnet.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.devnet.SettlementKind;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Which switch applies to which settlement, and which takes a value. */
class MisbehaviourTest {

    @Test
    void eachSettlementKindHasItsOwnSwitchesAndSharesTheSequencerAndProposerOnes() {
        assertThat(Misbehaviour.switchNames(SettlementKind.OUTPUT_ORACLE))
                .containsExactly("wrong-output", "censor-deposit", "stop-proposing", "forge-relay");
        assertThat(Misbehaviour.switchNames(SettlementKind.FAULT_PROOFS)).containsExactly("censor-deposit",
                "stop-proposing", "wrong-root", "blacklist-game", "set-respected-type", "pause", "unpause",
                "attack-valid");
    }

    @Test
    void aSwitchOfTheOtherSettlementOrWithTheWrongValueIsRefusedNamingWhy() {
        assertThatThrownBy(() -> Misbehaviour.WRONG_ROOT.check(SettlementKind.OUTPUT_ORACLE, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'wrong-root' does not apply to a devnet settling through output-oracle; its switches:"
                        + " [wrong-output, censor-deposit, stop-proposing, forge-relay]");
        assertThatThrownBy(() -> Misbehaviour.SET_RESPECTED_TYPE.check(SettlementKind.FAULT_PROOFS, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("'set-respected-type' needs a value");
        assertThatThrownBy(() -> Misbehaviour.PAUSE.check(SettlementKind.FAULT_PROOFS, BigInteger.ONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("'pause' takes no value, got 1");
        Misbehaviour.CENSOR_DEPOSIT.check(SettlementKind.OUTPUT_ORACLE, null);
        Misbehaviour.CENSOR_DEPOSIT.check(SettlementKind.FAULT_PROOFS, BigInteger.TWO);
    }
}
