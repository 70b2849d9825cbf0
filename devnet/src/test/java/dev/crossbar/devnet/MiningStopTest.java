package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.testkit.TempDirs;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;

/**
 * {@link AnvilRpc#inOneBlock} from two threads on one node (the devnet operator's sequencer and its interop block
 * check both stop an L2's mining): every call's transactions still land in one block, and the node mines as before.
 */
class MiningStopTest {
    private static Path dataDir;
    private static AnvilNode node;
    private static DevChain chain;

    @BeforeAll
    static void start() throws Exception {
        dataDir = TempDirs.create("mining-stop-test");
        node = AnvilNode.start("l2", 901, 0, null, dataDir);
        chain = new DevChain("l2", 901, node.rpcUrl().toString(), node.wsUrl().toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (chain != null) {
            chain.close();
        }
        if (node != null) {
            node.close();
        }
        TempDirs.delete(dataDir);
    }

    @Test
    void twoThreadsStoppingTheSameNodesMiningEachGetTheirTransactionsInOneBlock() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        // a second AnvilRpc on the same node, as a test or another part of the operator would hold
        try (DevChain again = new DevChain("l2-again", 901, node.rpcUrl().toString(), node.wsUrl().toString())) {
            Future<List<String[]>> a = threads.submit(pairs(chain.anvil(), DevKeys.USER, DevKeys.DEPLOYER));
            Future<List<String[]>> b = threads.submit(pairs(again.anvil(), DevKeys.SEQUENCER, DevKeys.PROPOSER));
            List<String[]> all = new ArrayList<>(a.get());
            all.addAll(b.get());
            for (String[] pair : all) {
                TransactionReceipt first = receipt(pair[0]);
                TransactionReceipt second = receipt(pair[1]);
                assertThat(first.getBlockNumber()).as("both transactions of one inOneBlock call in one block")
                        .isEqualTo(second.getBlockNumber());
            }
            String after = send(new RawTransactionManager(chain.web3j(), DevKeys.USER.credentials(), 901));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).alias("automine is back on")
                    .until(() -> chain.web3j().ethGetTransactionReceipt(after).send().getTransactionReceipt()
                            .isPresent());
        } finally {
            threads.shutdownNow();
        }
    }

    /** 15 rounds of inOneBlock, each sending one transfer from each of two accounts; the hashes, pair by pair. */
    private static Callable<List<String[]>> pairs(AnvilRpc anvil, DevKeys one, DevKeys two) {
        return () -> {
            RawTransactionManager first = new RawTransactionManager(chain.web3j(), one.credentials(), 901);
            RawTransactionManager second = new RawTransactionManager(chain.web3j(), two.credentials(), 901);
            List<String[]> pairs = new ArrayList<>();
            for (int round = 0; round < 15; round++) {
                String[] pair = new String[2];
                anvil.inOneBlock(() -> {
                    pair[0] = send(first);
                    pair[1] = send(second);
                });
                pairs.add(pair);
            }
            return pairs;
        };
    }

    private static String send(RawTransactionManager from) throws java.io.IOException {
        EthSendTransaction sent = from.sendTransaction(DevChain.GAS.getGasPrice(), BigInteger.valueOf(21_000),
                DevKeys.USER.address(), "", BigInteger.ONE);
        if (sent.hasError()) {
            throw new java.io.IOException(sent.getError().getMessage());
        }
        return sent.getTransactionHash();
    }

    private static TransactionReceipt receipt(String hash) throws Exception {
        return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).alias("tx " + hash + " mined")
                .until(() -> chain.web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt(),
                        java.util.Optional::isPresent).orElseThrow();
    }
}
