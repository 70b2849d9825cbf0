package dev.crossbar.devnet;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2Messenger;
import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.Predeploys;
import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.TransactionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the protocol onto fresh devnet chains: on the L1, an OutputOracle, a Portal and an
 * L1Messenger per L2; on each L2, the L2 contracts at the OP Stack predeploy addresses; on every chain
 * a Multicall3 and a DemoTarget.
 *
 * <p>Predeploys are installed the way a genesis file would: their runtime code (constructor run in an
 * {@code eth_call}, so immutables are filled in) is placed at the address with {@code anvil_setCode}.
 */
final class DevnetDeployer {
    private static final Logger log = LoggerFactory.getLogger(DevnetDeployer.class);

    private final DevnetConfig config;

    DevnetDeployer(DevnetConfig config) {
        this.config = config;
    }

    /** Contracts every chain gets. */
    Map<String, String> deployCommon(DevChain chain) throws Exception {
        TransactionManager tm = chain.txManager(DevKeys.DEPLOYER.credentials());
        Map<String, String> contracts = new LinkedHashMap<>();
        contracts.put("multicall3", Multicall3.deploy(chain.web3j(), tm, DevChain.GAS).send().getContractAddress());
        contracts.put("demoTarget", DemoTarget.deploy(chain.web3j(), tm, DevChain.GAS).send().getContractAddress());
        return contracts;
    }

    /** The L1 side of one L2: its oracle, portal and messenger. */
    DevnetManifest.Settlement deploySettlement(DevChain l1, long startingBlockNumber, long startingTimestamp)
            throws Exception {
        TransactionManager tm = l1.txManager(DevKeys.DEPLOYER.credentials());
        OutputOracle oracle = OutputOracle.deploy(l1.web3j(), tm, DevChain.GAS,
                BigInteger.valueOf(config.submissionInterval()),
                BigInteger.ONE, // L2 block time in seconds (informational on the devnet)
                BigInteger.valueOf(startingBlockNumber),
                BigInteger.valueOf(startingTimestamp),
                DevKeys.PROPOSER.address(),
                DevKeys.CHALLENGER.address(),
                BigInteger.valueOf(config.finalizationPeriod().toSeconds())).send();
        Portal portal = Portal.deploy(l1.web3j(), tm, DevChain.GAS, oracle.getContractAddress(),
                DevKeys.GUARDIAN.address(), BigInteger.valueOf(config.livenessTimeout().toSeconds())).send();
        L1Messenger messenger = L1Messenger.deploy(l1.web3j(), tm, DevChain.GAS, portal.getContractAddress()).send();
        return new DevnetManifest.Settlement(oracle.getContractAddress(), portal.getContractAddress(),
                messenger.getContractAddress(), config.finalizationPeriod().toSeconds(), config.submissionInterval(),
                config.livenessTimeout().toSeconds());
    }

    /** The L2 contracts, at their predeploy addresses. */
    Map<String, String> deployPredeploys(DevChain l2, DevnetManifest.Settlement settlement) throws Exception {
        install(l2, Predeploys.L2_TO_L1_MESSAGE_PASSER, L2ToL1MessagePasser.BINARY, List.of());
        install(l2, Predeploys.L2_CROSS_DOMAIN_MESSENGER, L2Messenger.BINARY,
                List.of(new Address(settlement.l1Messenger())));
        InteropPredeploys.install(l2);
        install(l2, Predeploys.DEVNET_DEPOSIT_EXECUTOR, DepositExecutor.BINARY,
                List.of(new Address(DevKeys.SEQUENCER.address())));

        Map<String, String> contracts = new LinkedHashMap<>();
        contracts.put("l2ToL1MessagePasser", Predeploys.L2_TO_L1_MESSAGE_PASSER);
        contracts.put("l2CrossDomainMessenger", Predeploys.L2_CROSS_DOMAIN_MESSENGER);
        contracts.putAll(InteropPredeploys.CONTRACTS);
        contracts.put("depositExecutor", Predeploys.DEVNET_DEPOSIT_EXECUTOR);
        return contracts;
    }

    @SuppressWarnings("rawtypes")
    private void install(DevChain chain, String address, String binary, List<Type> constructorArgs)
            throws IOException {
        chain.placeRuntime(address, binary + FunctionEncoder.encodeConstructor(constructorArgs));
        log.debug("installed predeploy chain={} address={}", chain.name(), address);
    }
}
