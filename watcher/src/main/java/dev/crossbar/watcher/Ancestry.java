package dev.crossbar.watcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.store.BlockRef;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Block-hash ancestry, the watcher's reorg signal (anvil's log subscription sends no {@code removed} logs after a
 * reorg, so hashes are what tells): whether a fetched range extends what was recorded and is consistent with its
 * logs, and, after a reorg, the newest recorded block that is still canonical.
 */
final class Ancestry {
    private static final Logger log = LoggerFactory.getLogger(Ancestry.class);

    private final String chain;
    private final ChainReads reads;

    Ancestry(String chain, ChainReads reads) {
        this.chain = chain;
        this.reads = reads;
    }

    /**
     * Why {@code blocks} and {@code logs} do not form one consistent piece of chain extending {@code expectedParent}
     * (a reorg between the calls), or empty when they do.
     */
    static Optional<String> inconsistency(List<BlockRef> blocks, JsonNode logs, String expectedParent) {
        if (expectedParent != null && !blocks.getFirst().parentHash().equalsIgnoreCase(expectedParent)) {
            return Optional.of("block " + blocks.getFirst().number() + " does not extend the cursor");
        }
        Map<Long, String> hashes = new HashMap<>();
        for (int i = 0; i < blocks.size(); i++) {
            BlockRef b = blocks.get(i);
            if (i > 0 && !b.parentHash().equalsIgnoreCase(blocks.get(i - 1).hash())) {
                return Optional.of("block " + b.number() + " is not the child of block " + (b.number() - 1));
            }
            hashes.put(b.number(), b.hash());
        }
        for (JsonNode l : logs) {
            JsonNode number = l.path("blockNumber");
            JsonNode hash = l.path("blockHash");
            if (!number.isTextual() || !hash.isTextual()) {
                continue; // the decoder sets it aside with its reason
            }
            String h = hashes.get(Numeric.toBigInt(number.asText()).longValueExact());
            if (h != null && !h.equalsIgnoreCase(hash.asText())) {
                return Optional.of("log in block " + number.asText() + " has hash " + hash.asText()
                        + ", the header says " + h);
            }
        }
        return Optional.empty();
    }

    /**
     * The newest of the {@code recent} recorded blocks (newest first) that is still canonical; when none is (a reorg
     * deeper than the window), the block before the oldest of them.
     */
    Future<BlockRef> ancestor(List<BlockRef> recent) {
        return ancestor(recent, 0);
    }

    private Future<BlockRef> ancestor(List<BlockRef> recent, int i) {
        if (i >= recent.size()) {
            BlockRef oldest = recent.isEmpty() ? null : recent.getLast();
            String why = "no recorded block within the last " + recent.size() + " is canonical any more: the reorg is "
                    + "deeper than the ancestry window";
            log.error("deep reorg chain={} detail={}", chain, why);
            if (oldest == null) {
                return Future.failedFuture(new IllegalStateException(why));
            }
            // Roll back past everything we can vouch for: re-read from the block before the oldest we know.
            return reads.header(oldest.number() - 1);
        }
        BlockRef b = recent.get(i);
        return reads.blockHash(b.number()).compose(h -> h != null && h.equalsIgnoreCase(b.hash())
                ? Future.succeededFuture(b) : ancestor(recent, i + 1));
    }
}
