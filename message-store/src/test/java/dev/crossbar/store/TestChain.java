package dev.crossbar.store;

import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A chain as a watcher would see it, for tests: blocks with deterministic hashes (block 1 is the first; a
 * fork gives the blocks above its point new hashes), events at those blocks, and batches of them. Transaction
 * hashes depend only on their label, so the same transaction can be mined again in a replacement block.
 */
final class TestChain {
    final long chainId;
    private final List<BlockRef> blocks = new ArrayList<>();
    private String fork = "a";

    TestChain(long chainId) {
        this.chainId = chainId;
    }

    BlockRef mine() {
        long number = blocks.size() + 1;
        String parent = blocks.isEmpty() ? hash("genesis:" + chainId) : blocks.getLast().hash();
        BlockRef b = new BlockRef(number, hash(chainId + ":" + number + ":" + fork), parent, 1_700_000_000L + number * 2);
        blocks.add(b);
        return b;
    }

    List<BlockRef> mine(int n) {
        List<BlockRef> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(mine());
        }
        return out;
    }

    BlockRef block(long number) {
        return blocks.get((int) number - 1);
    }

    BlockRef head() {
        return blocks.getLast();
    }

    /** Forgets the blocks above {@code keep}; blocks mined from now on are on fork {@code tag}. */
    void fork(long keep, String tag) {
        while (blocks.size() > keep) {
            blocks.removeLast();
        }
        fork = tag;
    }

    /** Where an event sits: in {@code block}, transaction {@code tx} (a label), at {@code logIndex}. */
    EventRef at(BlockRef block, int tx, int logIndex) {
        return at(block, tx, logIndex, address("emitter"));
    }

    EventRef at(BlockRef block, int tx, int logIndex, String emitter) {
        return new EventRef(chainId, block.number(), block.hash(), block.timestamp(), txHash(tx), logIndex, emitter);
    }

    String txHash(int tx) {
        return hash("tx:" + chainId + ":" + tx);
    }

    ChainBatch batch(BlockRef block, ProtocolEvent... events) {
        return batch(List.of(block), events);
    }

    ChainBatch batch(List<BlockRef> blocks, ProtocolEvent... events) {
        return new ChainBatch(chainId, blocks, List.of(events), List.of());
    }

    /** A 20-byte address derived from a label. */
    static String address(String label) {
        return "0x" + hash(label).substring(26);
    }

    /** A 32-byte hash derived from a label (lower-case 0x hex). */
    static String hash(String label) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
            return "0x" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
