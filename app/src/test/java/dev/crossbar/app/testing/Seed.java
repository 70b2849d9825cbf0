package dev.crossbar.app.testing;

import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.store.BlockRef;
import dev.crossbar.store.ChainBatch;
import dev.crossbar.store.GameClaim;
import dev.crossbar.store.MessageStore;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * Messages and dispute games in a store, put there the way a watcher puts them: committed {@link ChainBatch}es of
 * protocol events (so the store's own lifecycle rules make the history). Chains: L1 900, L2s 901 and 902.
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

    /** Game 0 of l2a: DEFENDER_WINS, its root claim checked VALID. */
    public static final String GAME_A0 = address("game:901:0");
    /** Game 1 of l2a: in progress, with three moves (see {@link #games}). */
    public static final String GAME_A1 = address("game:901:1");
    /** Game 0 of l2b: in progress, no moves, blacklisted. */
    public static final String GAME_B0 = address("game:902:0");

    /**
     * Dispute games on L1 blocks 2 and 3 (after {@link #messages}): block 2 creates {@link #GAME_A0} (L2 block 10),
     * {@link #GAME_A1} (L2 block 20) and {@link #GAME_B0} (L2 block 5), all of type 255; block 3 resolves GAME_A0,
     * blacklists GAME_B0 and moves in GAME_A1: claim 1 (a challenger's, position 2) and claim 3 (another
     * challenger's, position 2) counter the root, claim 2 (the defender's, position 4) counters claim 1; the
     * challengers' claims were made with 5 seconds used, the defender's with 7.
     */
    public static void games(MessageStore store) {
        BlockRef created = block(L1, 2);
        store.commitBatch(new ChainBatch(L1, List.of(created), List.of(
                gameCreated(at(L1, created, 0), L2A, GAME_A0, 0, 10),
                gameCreated(at(L1, created, 1), L2A, GAME_A1, 1, 20),
                gameCreated(at(L1, created, 2), L2B, GAME_B0, 0, 5)), List.of()));
        BlockRef played = block(L1, 3);
        store.commitBatch(new ChainBatch(L1, List.of(played), List.of(
                new ProtocolEvent.GameResolved(at(L1, played, 0), L2A, GAME_A0, 2),
                new ProtocolEvent.DisputeGameBlacklisted(at(L1, played, 1), L2B, GAME_B0),
                move(at(L1, played, 2), 1, 0, 2, 5),
                move(at(L1, played, 3), 2, 1, 4, 7),
                move(at(L1, played, 4), 3, 0, 2, 5)), List.of()));
        store.recordGameVerdict(GAME_A0, true, "the L2 node gives the same output root for L2 block 10", "relayer");
    }

    private static ProtocolEvent.DisputeGameCreated gameCreated(EventRef ref, long l2ChainId, String game, long index,
            long l2Block) {
        return new ProtocolEvent.DisputeGameCreated(ref, l2ChainId, game, 255, hash("root:" + game), index, l2Block,
                ref.blockTimestamp(), 60,
                "0x00000000000000000000000000000000000000c0", java.math.BigInteger.valueOf(80_000_000_000_000_000L));
    }

    private static ProtocolEvent.GameMove move(EventRef ref, long claimIndex, long parentIndex, long position,
            long clockDuration) {
        return new ProtocolEvent.GameMove(ref, L2A, GAME_A1, parentIndex, hash("claim:" + claimIndex),
                address("player:" + claimIndex), claimIndex, BigInteger.valueOf(position),
                BigInteger.valueOf(80_000_000_000_000_000L), GameClaim.packClock(clockDuration, ref.blockTimestamp()));
    }

    static String address(String label) {
        return "0x" + hash(label).substring(26);
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
