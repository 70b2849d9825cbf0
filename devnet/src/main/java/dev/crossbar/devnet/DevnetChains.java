package dev.crossbar.devnet;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The services' view of a devnet: one {@link ChainConfig} per chain of its manifest, each L2 settling through dispute
 * games or an output oracle as the devnet deployed it.
 */
public final class DevnetChains {
    private DevnetChains() {}

    /**
     * @param confirmations confirmations of every chain (0 on the devnet: anvil only reorgs when told to)
     * @param pollInterval head polling interval when no subscription delivers heads
     */
    public static List<ChainConfig> of(DevnetManifest m, Confirmations confirmations, Duration pollInterval) {
        List<ChainConfig> out = new ArrayList<>();
        List<Settlement> settlements = m.l2s().stream().map(DevnetChains::settlement).toList();
        out.add(new ChainConfig(m.l1().name(), m.l1().chainId(), ChainRole.L1, List.of(URI.create(m.l1().rpcUrl())),
                List.of(URI.create(m.l1().wsUrl())), confirmations, 0, pollInterval, 2000, settlements, null, null));
        for (DevnetManifest.Chain l2 : m.l2s()) {
            // OP's fault-proof L2s have no DepositExecutor; every devnet L2 has the interop predeploys (a manifest
            // written before them has no L2-to-L2 messenger entry, and no fast messages).
            boolean op = l2.faultProofs() != null;
            ChainConfig.L2Contracts contracts = new ChainConfig.L2Contracts(l2.contract("l2ToL1MessagePasser"),
                    l2.contract("l2CrossDomainMessenger"), l2.contracts().get("l2ToL2CrossDomainMessenger"),
                    op ? null : l2.contract("depositExecutor"));
            out.add(new ChainConfig(l2.name(), l2.chainId(), ChainRole.L2, List.of(URI.create(l2.rpcUrl())),
                    List.of(URI.create(l2.wsUrl())), confirmations, 0, pollInterval, 2000, List.of(), contracts,
                    m.l1().chainId()));
        }
        return out;
    }

    /** An L2's settlement: through dispute games when its manifest entry has a fault-proof section. */
    private static Settlement settlement(DevnetManifest.Chain l2) {
        DevnetManifest.FaultProofSettlement f = l2.faultProofs();
        if (f != null) {
            return Settlement.disputeGames(l2.chainId(), f.portal(), f.l1CrossDomainMessenger(),
                    f.disputeGameFactory(), f.anchorStateRegistry(), f.superchainConfig());
        }
        DevnetManifest.Settlement s = l2.settlement();
        return new Settlement(l2.chainId(), s.outputOracle(), s.portal(), s.l1Messenger());
    }
}
