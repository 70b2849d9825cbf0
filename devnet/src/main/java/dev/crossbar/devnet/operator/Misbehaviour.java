package dev.crossbar.devnet.operator;

import java.util.Arrays;
import java.util.List;

/**
 * The ways the devnet operator can be told to misbehave, each something a real rollup operator could do
 * and the monitor must catch.
 */
public enum Misbehaviour {
    /** The proposer's next output root is wrong (its state root is replaced by garbage). */
    WRONG_OUTPUT("wrong-output", "propose a wrong output root next"),
    /** The sequencer does not execute a given deposit (and so none after it: deposits execute in order). */
    CENSOR_DEPOSIT("censor-deposit", "do not execute a deposit (the next one, or --nonce N)"),
    /** The proposer stops proposing output roots. */
    STOP_PROPOSING("stop-proposing", "stop proposing output roots"),
    /** The operator relays an L2-to-L2 message that was never sent on its source chain. */
    FORGE_RELAY("forge-relay", "relay a forged L2-to-L2 message to this L2");

    private final String switchName;
    private final String description;

    Misbehaviour(String switchName, String description) {
        this.switchName = switchName;
        this.description = description;
    }

    /** The name used on the command line and the operator's admin endpoint. */
    public String switchName() {
        return switchName;
    }

    public String description() {
        return description;
    }

    public static Misbehaviour fromSwitch(String name) {
        return Arrays.stream(values()).filter(m -> m.switchName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown misbehaviour '" + name + "'; one of "
                        + switchNames()));
    }

    public static List<String> switchNames() {
        return Arrays.stream(values()).map(Misbehaviour::switchName).toList();
    }
}
