package dev.crossbar.devnet.faultproof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.contracts.op.AnchorStateRegistry;
import dev.crossbar.contracts.op.DelayedWETH;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.L1CrossDomainMessenger;
import dev.crossbar.contracts.op.L2CrossDomainMessenger;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.contracts.op.PermissionedDisputeGame;
import dev.crossbar.contracts.op.ProxyAdmin;
import dev.crossbar.contracts.op.SuperchainConfig;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.faultproof.FaultProofDeployment.Placed;
import dev.crossbar.devnet.faultproof.FaultProofDeployment.Proxied;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.tuples.generated.Tuple2;
import org.web3j.utils.Numeric;

/**
 * OP's fault-proof contracts as {@link FaultProofDeployer} leaves them on a fresh L1 and an OP-mode L2: the code at
 * every address is the npm package's, and they are wired and set as the devnet needs.
 */
class FaultProofDeploymentTest extends FaultProofTestBase {

    @Test
    void everyContractHasTheRuntimeCodeOpShipsImmutablesAside() throws Exception {
        List<Placed> placed = deployment.contracts();
        // Shared: ProxyAdmin, SuperchainConfig proxy and impl, PreimageOracle, AlphabetVM; for the L2: 7 proxies
        // and their impls, 2 games; on the L2: 3 predeploy proxies and their impls.
        assertThat(placed).hasSize(5 + 16 + 6)
                .extracting(Placed::address).doesNotHaveDuplicates();
        for (Placed p : placed) {
            DevChain chain = p.chainId() == L1_CHAIN_ID ? l1 : l2;
            byte[] code = Numeric.hexStringToByteArray(chain.web3j()
                    .ethGetCode(p.address(), DefaultBlockParameterName.LATEST).send().getCode());
            OpArtifact artifact = OpArtifact.of(p.contract());
            assertThat(code).as("code of %s (%s) at %s", p.role(), p.contract(), p.address())
                    .hasSize(artifact.runtime().length);
            assertThat(artifact.matches(code)).as("%s at %s is %s as %s ships it", p.role(), p.address(),
                    p.contract(), artifact.source()).isTrue();
        }
        // The masking hides only the immutables: the games' do differ from the artifact's zeros.
        byte[] fdg = Numeric.hexStringToByteArray(l1.web3j().ethGetCode(contracts().faultDisputeGame(),
                DefaultBlockParameterName.LATEST).send().getCode());
        assertThat(fdg).isNotEqualTo(OpArtifact.of("FaultDisputeGame").runtime());
    }

