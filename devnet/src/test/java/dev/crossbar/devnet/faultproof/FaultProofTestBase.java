package dev.crossbar.devnet.faultproof;

import dev.crossbar.devnet.AnvilNode;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Refusals;
import dev.crossbar.testkit.TempDirs;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * A fresh L1 (plain anvil, automine) and one OP-mode L2 per test class, with OP's fault-proof contracts deployed by
 * {@link FaultProofDeployer} with the devnet's settings.
 */
abstract class FaultProofTestBase {
    static final long L1_CHAIN_ID = 900;
    static final long L2_CHAIN_ID = 901;
    /** The devnet's settings with a proof maturity shorter than the clock, so the air gap is the last wait. */
    static final FaultProofParams PARAMS = FaultProofParams.devnet().withProofMaturityDelay(Duration.ofSeconds(30));

    static Path dataDir;
    static AnvilNode l1Node;
    static AnvilNode l2Node;
    static DevChain l1;
    static DevChain l2;
    static FaultProofDeployment deployment;

    @BeforeAll
    static void deploy() throws Exception {
        dataDir = TempDirs.create("fault-proof-test");
        l1Node = AnvilNode.start("l1", L1_CHAIN_ID, 0, null, dataDir);
        l2Node = AnvilNode.start("l2", L2_CHAIN_ID, 0, null, dataDir, null, AnvilNode.Network.OPTIMISM);
        l1 = new DevChain("l1", L1_CHAIN_ID, l1Node.rpcUrl().toString(), l1Node.wsUrl().toString());
        l2 = new DevChain("l2", L2_CHAIN_ID, l2Node.rpcUrl().toString(), l2Node.wsUrl().toString());
        deployment = FaultProofDeployer.deploy(l1, List.of(l2), PARAMS);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {l1, l2, l1Node, l2Node}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing the others matters more
                }
            }
        }
        TempDirs.delete(dataDir);
    }

    static FaultProofDeployment.L2 contracts() {
        return deployment.l2(L2_CHAIN_ID);
    }

    static String refusal(DevChain chain, DevKeys from, String to, String data) throws IOException {
        return Refusals.refusal(chain, from.address(), to, data, BigInteger.ZERO);
    }

    static BigInteger balance(DevChain chain, String address) throws IOException {
        return chain.web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }
}
