package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.utils.Numeric;

/**
 * The devnet's proposer for one L2: posts output roots to the L2's OutputOracle on the L1, computed
 * from the L2 node itself (block header plus {@code eth_getProof} of the message passer).
 *
 * <p>{@link #proposeIfDue} proposes only blocks the L2's {@link InteropBlockCheck} has passed (it brings the check up
 * to date first), so that no output commits to a block the check may still take off the chain.
 */
public final class Proposer {
    private static final Logger log = LoggerFactory.getLogger(Proposer.class);

    private final DevChain l1;
    private final DevChain l2;
    private final OutputOracle oracle;
    private final InteropBlockCheck interopCheck;
    private final AtomicBoolean wrongNext = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong proposed = new AtomicLong();
    private final AtomicLong lastProposedBlock = new AtomicLong(-1);
    private final SecureRandom random = new SecureRandom();

    public Proposer(DevChain l1, DevChain l2, DevnetManifest.Settlement settlement, InteropBlockCheck interopCheck) {
        this.l1 = l1;
        this.l2 = l2;
        this.interopCheck = interopCheck;
        this.oracle = OutputOracle.load(settlement.outputOracle(), l1.web3j(),
                l1.txManager(DevKeys.PROPOSER.credentials()), DevChain.GAS);
    }

    /** One honest output root for an L2 block: its parts and the root. */
    public record Output(long l2BlockNumber, byte[] stateRoot, byte[] messagePasserStorageRoot, byte[] blockHash,
            byte[] outputRoot) {}

    /** Computes the output root of {@code l2Block} from the L2 node. */
    public static Output computeOutput(DevChain l2, long l2Block) throws IOException {
        DefaultBlockParameter at = DefaultBlockParameter.valueOf(BigInteger.valueOf(l2Block));
        EthBlock.Block block = l2.web3j().ethGetBlockByNumber(at, false).send().getBlock();
        if (block == null) {
            throw new IOException("L2 " + l2.name() + " has no block " + l2Block);
        }
        EthGetProof proof = l2.web3j().ethGetProof(Predeploys.L2_TO_L1_MESSAGE_PASSER, List.of(), at.getValue())
                .send();
        if (proof.hasError()) {
            throw new IOException("eth_getProof failed on " + l2.name() + ": " + proof.getError().getMessage());
        }
        byte[] stateRoot = Numeric.hexStringToByteArray(block.getStateRoot());
        byte[] storageRoot = Numeric.hexStringToByteArray(proof.getProof().getStorageHash());
        byte[] blockHash = Numeric.hexStringToByteArray(block.getHash());
        return new Output(l2Block, stateRoot, storageRoot, blockHash,
                Hashes.outputRoot(stateRoot, storageRoot, blockHash));
    }

    /**
     * Proposes an output for the L2's latest block the interop check has passed, when it is at least the oracle's
     * next block number.
     *
     * @return the L2 block proposed, or -1 when nothing was due (stopped, or the L2 has not advanced)
     */
    public synchronized long proposeIfDue() throws Exception {
        if (stopped.get()) {
            return -1;
        }
        long next = oracle.nextBlockNumber().send().longValueExact();
        long checked = interopCheck.checkNew();
        long head = Math.min(l2.blockNumber().longValueExact(), checked);
        if (head < next) {
            return -1;
        }
        return propose(head);
    }

    /** Proposes the output of {@code l2Block} now (honest unless told otherwise). */
    public synchronized long propose(long l2Block) throws Exception {
        Output output = computeOutput(l2, l2Block);
        byte[] root = output.outputRoot();
        boolean wrong = wrongNext.getAndSet(false);
        if (wrong) {
            byte[] garbage = new byte[32];
            random.nextBytes(garbage);
            root = Hashes.outputRoot(garbage, output.messagePasserStorageRoot(), output.blockHash());
        }
        EthBlock.Block l1Head = l1.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                .getBlock();
        oracle.proposeL2Output(root, BigInteger.valueOf(l2Block), Numeric.hexStringToByteArray(l1Head.getHash()),
                l1Head.getNumber(), BigInteger.ZERO).send();
        proposed.incrementAndGet();
        lastProposedBlock.set(l2Block);
        log.info("output proposed l2={} l2Block={} outputRoot={} honest={}", l2.name(), l2Block,
                Numeric.toHexString(root), !wrong);
        return l2Block;
    }

    public void proposeWrongOutputNext() {
        wrongNext.set(true);
    }

    public void setStopped(boolean stop) {
        stopped.set(stop);
    }

    public boolean isStopped() {
        return stopped.get();
    }

    public boolean isWrongOutputArmed() {
        return wrongNext.get();
    }

    public long proposedCount() {
        return proposed.get();
    }

    public long lastProposedBlock() {
        return lastProposedBlock.get();
    }

    public OutputOracle oracle() {
        return oracle;
    }
}
