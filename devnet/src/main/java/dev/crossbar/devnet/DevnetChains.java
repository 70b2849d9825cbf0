package dev.crossbar.devnet;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The services' view of a devnet: one {@link ChainConfig} per chain of its manifest. */
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
            ChainConfig.L2Contracts contracts = new ChainConfig.L2Contracts(l2.contract("l2ToL1MessagePasser"),
                    l2.contract("l2CrossDomainMessenger"), l2.contracts().get("l2ToL2CrossDomainMessenger"),
                    l2.contracts().get("depositExecutor"));
            out.add(new ChainConfig(l2.name(), l2.chainId(), ChainRole.L2, List.of(URI.create(l2.rpcUrl())),
                    List.of(URI.create(l2.wsUrl())), confirmations, 0, pollInterval, 2000, List.of(), contracts,
                    m.l1().chainId()));
        }
        return out;
    }

    /** An L2's settlement: through its fault-proof contracts when the devnet deployed them, else its oracle. */
    private static Settlement settlement(DevnetManifest.Chain l2) {
        DevnetManifest.FaultProofSettlement fp = l2.faultProofs();
        if (fp != null) {
            return Settlement.disputeGames(l2.chainId(), fp.portal(), fp.l1CrossDomainMessenger(),
                    fp.disputeGameFactory(), fp.anchorStateRegistry(), fp.superchainConfig());
        }
        return new Settlement(l2.chainId(), l2.settlement().outputOracle(), l2.settlement().portal(),
                l2.settlement().l1Messenger());
    }
}
