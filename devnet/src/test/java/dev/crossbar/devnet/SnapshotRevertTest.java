package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;

/**
 * A devnet reverted to a snapshot is as it was then: the chains' blocks, state and clock, and what anvil's own revert
 * leaves behind put right too (a transaction pending, a fee spike, mining switched off).
 */
class SnapshotRevertTest extends DevnetTestBase {
    private static final BigInteger SPIKE = BigInteger.valueOf(50_000_000_000L);

    @Test
    void aRevertLeavesEveryChainAsItWasAtTheSnapshot() throws Exception {
        DevChain l2 = devnet.l2(1);
        Devnet.Snapshot snapshot = devnet.snapshot();
        EthBlock.Block l1Head = latest(l1());
        EthBlock.Block l2Head = latest(l2);
        BigInteger nextBaseFee = l2.web3j().ethFeeHistory(1, DefaultBlockParameterName.LATEST, java.util.List.of())
                .send().getFeeHistory().getBaseFeePerGas().getLast();
        BigInteger nonce = pendingNonce(l2);

        // what a test leaves behind: blocks, the L1 clock an hour on, a fee spike, no mining and a pending transaction
        send(l2);
        l1().anvil().increaseTime(3600);
        l1().anvil().mine(3);
        l2.anvil().setNextBlockBaseFeePerGas(SPIKE);
        l2.anvil().mine(1);
        l2.anvil().setAutomine(false);
        send(l2);
        assertThat(pendingNonce(l2)).isEqualTo(nonce.add(BigInteger.TWO));

        devnet.revert(snapshot);

        assertThat(latest(l1()).getHash()).isEqualTo(l1Head.getHash());
        assertThat(latest(l2).getHash()).isEqualTo(l2Head.getHash());
        assertThat(pendingNonce(l2)).as("nothing pending, nothing spent").isEqualTo(nonce);
        String sent = send(l2);
        // anvil's automine mines right after the send answers, not before: wait a moment, not for ever.
        TransactionReceipt mined = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> receipt(l2, sent), java.util.Objects::nonNull);
        EthBlock.Block next = l2.web3j().ethGetBlockByHash(mined.getBlockHash(), false).send().getBlock();
        assertThat(next.getNumber()).isEqualTo(l2Head.getNumber().add(BigInteger.ONE));
        assertThat(next.getBaseFeePerGas()).as("the next block's base fee at the snapshot").isEqualTo(nextBaseFee);
        l1().anvil().mine(1);
        long snapshotTime = l1Head.getTimestamp().longValueExact();
        assertThat(latest(l1()).getTimestamp().longValueExact()).as("the clock runs on from the snapshot's block")
                .isBetween(snapshotTime, snapshotTime + 60);

        assertThatThrownBy(() -> devnet.revert(snapshot)).as("a revert uses its snapshot up")
                .hasMessageContaining("has no snapshot " + snapshot.ids().getFirst());
    }

    private static EthBlock.Block latest(DevChain chain) throws Exception {
        return chain.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
    }

    private static BigInteger pendingNonce(DevChain chain) throws Exception {
        return chain.web3j().ethGetTransactionCount(DevKeys.USER.address(), DefaultBlockParameterName.PENDING).send()
                .getTransactionCount();
    }

    /** Sends 1 wei from the user to the deployer; its hash. */
    private static String send(DevChain chain) throws Exception {
        return new RawTransactionManager(chain.web3j(), DevKeys.USER.credentials(), chain.chainId())
                .sendTransaction(SPIKE.multiply(BigInteger.TWO), BigInteger.valueOf(21_000), DevKeys.DEPLOYER.address(),
                        "", BigInteger.ONE).getTransactionHash();
    }

    /** The receipt of {@code hash}, or null while it is not mined. */
    private static TransactionReceipt receipt(DevChain chain, String hash) throws Exception {
        return chain.web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt().orElse(null);
    }
}
