package dev.crossbar.devnet.operator;

import dev.crossbar.devnet.SettlementKind;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The ways the devnet operator can be told to misbehave, each something a real rollup operator (or its guardian, or
 * an attacker) could do and the monitor must catch. Each applies to the settlement kinds it names.
 */
public enum Misbehaviour {
    /** The proposer's next output root is wrong (its state root is replaced by garbage). */
    WRONG_OUTPUT("wrong-output", "propose a wrong output root next", Value.NONE, SettlementKind.OUTPUT_ORACLE),
    /** The sequencer does not execute a given deposit (and so none after it: deposits execute in order). */
    CENSOR_DEPOSIT("censor-deposit", "do not execute a deposit (the next one, or the one given: its deposit nonce;"
            + " on fault proofs, its index in the portal's deposits, forced in after the sequencing window)",
            Value.OPTIONAL, SettlementKind.OUTPUT_ORACLE,
            SettlementKind.FAULT_PROOFS),
    /** The proposer stops proposing output roots. */
    STOP_PROPOSING("stop-proposing", "stop proposing output roots", Value.NONE, SettlementKind.OUTPUT_ORACLE,
            SettlementKind.FAULT_PROOFS),
    /**
     * The operator relays an L2-to-L2 message that was never sent on its source chain, and its block builder lets it
     * past its interop check (an honest one takes such a block off the chain).
     */
    FORGE_RELAY("forge-relay", "relay a forged L2-to-L2 message to this L2 (let past the interop block check)",
            Value.NONE,
            SettlementKind.OUTPUT_ORACLE),
    /** The proposer's next dispute game claims a wrong output root (its state root is replaced by garbage). */
    WRONG_ROOT("wrong-root", "create the next dispute game with a wrong root claim", Value.NONE,
            SettlementKind.FAULT_PROOFS),
    /** The guardian blacklists a dispute game in the portal: no withdrawal finalizes against it. */
    BLACKLIST_GAME("blacklist-game", "blacklist the dispute game with the given factory index (guardian)",
            Value.REQUIRED, SettlementKind.FAULT_PROOFS),
    /** The guardian changes the game type the portal accepts: every earlier game becomes unusable. */
    SET_RESPECTED_TYPE("set-respected-type", "make the portal respect the given game type, 255 or 1 (guardian)",
            Value.REQUIRED, SettlementKind.FAULT_PROOFS),
    /** The guardian pauses the SuperchainConfig: withdrawals, L1 relays and bond claims stop on every L2. */
    PAUSE("pause", "pause the SuperchainConfig shared by every L2 (guardian)", Value.NONE,
            SettlementKind.FAULT_PROOFS),
    /** The guardian unpauses the SuperchainConfig. */
    UNPAUSE("unpause", "unpause the SuperchainConfig (guardian)", Value.NONE, SettlementKind.FAULT_PROOFS),
    /** An attacker counters the root of the latest game in progress whose root is true, with a false claim. */
    ATTACK_VALID("attack-valid", "attack the true root of the latest game in progress with a false claim",
            Value.NONE, SettlementKind.FAULT_PROOFS);

    /** Whether a switch takes a number (a deposit nonce, a game index, a game type). */
    public enum Value { NONE, OPTIONAL, REQUIRED }

    private final String switchName;
    private final String description;
    private final Value value;
    private final Set<SettlementKind> appliesTo;

    Misbehaviour(String switchName, String description, Value value, SettlementKind first, SettlementKind... more) {
        this.switchName = switchName;
        this.description = description;
        this.value = value;
        this.appliesTo = EnumSet.of(first, more);
    }

    /** The name used on the command line and the operator's admin endpoint. */
    public String switchName() {
        return switchName;
    }

    public String description() {
        return description;
    }

    public Value value() {
        return value;
    }

    public boolean appliesTo(SettlementKind kind) {
        return appliesTo.contains(kind);
    }

    /**
     * Checks that this switch applies to an L2 settling as {@code kind} and that {@code argument} is given exactly
     * when the switch takes one.
     *
     * @throws IllegalArgumentException naming the switch and what does not fit
     */
    public void check(SettlementKind kind, Object argument) {
        if (!appliesTo(kind)) {
            throw new IllegalArgumentException("'" + switchName + "' does not apply to a devnet settling through "
                    + kind.cliName() + "; its switches: " + switchNames(kind));
        }
        if (value == Value.REQUIRED && argument == null) {
            throw new IllegalArgumentException("'" + switchName + "' needs a value: " + description);
        }
        if (value == Value.NONE && argument != null) {
            throw new IllegalArgumentException("'" + switchName + "' takes no value, got " + argument);
        }
    }

    public static Misbehaviour fromSwitch(String name) {
        return Arrays.stream(values()).filter(m -> m.switchName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown misbehaviour '" + name + "'; one of "
                        + switchNames()));
    }

    public static List<String> switchNames() {
        return Arrays.stream(values()).map(Misbehaviour::switchName).toList();
    }

    /** The switches that apply to an L2 settling as {@code kind}. */
    public static List<String> switchNames(SettlementKind kind) {
        return Arrays.stream(values()).filter(m -> m.appliesTo(kind)).map(Misbehaviour::switchName).toList();
    }
}
