package dev.crossbar.core.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.utils.Numeric;

/**
 * Everything {@code Portal.proveWithdrawalTransaction} needs besides the withdrawal itself: the parts of
 * the output root of an L2 block, and the storage proof that the withdrawal's hash is set in the message
 * passer's {@code sentMessages} at that block.
 *
 * @param stateRoot the L2 block's state root
 * @param messagePasserStorageRoot the message passer's storage root at that block
 * @param blockHash the L2 block's hash
 * @param storageProof the Merkle-Patricia proof nodes of {@code sentMessages[withdrawalHash]}
 */
public record WithdrawalProof(byte[] stateRoot, byte[] messagePasserStorageRoot, byte[] blockHash,
        List<byte[]> storageProof) {

    /** The output root these parts hash to. */
    public byte[] outputRoot() {
        return Hashes.outputRoot(stateRoot, messagePasserStorageRoot, blockHash);
    }

    /**
     * Builds the proof from an L2 block and the node's {@code eth_getProof} answer for the message passer at
     * that block, and checks that the answer makes sense: it proves the right slot, the slot is set, and it
     * is for the block's state.
     *
     * @throws InvalidProofException naming what does not fit
     */
    public static WithdrawalProof from(byte[] withdrawalHash, String blockHash, String stateRoot,
            EthGetProof.Proof proof) {
        if (proof == null) {
            throw new InvalidProofException("eth_getProof returned no proof");
        }
        if (!Predeploys.L2_TO_L1_MESSAGE_PASSER.equalsIgnoreCase(proof.getAddress())) {
            throw new InvalidProofException("eth_getProof answered for " + proof.getAddress()
                    + ", not the message passer " + Predeploys.L2_TO_L1_MESSAGE_PASSER);
        }
        byte[] slot = Hashes.sentMessageSlot(withdrawalHash);
        List<EthGetProof.StorageProof> storage = proof.getStorageProof();
        if (storage == null || storage.size() != 1) {
            throw new InvalidProofException("expected one storage proof, got "
                    + (storage == null ? "none" : storage.size()));
        }
        EthGetProof.StorageProof sp = storage.getFirst();
        if (!Arrays.equals(Numeric.toBytesPadded(Numeric.toBigInt(sp.getKey()), 32), slot)) {
            throw new InvalidProofException("storage proof is for slot " + sp.getKey() + ", expected "
                    + Numeric.toHexString(slot));
        }
        if (sp.getValue() == null || !BigInteger.ONE.equals(Numeric.toBigInt(sp.getValue()))) {
            throw new InvalidProofException("withdrawal " + Numeric.toHexString(withdrawalHash)
                    + " is not in sentMessages at block " + blockHash + " (slot value " + sp.getValue() + ")");
        }
        List<byte[]> nodes = sp.getProof().stream().map(Numeric::hexStringToByteArray).toList();
        if (nodes.isEmpty()) {
            throw new InvalidProofException("storage proof has no nodes");
        }
        return new WithdrawalProof(Numeric.hexStringToByteArray(stateRoot),
                Numeric.hexStringToByteArray(proof.getStorageHash()), Numeric.hexStringToByteArray(blockHash), nodes);
    }
}