    @Test
    void everyProxyIsAdministeredByTheProxyAdminAndPointsAtItsImplementation() throws Exception {
        ProxyAdmin admin = ProxyAdmin.load(deployment.shared().proxyAdmin(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(admin.owner().send()).isEqualToIgnoringCase(DevKeys.DEPLOYER.address());
        FaultProofDeployment.L2 c = contracts();
        for (Proxied p : List.of(deployment.shared().superchainConfig(), c.portal(), c.systemConfig(),
                c.l1CrossDomainMessenger(), c.l1StandardBridge(), c.disputeGameFactory(), c.anchorStateRegistry(),
                c.delayedWeth())) {
            assertThat(admin.getProxyAdmin(p.proxy()).send()).isEqualToIgnoringCase(admin.getContractAddress());
            assertThat(admin.getProxyImplementation(p.proxy()).send()).isEqualToIgnoringCase(p.implementation());
        }
    }

    @Test
    void thePortalAcceptsTheAlphabetGameWithTheDevnetDelaysAndTheGuardianKey() throws Exception {
        OptimismPortal2 portal = OptimismPortal2.load(contracts().portal().proxy(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(portal.version().send()).isEqualTo("3.10.0");
        assertThat(portal.respectedGameType().send()).isEqualTo(BigInteger.valueOf(FaultProofParams.ALPHABET));
        assertThat(contracts().respectedGameType()).isEqualTo(FaultProofParams.ALPHABET);
        assertThat(portal.proofMaturityDelaySeconds().send()).isEqualTo(
                BigInteger.valueOf(PARAMS.proofMaturityDelay().toSeconds()));
        assertThat(portal.disputeGameFinalityDelaySeconds().send()).isEqualTo(BigInteger.valueOf(15));
        assertThat(portal.disputeGameFactory().send()).isEqualToIgnoringCase(contracts().disputeGameFactory().proxy());
        assertThat(portal.paused().send()).isFalse();

        SuperchainConfig config = SuperchainConfig.load(deployment.shared().superchainConfig().proxy(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(config.guardian().send()).isEqualToIgnoringCase(DevKeys.GUARDIAN.address());
        assertThat(portal.guardian().send()).isEqualToIgnoringCase(DevKeys.GUARDIAN.address());

        DelayedWETH weth = DelayedWETH.load(contracts().delayedWeth().proxy(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(weth.delay().send()).isEqualTo(BigInteger.valueOf(30));
    }

    @Test
    void theFactoryCreatesBothGameTypesForTheInitBond() throws Exception {
        DisputeGameFactory factory = DisputeGameFactory.load(contracts().disputeGameFactory().proxy(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(factory.owner().send()).isEqualToIgnoringCase(DevKeys.DEPLOYER.address());
        BigInteger alphabet = BigInteger.valueOf(FaultProofParams.ALPHABET);
        BigInteger permissioned = BigInteger.valueOf(FaultProofParams.PERMISSIONED);
        assertThat(factory.gameImpls(alphabet).send()).isEqualToIgnoringCase(contracts().faultDisputeGame());
        assertThat(factory.gameImpls(permissioned).send()).isEqualToIgnoringCase(contracts().permissionedDisputeGame());
        assertThat(factory.initBonds(alphabet).send()).isEqualTo(new BigInteger("80000000000000000"));
        assertThat(factory.initBonds(permissioned).send()).isEqualTo(new BigInteger("80000000000000000"));

        FaultDisputeGame fdg = FaultDisputeGame.load(contracts().faultDisputeGame(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(fdg.gameType().send()).isEqualTo(alphabet);
        assertThat(fdg.maxGameDepth().send()).isEqualTo(BigInteger.TEN);
        assertThat(fdg.splitDepth().send()).isEqualTo(BigInteger.valueOf(6));
        assertThat(fdg.maxClockDuration().send()).isEqualTo(BigInteger.valueOf(60));
        assertThat(fdg.clockExtension().send()).isEqualTo(BigInteger.TEN);
        assertThat(fdg.l2ChainId().send()).isEqualTo(BigInteger.valueOf(L2_CHAIN_ID));
        assertThat(fdg.vm().send()).isEqualToIgnoringCase(deployment.shared().alphabetVm());
        assertThat(fdg.weth().send()).isEqualToIgnoringCase(contracts().delayedWeth().proxy());
        assertThat(fdg.anchorStateRegistry().send()).isEqualToIgnoringCase(contracts().anchorStateRegistry().proxy());
        assertThat(Numeric.toHexString(fdg.absolutePrestate().send())).isEqualTo(FaultProofParams.ALPHABET_PRESTATE);

        PermissionedDisputeGame pdg = PermissionedDisputeGame.load(contracts().permissionedDisputeGame(),
                l1.web3j(), l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(pdg.gameType().send()).isEqualTo(permissioned);
        assertThat(pdg.proposer().send()).isEqualToIgnoringCase(DevKeys.PROPOSER.address());
        assertThat(pdg.challenger().send()).isEqualToIgnoringCase(DevKeys.CHALLENGER.address());
        assertThat(pdg.l2ChainId().send()).isEqualTo(BigInteger.valueOf(L2_CHAIN_ID));
    }

    @Test
    void everyGameTypeIsAnchoredAtTheOutputRootOfL2BlockZero() throws Exception {
        assertThat(l2.web3j().ethGetCode(Predeploys.L2_TO_L1_MESSAGE_PASSER,
                DefaultBlockParameter.valueOf(BigInteger.ZERO)).send().getCode())
                .as("the predeploys are part of block 0, as in OP's genesis").isNotEqualTo("0x");
        // Computed here from the raw answers of the L2 node, not with the deployer's helper.
        EthBlock.Block genesis = l2.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.ZERO), false)
                .send().getBlock();
        String storageRoot = l2.web3j().ethGetProof(Predeploys.L2_TO_L1_MESSAGE_PASSER, List.of(), "0x0").send()
                .getProof().getStorageHash();
        byte[] expected = Hashes.outputRoot(Numeric.hexStringToByteArray(genesis.getStateRoot()),
                Numeric.hexStringToByteArray(storageRoot), Numeric.hexStringToByteArray(genesis.getHash()));

        AnchorStateRegistry registry = AnchorStateRegistry.load(contracts().anchorStateRegistry().proxy(), l1.web3j(),
                l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        for (int type : List.of(FaultProofParams.ALPHABET, FaultProofParams.PERMISSIONED)) {
            Tuple2<byte[], BigInteger> anchor = registry.anchors(BigInteger.valueOf(type)).send();
            assertThat(anchor.component1()).as("anchor root of game type %s", type).isEqualTo(expected);
            assertThat(anchor.component2()).as("anchor block of game type %s", type).isZero();
        }
        assertThat(contracts().anchorRoot()).isEqualTo(Numeric.toHexString(expected));
        assertThat(registry.anchors(BigInteger.ZERO).send().component1()).as("no anchor for a type not deployed")
                .isEqualTo(new byte[32]);
    }

    @Test
    void theMessengersAreEachOthersOtherMessenger() throws Exception {
        L1CrossDomainMessenger l1Messenger = L1CrossDomainMessenger.load(contracts().l1CrossDomainMessenger().proxy(),
                l1.web3j(), l1.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(l1Messenger.OTHER_MESSENGER().send()).isEqualToIgnoringCase(Predeploys.L2_CROSS_DOMAIN_MESSENGER);
        assertThat(l1Messenger.PORTAL().send()).isEqualToIgnoringCase(contracts().portal().proxy());
        assertThat(l1Messenger.version().send()).isEqualTo("2.4.0");

        L2CrossDomainMessenger l2Messenger = L2CrossDomainMessenger.load(Predeploys.L2_CROSS_DOMAIN_MESSENGER,
                l2.web3j(), l2.txManager(DevKeys.USER.credentials()), DevChain.GAS);
        assertThat(l2Messenger.OTHER_MESSENGER().send())
                .isEqualToIgnoringCase(contracts().l1CrossDomainMessenger().proxy());
        assertThat(l2Messenger.version().send()).isEqualTo("2.1.0");
    }

    @Test
    void thePredeploysHaveNoImmutablesAndSitBehindProxiesAtOpsAddresses() {
        Set<String> addresses = OpPredeploys.INSTALLED.stream().map(OpPredeploys.Predeploy::address)
                .collect(Collectors.toSet());
        assertThat(addresses).containsExactlyInAnyOrder(Predeploys.L2_CROSS_DOMAIN_MESSENGER,
                Predeploys.L2_TO_L1_MESSAGE_PASSER, Predeploys.L1_BLOCK);
        assertThat(OpPredeploys.INSTALLED).extracting(OpPredeploys.Predeploy::implementation)
                .contains("0xc0d3c0d3c0d3c0d3c0d3c0d3c0d3c0d3c0d30007");
        for (OpPredeploys.Predeploy d : OpPredeploys.INSTALLED) {
            assertThat(OpArtifact.of(d.contract()).immutables()).as(d.contract()).isEmpty();
        }
        assertThatThrownBy(() -> OpArtifact.of("NoSuchContract")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NoSuchContract");
    }
}
