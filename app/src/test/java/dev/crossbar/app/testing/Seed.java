package dev.crossbar.app.testing;

import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.store.BlockRef;
import dev.crossbar.store.ChainBatch;
import dev.crossbar.store.MessageStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Messages in a store, put there the way a watcher puts them: committed {@link ChainBatch}es of protocol events
 * (so the store's own lifecycle rules make the history). Chains: L1 900, L2s 901 and 902.
 */
public final class Seed {
    public static final long L1 = 900;
    public static final long L2A = 901;
    public static final long L2B = 902;
    /** A cross-rollup message 901 -> 902, sent and relayed: SENT, READY, RELAYED. */
    public static final String RELAYED = hash("cross-rollup-relayed");
    /** A cross-rollup message 901 -> 902, sent only: READY. */
    public static final String WAITING = hash("cross-rollup-waiting");
    /** A deposit 900 -> 901: SENT. */
    public static final String DEPOSIT = hash("deposit-1");
    public static final String SENDER = "0x" + hash("sender").substring(26);
    public static final String OTHER_SENDER = "0x" + hash("other-sender").substring(26);
    public static final String TARGET = "0x" + hash("target").substring(26);

    private Seed() {}

    /** Commits block 1 of each chain with the events above. */
    public static void messages(MessageStore store) {
        BlockRef l2a = block(L2A, 1);
        store.commitBatch(new ChainBatch(L2A, List.of(l2a), List.of(
                new ProtocolEvent.CrossRollupSent(at(L2A, l2a, 0), BigInteger.valueOf(L2B), TARGET, BigInteger.ZERO,
                        SENDER, "0xfeed", RELAYED),
                new ProtocolEvent.CrossRollupSent(at(L2A, l2a, 1), BigInteger.valueOf(L2B), TARGET, BigInteger.ONE,
                        OTHER_SENDER, "0xbeef", WAITING)), List.of()));
        BlockRef l2b = block(L2B, 1);
        store.commitBatch(new ChainBatch(L2B, List.of(l2b), List.of(
                new ProtocolEvent.CrossRollupRelayed(at(L2B, l2b, 0), BigInteger.valueOf(L2A), BigInteger.ZERO,
                        RELAYED, hash("return"))), List.of()));
        BlockRef l1 = block(L1, 1);
        store.commitBatch(new ChainBatch(L1, List.of(l1), List.of(
                new ProtocolEvent.DepositInitiated(at(L1, l1, 0), L2A, BigInteger.ZERO, DEPOSIT, SENDER, SENDER, TARGET,
                        BigInteger.valueOf(1000), BigInteger.valueOf(1000), BigInteger.valueOf(100_000), false, "0x")),
                List.of()));
    }

    static BlockRef block(long chainId, long number) {
        return new BlockRef(number, hash(chainId + ":" + number), hash(chainId + ":" + (number - 1)),
                1_700_000_000L + number * 2);
    }

    static EventRef at(long chainId, BlockRef block, int logIndex) {
        return new EventRef(chainId, block.number(), block.hash(), block.timestamp(),
                hash("tx:" + chainId + ":" + block.number() + ":" + logIndex), logIndex, "0x" + hash("emitter")
                .substring(26));
    }

    /** A 32-byte hash derived from a label (lower-case 0x hex). */
    public static String hash(String label) {
        try {
            return "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(label.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
