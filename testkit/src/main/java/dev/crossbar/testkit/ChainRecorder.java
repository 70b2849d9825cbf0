package dev.crossbar.testkit;

import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.store.BlockRef;
import dev.crossbar.store.ChainBatch;
import dev.crossbar.store.GameClaim;
import dev.crossbar.store.GameRecord;
import dev.crossbar.store.MessageStore;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;
import org.web3j.crypto.Hash;

/**
 * Records protocol events of one chain into a store the way its watcher would (one new block per call, a batch
 * continuing from the store's cursor), so that unit tests get messages into the states they need through the
 * store's own lifecycle rather than by writing rows. Blocks and ids are deterministic (keccak of labels).
 */
public final class ChainRecorder {
    /** The sender and target of the messages recorded here. */
    public static final String SENDER = address("sender");
    public static final String TARGET = address("target");

    private final MessageStore store;
    private final long chainId;
    private BlockRef last;

    public ChainRecorder(MessageStore store, long chainId) {
        this.store = store;
        this.chainId = chainId;
        this.last = store.cursor(chainId).map(c -> new BlockRef(c.blockNumber(), c.blockHash(), "0x", 0)).orElse(null);
    }

    /** Records the events {@code events} makes for a new block (its events' refs from {@link #at}); returns it. */
    public BlockRef record(Function<BlockRef, List<ProtocolEvent>> events) {
        long number = last == null ? 1 : last.number() + 1;
        String parent = last == null ? hash("genesis:" + chainId) : last.hash();
        BlockRef block = new BlockRef(number, hash(chainId + ":" + number), parent, 1_700_000_000L + number * 2);
        store.commitBatch(new ChainBatch(chainId, List.of(block), events.apply(block), List.of()));
        last = block;
        return block;
    }

    /** The last block recorded (null before the first). */
    public BlockRef last() {
        return last;
    }

    /** Where the {@code logIndex}-th event of {@code block} sits (one transaction per event). */
    public EventRef at(BlockRef block, int logIndex) {
        return new EventRef(chainId, block.number(), block.hash(), block.timestamp(),
                hash("tx:" + chainId + ":" + block.number() + ":" + logIndex), logIndex, address("emitter"));
    }

    /** On an L2: a withdrawal initiated in a new block; returns its hash (the message id). */
    public String withdrawal(String label) {
        String id = hash("withdrawal:" + label);
        // A versioned nonce, as the message passer emits it: version 1 in the top two bytes.
        BigInteger nonce = BigInteger.ONE.shiftLeft(240).or(BigInteger.valueOf(Math.floorMod(label.hashCode(), 1000)));
        record(b -> List.of(new ProtocolEvent.WithdrawalInitiated(at(b, 0), nonce, SENDER, TARGET, BigInteger.ZERO,
                BigInteger.valueOf(200_000), "0xabcd", id)));
        return id;
    }

    /** On an L2: a message to L2 {@code destination} sent in a new block; returns its hash (the message id). */
    public String crossRollup(long destination, String label) {
        String id = hash("cross-rollup:" + label);
        record(b -> List.of(new ProtocolEvent.CrossRollupSent(at(b, 0), BigInteger.valueOf(destination), TARGET,
                BigInteger.valueOf(Math.floorMod(label.hashCode(), 1000)), SENDER, "0xfeed", id)));
        return id;
    }

    /** On an L1: output {@code index} of L2 {@code l2ChainId} proposed, covering L2 block {@code l2Block}. */
    public BlockRef output(long l2ChainId, long index, long l2Block, String root) {
        return record(b -> List.of(new ProtocolEvent.OutputProposed(at(b, 0), l2ChainId, root,
                BigInteger.valueOf(index), BigInteger.valueOf(l2Block), b.timestamp())));
    }

    /** On an L1: withdrawal {@code withdrawalHash} of L2 {@code l2ChainId} proven. */
    public BlockRef proven(long l2ChainId, String withdrawalHash) {
        return record(b -> List.of(new ProtocolEvent.WithdrawalProven(at(b, 0), l2ChainId, withdrawalHash, SENDER,
                TARGET)));
    }

    /**
     * On an L1: dispute game {@code index} of L2 {@code l2ChainId} (type 255, ALPHABET) created by {@code creator}
     * with {@code rootClaim} for {@code l2Block}, its clocks starting at the new block's time; returns its address.
     */
    public String game(long l2ChainId, long index, long l2Block, String rootClaim, long maxClockDuration,
            String creator, BigInteger initBond) {
        String game = address("game:" + l2ChainId + ":" + index);
        record(b -> List.of(new ProtocolEvent.DisputeGameCreated(at(b, 0), l2ChainId, game, 255, rootClaim, index,
                l2Block, b.timestamp(), maxClockDuration, creator, initBond)));
        return game;
    }

    /**
     * On an L1: a move by {@code claimant} in {@code game} countering claim {@code parentIndex}, made at the new
     * block's time when its side had used {@code clockDuration} seconds.
     */
    public BlockRef move(long l2ChainId, String game, long claimIndex, long parentIndex, long position,
            String claimant, BigInteger bond, long clockDuration) {
        return record(b -> List.of(new ProtocolEvent.GameMove(at(b, 0), l2ChainId, game, parentIndex,
                hash("claim:" + game + ":" + claimIndex), claimant, claimIndex, BigInteger.valueOf(position), bond,
                GameClaim.packClock(clockDuration, b.timestamp()))));
    }

    /** On an L1: {@code game} resolved with {@code status} (CHALLENGER_WINS or DEFENDER_WINS). */
    public BlockRef resolved(long l2ChainId, String game, GameRecord.Status status) {
        int code = switch (status) {
            case CHALLENGER_WINS -> FaultProofViews.CHALLENGER_WINS;
            case DEFENDER_WINS -> FaultProofViews.DEFENDER_WINS;
            case IN_PROGRESS -> throw new IllegalArgumentException("a game resolves CHALLENGER_WINS or DEFENDER_WINS");
        };
        return record(b -> List.of(new ProtocolEvent.GameResolved(at(b, 0), l2ChainId, game, code)));
    }

    /** A 32-byte hash derived from a label (lower-case 0x hex). */
    public static String hash(String label) {
        return Hash.sha3String(label);
    }

    /** A 20-byte address derived from a label. */
    public static String address(String label) {
        return "0x" + hash(label).substring(26);
    }
}
