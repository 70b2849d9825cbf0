package dev.crossbar.devnet.faultproof;

import dev.crossbar.contracts.op.AlphabetVM;
import dev.crossbar.contracts.op.AnchorStateRegistry;
import dev.crossbar.contracts.op.DelayedWETH;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.L1CrossDomainMessenger;
import dev.crossbar.contracts.op.L1StandardBridge;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.contracts.op.PermissionedDisputeGame;
import dev.crossbar.contracts.op.PreimageOracle;
import dev.crossbar.contracts.op.Proxy;
import dev.crossbar.contracts.op.ProxyAdmin;
import dev.crossbar.contracts.op.SuperchainConfig;
import dev.crossbar.contracts.op.SystemConfig;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.faultproof.FaultProofDeployment.Proxied;
import dev.crossbar.devnet.operator.Proposer;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * Deploys OP's fault-proof contracts, unmodified (the creation code {@code @eth-optimism/contracts-bedrock} 0.17.3
 * ships), on a devnet L1 for a list of L2s, and installs the L2 predeploys the bridge needs on each L2
 * ({@link OpPredeploys}).
 *
 * <p>The order and arguments are those of OP's {@code scripts/Deploy.s.sol} at that release, with two devnet
 * simplifications: the deployer key owns the ProxyAdmin and calls {@code upgradeAndCall} itself (OP goes through a
 * Safe), and every proxy is a plain ERC-1967 {@code Proxy} (OP keeps legacy proxy types for the L1 messenger and
 * bridge; their storage starts with spacers, so nothing depends on the proxy type). Each implementation locks itself
 * in its constructor, so proxies are initialized through {@code upgradeAndCall}.
 *
 * <p>Shared by all L2s: ProxyAdmin, SuperchainConfig (guardian: {@link DevKeys#GUARDIAN}), PreimageOracle and the
 * AlphabetVM. Per L2 (the game implementations' immutables name its chain id, DelayedWETH and registry): portal,
 * SystemConfig, L1 messenger and bridge, DisputeGameFactory, AnchorStateRegistry, DelayedWETH, and the game
 * implementations of type 255 (FaultDisputeGame) and 1 (PermissionedDisputeGame, proposer {@link DevKeys#PROPOSER},
 * challenger {@link DevKeys#CHALLENGER}), each with the init bond the proposer pays. Every game type starts from the
 * real output root of L2 block 0.
 */
public final class FaultProofDeployer {
    private static final Logger log = LoggerFactory.getLogger(FaultProofDeployer.class);
    /** SystemConfig's {@code gasPayingToken} for ether ({@code Constants.ETHER}), as OP's deploy script passes it. */
    private static final String ETHER = "0xEeeeeEeeeEeEeeEeEeEeeEEEeeeeEeeeeeeeEEeE";
    /** OP's devnet SystemConfig values (deploy-config/devnetL1-template.json). */
    private static final BigInteger BASEFEE_SCALAR = BigInteger.valueOf(1368);
    private static final BigInteger BLOBBASEFEE_SCALAR = BigInteger.valueOf(810_949);
    private static final BigInteger L2_GAS_LIMIT = BigInteger.valueOf(30_000_000);
    /** {@code Constants.DEFAULT_RESOURCE_CONFIG()}: what deposits are metered with. */
    private static final SystemConfig.ResourceConfig RESOURCE_CONFIG = new SystemConfig.ResourceConfig(
            BigInteger.valueOf(20_000_000), BigInteger.TEN, BigInteger.valueOf(8), BigInteger.valueOf(1_000_000_000),
            BigInteger.valueOf(1_000_000), BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
    private static final String ZERO = Address.DEFAULT.getValue();

    private final DevChain l1;
    private final FaultProofParams params;
    private final TransactionManager deployer;

    private FaultProofDeployer(DevChain l1, FaultProofParams params) {
        this.l1 = l1;
        this.params = params;
        this.deployer = l1.txManager(DevKeys.DEPLOYER.credentials());
    }

    /**
     * Deploys the shared contracts and one set per L2 on {@code l1}, and installs the predeploys on each L2. The L2s
     * must be fresh: the predeploys go into their block 0 ({@link OpPredeploys#install}), whose output root becomes
     * every game's anchor. They need not be OP-mode nodes for this, only to take deposits.
     */
    public static FaultProofDeployment deploy(DevChain l1, List<DevChain> l2s, FaultProofParams params)
            throws Exception {
        FaultProofDeployer d = new FaultProofDeployer(l1, params);
        long started = System.nanoTime();
        FaultProofDeployment.Shared shared = d.deployShared();
        List<FaultProofDeployment.L2> out = new ArrayList<>();
        for (DevChain l2 : l2s) {
            OpPredeploys.install(l2);
            FaultProofDeployment.L2 deployed = d.deployFor(l2, shared);
            OpPredeploys.initialize(l2, deployed.l1CrossDomainMessenger().proxy());
            out.add(deployed);
        }
        log.info("fault-proof contracts deployed l1={} l2s={} ms={}", l1.name(), l2s.stream().map(DevChain::name)
                .toList(), (System.nanoTime() - started) / 1_000_000);
        return new FaultProofDeployment(l1.chainId(), shared, out);
    }

    private FaultProofDeployment.Shared deployShared() throws Exception {
        String owner = DevKeys.DEPLOYER.address();
        ProxyAdmin admin = ProxyAdmin.deploy(l1.web3j(), deployer, DevChain.GAS, owner).send();
        String scProxy = proxy(admin);
        String scImpl = SuperchainConfig.deploy(l1.web3j(), deployer, DevChain.GAS).send().getContractAddress();
        upgradeAndCall(admin, scProxy, scImpl, SuperchainConfig.load(scProxy, l1.web3j(), deployer, DevChain.GAS)
                .initialize(DevKeys.GUARDIAN.address(), false));
        String oracle = PreimageOracle.deploy(l1.web3j(), deployer, DevChain.GAS,
                BigInteger.valueOf(params.minProposalSize()), seconds(params.challengePeriod()))
                .send().getContractAddress();
        String vm = AlphabetVM.deploy(l1.web3j(), deployer, DevChain.GAS,
                Numeric.hexStringToByteArray(FaultProofParams.ALPHABET_PRESTATE), oracle).send().getContractAddress();
        return new FaultProofDeployment.Shared(admin.getContractAddress(), new Proxied(scProxy, scImpl), oracle, vm);
    }

    private FaultProofDeployment.L2 deployFor(DevChain l2, FaultProofDeployment.Shared shared) throws Exception {
        // Every game type's anchor: the output root of L2 block 0 (predeploys included), from the L2 node.
        byte[] anchorRoot = Proposer.computeOutput(l2, 0).outputRoot();
        ProxyAdmin admin = ProxyAdmin.load(shared.proxyAdmin(), l1.web3j(), deployer, DevChain.GAS);
        String owner = DevKeys.DEPLOYER.address();
        String superchainConfig = shared.superchainConfig().proxy();
        int respected = params.respectedGameType(l2.chainId());

        String portal = proxy(admin);
        String systemConfig = proxy(admin);
        String messenger = proxy(admin);
        String bridge = proxy(admin);
        String factory = proxy(admin);
        String weth = proxy(admin);
        String registry = proxy(admin);

        String portalImpl = OptimismPortal2.deploy(l1.web3j(), deployer, DevChain.GAS,
                seconds(params.proofMaturityDelay()), seconds(params.disputeGameFinalityDelay()))
                .send().getContractAddress();
        String systemConfigImpl = SystemConfig.deploy(l1.web3j(), deployer, DevChain.GAS).send().getContractAddress();
        String messengerImpl = L1CrossDomainMessenger.deploy(l1.web3j(), deployer, DevChain.GAS).send()
                .getContractAddress();
        String bridgeImpl = L1StandardBridge.deploy(l1.web3j(), deployer, DevChain.GAS).send().getContractAddress();
        String factoryImpl = DisputeGameFactory.deploy(l1.web3j(), deployer, DevChain.GAS).send().getContractAddress();
        String wethImpl = DelayedWETH.deploy(l1.web3j(), deployer, DevChain.GAS, seconds(params.delayedWethDelay()))
                .send().getContractAddress();
        String registryImpl = AnchorStateRegistry.deploy(l1.web3j(), deployer, DevChain.GAS, factory).send()
                .getContractAddress();

        // Initializers, in Deploy.s.sol's initializeImplementations() order.
        upgradeAndCall(admin, portal, portalImpl, OptimismPortal2.load(portal, l1.web3j(), deployer, DevChain.GAS)
                .initialize(factory, systemConfig, superchainConfig, BigInteger.valueOf(respected)));
        upgradeAndCall(admin, systemConfig, systemConfigImpl, SystemConfig.load(systemConfig, l1.web3j(), deployer,
                DevChain.GAS).initialize(owner, BASEFEE_SCALAR, BLOBBASEFEE_SCALAR,
                Numeric.toBytesPadded(Numeric.toBigInt(DevKeys.SEQUENCER.address()), 32), L2_GAS_LIMIT,
                DevKeys.SEQUENCER.address(), RESOURCE_CONFIG, batchInbox(l2.chainId()),
                new SystemConfig.Addresses(messenger, ZERO, bridge, factory, portal, ZERO, ETHER)));
        upgradeAndCall(admin, bridge, bridgeImpl, L1StandardBridge.load(bridge, l1.web3j(), deployer, DevChain.GAS)
                .initialize(messenger, superchainConfig, systemConfig));
        upgradeAndCall(admin, messenger, messengerImpl, L1CrossDomainMessenger.load(messenger, l1.web3j(), deployer,
                DevChain.GAS).initialize(superchainConfig, portal, systemConfig));
        upgradeAndCall(admin, factory, factoryImpl, DisputeGameFactory.load(factory, l1.web3j(), deployer,
                DevChain.GAS).initialize(owner));
        upgradeAndCall(admin, weth, wethImpl, DelayedWETH.load(weth, l1.web3j(), deployer, DevChain.GAS)
                .initialize(owner, superchainConfig));
        List<AnchorStateRegistry.StartingAnchorRoot> anchors = new ArrayList<>();
        for (int type : List.of(FaultProofParams.ALPHABET, FaultProofParams.PERMISSIONED)) {
            anchors.add(new AnchorStateRegistry.StartingAnchorRoot(BigInteger.valueOf(type),
                    new AnchorStateRegistry.OutputRoot(anchorRoot, BigInteger.ZERO)));
        }
        upgradeAndCall(admin, registry, registryImpl, AnchorStateRegistry.load(registry, l1.web3j(), deployer,
                DevChain.GAS).initialize(anchors));

        // The game implementations: deployed directly (the factory clones them), registered, bonded.
        byte[] prestate = Numeric.hexStringToByteArray(FaultProofParams.ALPHABET_PRESTATE);
        String fdg = FaultDisputeGame.deploy(l1.web3j(), deployer, DevChain.GAS,
                BigInteger.valueOf(FaultProofParams.ALPHABET), prestate, BigInteger.valueOf(params.maxGameDepth()),
                BigInteger.valueOf(params.splitDepth()), seconds(params.clockExtension()),
                seconds(params.maxClockDuration()), shared.alphabetVm(), weth, registry,
                BigInteger.valueOf(l2.chainId())).send().getContractAddress();
        String pdg = PermissionedDisputeGame.deploy(l1.web3j(), deployer, DevChain.GAS,
                BigInteger.valueOf(FaultProofParams.PERMISSIONED), prestate, BigInteger.valueOf(params.maxGameDepth()),
                BigInteger.valueOf(params.splitDepth()), seconds(params.clockExtension()),
                seconds(params.maxClockDuration()), shared.alphabetVm(), weth, registry,
                BigInteger.valueOf(l2.chainId()), DevKeys.PROPOSER.address(), DevKeys.CHALLENGER.address())
                .send().getContractAddress();
        DisputeGameFactory games = DisputeGameFactory.load(factory, l1.web3j(), deployer, DevChain.GAS);
        register(games, FaultProofParams.ALPHABET, fdg);
        register(games, FaultProofParams.PERMISSIONED, pdg);

        FaultProofDeployment.L2 out = new FaultProofDeployment.L2(l2.chainId(), respected,
                new Proxied(portal, portalImpl), new Proxied(systemConfig, systemConfigImpl),
                new Proxied(messenger, messengerImpl), new Proxied(bridge, bridgeImpl),
                new Proxied(factory, factoryImpl), new Proxied(registry, registryImpl), new Proxied(weth, wethImpl),
                fdg, pdg, Numeric.toHexString(anchorRoot));
        log.info("fault-proof contracts deployed for l2={} chainId={} portal={} disputeGameFactory={}"
                + " respectedGameType={} anchorRoot={}", l2.name(), l2.chainId(), portal, factory, respected,
                out.anchorRoot());
        return out;
    }

    /** Makes {@code impl} the factory's game of {@code gameType}, created for the init bond. */
    private void register(DisputeGameFactory games, int gameType, String impl) throws Exception {
        games.setImplementation(BigInteger.valueOf(gameType), impl).send();
        games.setInitBond(BigInteger.valueOf(gameType), params.initBond()).send();
    }

    /** A new ERC-1967 proxy administered by {@code admin}, with no implementation yet. */
    private String proxy(ProxyAdmin admin) throws Exception {
        return Proxy.deploy(l1.web3j(), deployer, DevChain.GAS, admin.getContractAddress()).send()
                .getContractAddress();
    }

    /** Points {@code proxy} at {@code impl} and runs {@code initializer} (built on a binding at the proxy) there. */
    private static TransactionReceipt upgradeAndCall(ProxyAdmin admin, String proxy, String impl,
            RemoteFunctionCall<TransactionReceipt> initializer) throws Exception {
        return admin.upgradeAndCall(proxy, impl, Numeric.hexStringToByteArray(initializer.encodeFunctionCall()),
                BigInteger.ZERO).send();
    }

    /** Where batches would go (no batcher runs on the devnet), by OP's convention {@code 0xff00…00<chain id>}. */
    private static String batchInbox(long l2ChainId) {
        String id = Long.toString(l2ChainId);
        return "0xff" + "0".repeat(38 - id.length()) + id;
    }

    private static BigInteger seconds(Duration d) {
        return BigInteger.valueOf(d.toSeconds());
    }
}
