package dev.crossbar.core.config;

import java.util.Set;

/**
 * The versions of OP's settlement contracts the relayer knows how to prove and finalize withdrawals against: the
 * services refuse to start on a {@link SettlementKind#DISPUTE_GAMES} settlement whose contracts report another
 * ({@code version()}). A version goes here once the relayer has been tested against it (on the devnet, which deploys
 * the contracts of npm {@code @eth-optimism/contracts-bedrock}).
 */
public final class KnownVersions {
    /** {@code OptimismPortal2}: 3.10.0 is OP Mainnet's fault-proof launch version, the one the devnet deploys. */
    public static final Set<String> OPTIMISM_PORTAL2 = Set.of("3.10.0");

    private KnownVersions() {}
}
