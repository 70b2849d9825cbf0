package dev.crossbar.devnet.faultproof;

import java.util.ArrayList;
import java.util.List;

/**
 * Where {@link FaultProofDeployer} put OP's fault-proof contracts: the ones every L2 shares, and one set per L2.
 *
 * @param l1ChainId the L1 they are on
 * @param shared the contracts all L2s share
 * @param l2s one entry per L2, in the order the L2s were given
 */
public record FaultProofDeployment(long l1ChainId, Shared shared, List<L2> l2s) {

    public FaultProofDeployment {
        l2s = List.copyOf(l2s);
    }

    /** An ERC-1967 {@code Proxy} (admin: the shared ProxyAdmin) and the implementation behind it. */
    public record Proxied(String proxy, String implementation) {}

    /**
     * The contracts all L2s share.
     *
     * @param proxyAdmin admin of every L1 proxy, owned by the deployer key
     * @param superchainConfig the pause switch and the guardian's address
     * @param preimageOracle the oracle the AlphabetVM is built on
     * @param alphabetVm the VM of both game types (OP's test VM: 16 instructions per L2 block)
     */
    public record Shared(String proxyAdmin, Proxied superchainConfig, String preimageOracle, String alphabetVm) {}

    /**
     * One L2's contracts on the L1, and its anchor.
     *
     * @param chainId the L2's chain id
     * @param respectedGameType the game type its portal accepts proofs against
     * @param portal OptimismPortal2
     * @param faultDisputeGame the FaultDisputeGame implementation the factory clones for game type 255
     * @param permissionedDisputeGame the PermissionedDisputeGame implementation for game type 1
     * @param anchorRoot the starting anchor of every game type: the output root of L2 block 0, as a hex string
     */
    public record L2(long chainId, int respectedGameType, Proxied portal, Proxied systemConfig,
            Proxied l1CrossDomainMessenger, Proxied l1StandardBridge, Proxied disputeGameFactory,
            Proxied anchorStateRegistry, Proxied delayedWeth, String faultDisputeGame,
            String permissionedDisputeGame, String anchorRoot) {}

    /**
     * One contract placed on a chain: by a transaction on the L1, or installed as a predeploy on an L2.
     *
     * @param chainId the chain it is on
     * @param role what it is for, e.g. {@code "l2-901.portal"} or {@code "l2-901.portal.impl"}
     * @param contract the OP contract whose runtime code it has ({@link OpArtifact#of})
     */
    public record Placed(long chainId, String role, String contract, String address) {}

    /** Every contract this deployment placed, on the L1 and, as predeploys, on the L2s. */
    public List<Placed> contracts() {
        List<Placed> out = new ArrayList<>();
        out.add(new Placed(l1ChainId, "proxyAdmin", "ProxyAdmin", shared.proxyAdmin()));
        proxied(out, l1ChainId, "superchainConfig", "SuperchainConfig", shared.superchainConfig());
        out.add(new Placed(l1ChainId, "preimageOracle", "PreimageOracle", shared.preimageOracle()));
        out.add(new Placed(l1ChainId, "alphabetVm", "AlphabetVM", shared.alphabetVm()));
        for (L2 l2 : l2s) {
            String p = "l2-" + l2.chainId() + ".";
            proxied(out, l1ChainId, p + "portal", "OptimismPortal2", l2.portal());
            proxied(out, l1ChainId, p + "systemConfig", "SystemConfig", l2.systemConfig());
            proxied(out, l1ChainId, p + "l1CrossDomainMessenger", "L1CrossDomainMessenger",
                    l2.l1CrossDomainMessenger());
            proxied(out, l1ChainId, p + "l1StandardBridge", "L1StandardBridge", l2.l1StandardBridge());
            proxied(out, l1ChainId, p + "disputeGameFactory", "DisputeGameFactory", l2.disputeGameFactory());
            proxied(out, l1ChainId, p + "anchorStateRegistry", "AnchorStateRegistry", l2.anchorStateRegistry());
            proxied(out, l1ChainId, p + "delayedWeth", "DelayedWETH", l2.delayedWeth());
            out.add(new Placed(l1ChainId, p + "faultDisputeGame", "FaultDisputeGame", l2.faultDisputeGame()));
            out.add(new Placed(l1ChainId, p + "permissionedDisputeGame", "PermissionedDisputeGame",
                    l2.permissionedDisputeGame()));
            for (OpPredeploys.Predeploy d : OpPredeploys.INSTALLED) {
                proxied(out, l2.chainId(), p + "predeploy." + d.contract(), d.contract(),
                        new Proxied(d.address(), d.implementation()));
            }
        }
        return out;
    }

    /** The entry of the L2 with {@code chainId}. */
    public L2 l2(long chainId) {
        return l2s.stream().filter(l -> l.chainId() == chainId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fault-proof deployment for L2 " + chainId
                        + "; deployed for " + l2s.stream().map(L2::chainId).toList()));
    }

    private static void proxied(List<Placed> out, long chainId, String role, String contract, Proxied p) {
        out.add(new Placed(chainId, role, "Proxy", p.proxy()));
        out.add(new Placed(chainId, role + ".impl", contract, p.implementation()));
    }
}
