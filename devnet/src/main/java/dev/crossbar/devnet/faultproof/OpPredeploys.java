package dev.crossbar.devnet.faultproof;

import dev.crossbar.contracts.op.L2CrossDomainMessenger;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * The L2 predeploys the L1-L2 bridge needs, installed on an anvil L2 the way OP's L2 genesis
 * ({@code scripts/L2Genesis.s.sol}) has them: at each predeploy address an ERC-1967 {@code Proxy} whose admin is the
 * ProxyAdmin predeploy ({@code 0x4200…0018}) and whose implementation is at {@code 0xc0d3…00XX}; then the
 * initializer, called through the proxy. Runtime code is placed with {@code anvil_setCode}, which is only faithful
 * for code without immutables; each artifact is checked for that first.
 */
public final class OpPredeploys {
    private static final Logger log = LoggerFactory.getLogger(OpPredeploys.class);
    /** EIP-1967 {@code bytes32(uint256(keccak256("eip1967.proxy.admin")) - 1)}. */
    static final String ADMIN_SLOT = "0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103";
    /** EIP-1967 {@code bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)}. */
    static final String IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";
    /** The ProxyAdmin predeploy: admin of every predeploy proxy (no code is installed there). */
    static final String PROXY_ADMIN = "0x4200000000000000000000000000000000000018";

    /**
     * A predeploy: its proxy's address and the address of its implementation.
     *
     * @param contract the OP contract behind the proxy
     */
    public record Predeploy(String contract, String address, String implementation) {}

    /**
     * What {@link #install} places: L2CrossDomainMessenger (its {@code OTHER_MESSENGER} is set by
     * {@code initialize}), L2ToL1MessagePasser (no initializer; {@code sentMessages} at slot 0, as the portal's
     * proof expects), and L1Block (the messenger asks it for the gas-paying token; empty storage means ether).
     */
    public static final List<Predeploy> INSTALLED = List.of(
            predeploy("L2CrossDomainMessenger", Predeploys.L2_CROSS_DOMAIN_MESSENGER),
            predeploy("L2ToL1MessagePasser", Predeploys.L2_TO_L1_MESSAGE_PASSER),
            predeploy("L1Block", Predeploys.L1_BLOCK));

    private OpPredeploys() {}

    /**
     * Installs {@link #INSTALLED} on {@code l2}, uninitialized, with the interop predeploys beside them
     * ({@link dev.crossbar.devnet.InteropPredeploys}), and mines a block over them.
     *
     * <p>anvil applies {@code anvil_setCode}/{@code anvil_setStorageAt} to the state it serves for its latest block,
     * whose header does not change; the state of a block is fixed only once another is mined over it. Installed on a
     * fresh L2, the predeploys are thus part of block 0's state, as in OP's genesis, and the block mined here keeps
     * anything done later out of it.
     *
     * @throws IllegalStateException when an artifact has immutables (its runtime code cannot be installed as is)
     */
    public static void install(DevChain l2) throws IOException {
        OpArtifact proxy = withoutImmutables("Proxy");
        for (Predeploy d : INSTALLED) {
            OpArtifact impl = withoutImmutables(d.contract());
            l2.anvil().setCode(d.address(), proxy.runtimeHex());
            l2.anvil().setStorageAt(d.address(), ADMIN_SLOT, word(PROXY_ADMIN));
            l2.anvil().setStorageAt(d.address(), IMPLEMENTATION_SLOT, word(d.implementation()));
            l2.anvil().setCode(d.implementation(), impl.runtimeHex());
            log.debug("installed predeploy chain={} contract={} address={} implementation={}", l2.name(),
                    d.contract(), d.address(), d.implementation());
        }
        dev.crossbar.devnet.InteropPredeploys.install(l2);
        l2.anvil().mine(1);
    }

    /**
     * Points the L2CrossDomainMessenger of {@code l2} at {@code l1CrossDomainMessenger} (the L1 messenger's proxy)
     * with its {@code initialize}, which also sets the {@code xDomainMessageSender} placeholder relays need.
     */
    public static void initialize(DevChain l2, String l1CrossDomainMessenger) throws Exception {
        L2CrossDomainMessenger.load(Predeploys.L2_CROSS_DOMAIN_MESSENGER, l2.web3j(),
                l2.txManager(DevKeys.DEPLOYER.credentials()), DevChain.GAS)
                .initialize(l1CrossDomainMessenger).send();
        log.info("OP predeploys initialized chain={} l2CrossDomainMessenger={} otherMessenger={}", l2.name(),
                Predeploys.L2_CROSS_DOMAIN_MESSENGER, l1CrossDomainMessenger);
    }

    private static OpArtifact withoutImmutables(String contract) {
        OpArtifact a = OpArtifact.of(contract);
        if (!a.immutables().isEmpty()) {
            throw new IllegalStateException(contract + " from " + a.source() + " has " + a.immutables().size()
                    + " immutable references: its runtime code cannot be installed with anvil_setCode");
        }
        return a;
    }

    /** {@code 0x4200…00XX} → implementation at {@code 0xc0D3C0d3…00XX}, as OP's genesis does. */
    private static Predeploy predeploy(String contract, String address) {
        String suffix = address.substring(address.length() - 4);
        return new Predeploy(contract, address, "0xc0d3c0d3c0d3c0d3c0d3c0d3c0d3c0d3c0d3" + suffix);
    }

    private static String word(String address) {
        return Numeric.toHexStringWithPrefixZeroPadded(Numeric.toBigInt(address), 64);
    }
}
