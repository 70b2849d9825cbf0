package dev.crossbar.core.config;

/** How an L2 settles on its L1: what the relayer proves withdrawals against, and what the watcher follows. */
public enum SettlementKind {
    /**
     * OP's fault-proof system (every OP Stack chain of the Superchain today): {@code OptimismPortal2} with a
     * {@code DisputeGameFactory}; withdrawals are proven against dispute games.
     */
    DISPUTE_GAMES("disputeGames"),
    /** The Bedrock v1 output oracle: withdrawals are proven against output roots an oracle keeps. */
    OUTPUT_ORACLE("outputOracle");

    private final String configName;

    SettlementKind(String configName) {
        this.configName = configName;
    }

    /** The name of this kind in configuration files ({@code kind: disputeGames}). */
    public String configName() {
        return configName;
    }
}
