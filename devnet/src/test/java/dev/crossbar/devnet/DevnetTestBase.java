package dev.crossbar.devnet;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2Messenger;
import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.ExecutorCountProof;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.core.protocol.WithdrawalProof;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.testkit.TempDirs;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A fresh devnet (automine, one-hour challenge window) per test class, with a manual operator, and the
 * helpers the contract tests share.
 */
abstract class DevnetTestBase {
    static final BigInteger GAS_LIMIT = BigInteger.valueOf(200_000);

    static Path dataDir;
    static Devnet devnet;
    static DevnetOperator operator;

    @BeforeAll
    static void startDevnet() throws IOException {
        dataDir = TempDirs.create("devnet-test");
        devnet = Devnet.start(DevnetConfig.forTests(dataDir));
        operator = DevnetOperator.manual(devnet);
    }

    @AfterAll
    static void stopDevnet() {
        if (operator != null) {
            operator.close();
        }
        if (devnet != null) {
            devnet.close();
        }
        TempDirs.delete(dataDir);
    }

    static DevChain l1() {
        return devnet.l1();
    }

    static DevChain l2a() {
        return devnet.l2(0);
    }

    static DevnetManifest.Chain l2aEntry() {
        return devnet.manifest().l2s().getFirst();
    }

    static Portal portal(DevKeys key) {
        return Portal.load(l2aEntry().settlement().portal(), l1().web3j(), l1().txManager(key.credentials()),
                DevChain.GAS);
    }

    static OutputOracle oracle(DevKeys key) {
        return OutputOracle.load(l2aEntry().settlement().outputOracle(), l1().web3j(),
                l1().txManager(key.credentials()), DevChain.GAS);
    }

    static DemoTarget l1Target() {
        return DemoTarget.load(devnet.manifest().l1().contract("demoTarget"), l1().web3j(),
                l1().txManager(DevKeys.USER.credentials()), DevChain.GAS);
    }

    static DemoTarget l2aTarget() {
        return DemoTarget.load(l2aEntry().contract("demoTarget"), l2a().web3j(),
                l2a().txManager(DevKeys.USER.credentials()), DevChain.GAS);
    }

    /** Moves the L1 clock forward and mines a block carrying the new time. */
    static void advanceL1Time(long seconds) throws IOException {
        l1().anvil().increaseTime(seconds);
        l1().anvil().mine(1);
    }

    /** A withdrawal initiated on l2a, as the Portal takes it, with the L2 block it is in. */
    record Withdrawal(Portal.WithdrawalTransaction tx, byte[] hash, long l2Block) {}

    /** Sends a message from l2a to the L1's DemoTarget through the L2 messenger (a withdrawal). */
    static Withdrawal withdrawPing(Credentials user, String note) throws Exception {
        L2Messenger messenger = L2Messenger.load(Predeploys.L2_CROSS_DOMAIN_MESSENGER, l2a().web3j(),
                l2a().txManager(user), DevChain.GAS);
        String ping = l1Target().ping(note, BigInteger.ZERO).encodeFunctionCall();
        TransactionReceipt r = messenger.sendMessage(l1Target().getContractAddress(), Numeric.hexStringToByteArray(ping),
                GAS_LIMIT, BigInteger.ZERO).send();
        L2ToL1MessagePasser.MessagePassedEventResponse e = L2ToL1MessagePasser.getMessagePassedEvents(r).getFirst();
        Portal.WithdrawalTransaction tx = new Portal.WithdrawalTransaction(e.nonce, e.sender, e.target, e.value,
                e.gasLimit, e.data);
        return new Withdrawal(tx, e.withdrawalHash, r.getBlockNumber().longValueExact());
    }

    /** Proposes an honest output for l2a's current head and returns its index. */
    static BigInteger proposeOutput() throws Exception {
        // An empty block first, so that the output covers a block mined after every state change so far.
        l2a().anvil().mine(1);
        operator.proposer("l2a").propose(l2a().blockNumber().longValueExact());
        return oracle(DevKeys.USER).latestOutputIndex().send();
    }

    /** The proof of {@code w} at the L2 block of output {@code outputIndex}, from the L2 node. */
    static WithdrawalProof proofAt(Withdrawal w, BigInteger outputIndex) throws Exception {
        BigInteger l2Block = oracle(DevKeys.USER).getL2Output(outputIndex).send().l2BlockNumber;
        EthBlock.Block block = l2a().web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(l2Block), false).send()
                .getBlock();
        EthGetProof proof = l2a().web3j().ethGetProof(Predeploys.L2_TO_L1_MESSAGE_PASSER,
                List.of(Numeric.toHexString(Hashes.sentMessageSlot(w.hash()))), Numeric.toHexStringWithPrefix(l2Block))
                .send();
        return WithdrawalProof.from(w.hash(), block.getHash(), block.getStateRoot(), proof.getProof());
    }

    static Portal.OutputRootProof outputRootProof(byte[] stateRoot, byte[] storageRoot, byte[] blockHash) {
        return new Portal.OutputRootProof(new byte[32], stateRoot, storageRoot, blockHash);
    }

    static TransactionReceipt prove(Withdrawal w, BigInteger outputIndex, WithdrawalProof p) throws Exception {
        return portal(DevKeys.RELAYER).proveWithdrawalTransaction(w.tx(), outputIndex,
                outputRootProof(p.stateRoot(), p.messagePasserStorageRoot(), p.blockHash()), p.storageProof()).send();
    }

    /** The deposit executor's count proof at the L2 block of output {@code outputIndex}. */
    static ExecutorCountProof executorProofAt(BigInteger outputIndex) throws Exception {
        BigInteger l2Block = oracle(DevKeys.USER).getL2Output(outputIndex).send().l2BlockNumber;
        String at = Numeric.toHexStringWithPrefix(l2Block);
        EthBlock.Block block = l2a().web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(l2Block), false).send()
                .getBlock();
        EthGetProof passer = l2a().web3j().ethGetProof(Predeploys.L2_TO_L1_MESSAGE_PASSER, List.of(), at).send();
        EthGetProof executor = l2a().web3j().ethGetProof(Predeploys.DEVNET_DEPOSIT_EXECUTOR,
                List.of(ExecutorCountProof.EXECUTED_COUNT_SLOT), at).send();
        return ExecutorCountProof.from(block.getHash(), block.getStateRoot(), passer.getProof(), executor.getProof());
    }

    static String refusal(DevChain chain, DevKeys from, String to, String data) throws IOException {
        return Refusals.refusal(chain, from.address(), to, data, BigInteger.ZERO);
    }

    static BigInteger balance(DevChain chain, String address) throws IOException {
        return chain.web3j().ethGetBalance(address, org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send()
                .getBalance();
    }
}
