package dev.crossbar.core.config;

import java.util.Objects;

/**
 * An L2's contracts on its L1, as the L1's watcher and the relayer know them.
 *
 * @param l2ChainId the rollup these contracts settle
 * @param kind how the rollup settles: the fields of the other kind are null
 * @param portal the L2's portal: {@code OptimismPortal2} for {@link SettlementKind#DISPUTE_GAMES}, our Portal
 *     (OptimismPortal v1) for {@link SettlementKind#OUTPUT_ORACLE}
 * @param l1Messenger the L2's L1 cross-domain messenger
 * @param outputOracle output oracle only: the OutputOracle (L2OutputOracle)
 * @param disputeGameFactory dispute games only: the {@code DisputeGameFactory} that creates the L2's games
 * @param anchorStateRegistry dispute games only: the {@code AnchorStateRegistry} (the games' starting anchors)
 * @param superchainConfig dispute games only: the {@code SuperchainConfig} whose pause stops the portal
 */
public record Settlement(long l2ChainId, SettlementKind kind, String portal, String l1Messenger, String outputOracle,
        String disputeGameFactory, String anchorStateRegistry, String superchainConfig) {

    public Settlement {
        Objects.requireNonNull(kind, "kind");
        if (kind == SettlementKind.OUTPUT_ORACLE && outputOracle == null) {
            throw new IllegalArgumentException("L2 " + l2ChainId + ": an output-oracle settlement needs its oracle");
        }
        if (kind == SettlementKind.DISPUTE_GAMES && disputeGameFactory == null) {
            throw new IllegalArgumentException("L2 " + l2ChainId
                    + ": a dispute-game settlement needs its DisputeGameFactory");
        }
    }

    /** An L2 that settles through an output oracle. */
    public Settlement(long l2ChainId, String outputOracle, String portal, String l1Messenger) {
        this(l2ChainId, SettlementKind.OUTPUT_ORACLE, portal, l1Messenger, outputOracle, null, null, null);
    }

    /** An L2 that settles through OP's dispute games. */
    public static Settlement disputeGames(long l2ChainId, String portal, String l1Messenger, String disputeGameFactory,
            String anchorStateRegistry, String superchainConfig) {
        return new Settlement(l2ChainId, SettlementKind.DISPUTE_GAMES, portal, l1Messenger, null, disputeGameFactory,
                anchorStateRegistry, superchainConfig);
    }

    public boolean disputeGames() {
        return kind == SettlementKind.DISPUTE_GAMES;
    }
}
