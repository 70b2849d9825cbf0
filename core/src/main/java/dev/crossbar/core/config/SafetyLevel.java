package dev.crossbar.core.config;

import java.util.Locale;

/**
 * How safe a source block must be before a message from it is executed on another chain, as OP Stack interop names the
 * levels (specs/interop/verification.md): {@code unsafe} (the sequencer's block), {@code cross-unsafe} (its executing
 * messages are checked against their sources), {@code safe} (derived from L1 data), {@code finalized} (derived from
 * finalized L1 data). A relayer maps each level to a depth it can read ({@link Confirmations}): a block count, or the
 * node's {@code safe}/{@code finalized} block tag.
 */
public enum SafetyLevel {
    UNSAFE,
    CROSS_UNSAFE,
    SAFE,
    FINALIZED;

    /** The level's name in configuration and logs: {@code unsafe}, {@code cross-unsafe}, {@code safe}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return configName();
    }
}
