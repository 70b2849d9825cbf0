package dev.crossbar.core.protocol;

import java.math.BigInteger;
import java.util.List;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.utils.Numeric;

/**
 * What {@code Portal.reclaimDeposit} needs to learn, from an output root, how many deposits had executed on
 * the L2 at that output: the output root's parts, and the proofs of the deposit executor's account (in the
 * state root) and of its {@code executedCount} (storage slot 0).
 *
 * @param executedCount the proven count: deposits with a nonce below it had executed
 */
public record ExecutorCountProof(byte[] stateRoot, byte[] messagePasserStorageRoot, byte[] blockHash,
        List<byte[]> accountProof, List<byte[]> storageProof, BigInteger executedCount) {

    /** Storage slot of {@code DepositExecutor.executedCount}. */
    public static final String EXECUTED_COUNT_SLOT = "0x" + "0".repeat(64);

    public byte[] outputRoot() {
        return Hashes.outputRoot(stateRoot, messagePasserStorageRoot, blockHash);
    }

    /**
     * @param passer {@code eth_getProof} of the message passer at the block (for its storage root)
     * @param executor {@code eth_getProof} of the deposit executor with slot 0, at the same block
     * @throws InvalidProofException when the answers do not fit together
     */
    public static ExecutorCountProof from(String blockHash, String stateRoot, EthGetProof.Proof passer,
            EthGetProof.Proof executor) {
        if (passer == null || executor == null) {
            throw new InvalidProofException("eth_getProof returned no proof");
        }
        if (!Predeploys.DEVNET_DEPOSIT_EXECUTOR.equalsIgnoreCase(executor.getAddress())) {
            throw new InvalidProofException("proof is for " + executor.getAddress() + ", not the deposit executor");
        }
        if (!Predeploys.L2_TO_L1_MESSAGE_PASSER.equalsIgnoreCase(passer.getAddress())) {
            throw new InvalidProofException("proof is for " + passer.getAddress() + ", not the message passer");
        }
        List<EthGetProof.StorageProof> storage = executor.getStorageProof();
        if (storage == null || storage.size() != 1 || Numeric.toBigInt(storage.getFirst().getKey()).signum() != 0) {
            throw new InvalidProofException("expected one storage proof of slot 0 of the deposit executor");
        }
        EthGetProof.StorageProof sp = storage.getFirst();
        return new ExecutorCountProof(Numeric.hexStringToByteArray(stateRoot),
                Numeric.hexStringToByteArray(passer.getStorageHash()), Numeric.hexStringToByteArray(blockHash),
                executor.getAccountProof().stream().map(Numeric::hexStringToByteArray).toList(),
                sp.getProof().stream().map(Numeric::hexStringToByteArray).toList(), Numeric.toBigInt(sp.getValue()));
    }
}
