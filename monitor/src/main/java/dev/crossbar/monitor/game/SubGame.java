package dev.crossbar.monitor.game;

import java.math.BigInteger;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * One execution sub-game: the pair of output roots that the fault-proof VM's trace runs between, as
 * {@code FaultDisputeGame._findStartingAndDisputedOutputs} finds it for the claims below one output-root leaf. An
 * attack on the leaf disputes the leaf itself, starting from the output one trace index to its left; a defense of
 * the leaf starts from the leaf and disputes the output one trace index to its right.
 *
 * @param starting the agreed output root's claim; null when it is the anchor (the disputed output is at trace index
 *     0 of the split depth)
 * @param disputed the disputed output root's claim
 * @param disputedBlock the L2 block of the disputed output as the game loads it for the VM
 *     ({@code DISPUTED_L2_BLOCK_NUMBER}): {@code startingBlockNumber + traceIndex(disputed, splitDepth) + 1},
 *     not capped at the game's L2 block
 * @param localContext the game's local context of the sub-game, which keys its local preimages and is passed to the
 *     VM's {@code step}: {@code keccak256(abi.encode(starting, startingPos, disputed, disputedPos))}, or
 *     {@code keccak256(abi.encode(disputed, disputedPos))} when the starting output is the anchor
 */
public record SubGame(Claim starting, Claim disputed, long disputedBlock, byte[] localContext) {
    public SubGame {
        localContext = localContext.clone();
    }

    /**
     * The sub-game between {@code starting} (null for the anchor) and {@code disputed}, in a game whose anchor is
     * L2 block {@code startingBlock} and whose split depth is {@code splitDepth}.
     */
    public static SubGame of(Claim starting, Claim disputed, long startingBlock, int splitDepth) {
        long disputedBlock = startingBlock + disputed.position().traceIndex(splitDepth).longValueExact() + 1;
        String encoded = starting == null ? encode(disputed) : encode(starting) + encode(disputed);
        return new SubGame(starting, disputed, disputedBlock, Hash.sha3(Numeric.hexStringToByteArray(encoded)));
    }

    @Override
    public byte[] localContext() {
        return localContext.clone();
    }

    private static String encode(Claim c) {
        BigInteger gindex = c.position().gindex();
        return TypeEncoder.encode(new Bytes32(c.claim())) + TypeEncoder.encode(new Uint128(gindex));
    }
}
