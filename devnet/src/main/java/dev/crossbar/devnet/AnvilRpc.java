package dev.crossbar.devnet;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/** The anvil-only JSON-RPC methods the devnet and its tests use ({@code anvil_*}, {@code evm_*}). */
public final class AnvilRpc {
    /**
     * One lock per node (by URL), held while its mining is stopped: two threads that each stop and restore the
     * mining (the sequencer's deposits, the interop block check's take-aways) would otherwise interleave, and the
     * first to finish would resume mining under the other, mining its transactions in separate blocks.
     */
    private static final Map<Object, ReentrantLock> MINING_LOCKS = new ConcurrentHashMap<>();

    private final Web3jService service;
    private final ReentrantLock miningLock;

    public AnvilRpc(Web3jService service) {
        this.service = service;
        Object node = service instanceof HttpService http ? http.getUrl() : service;
        this.miningLock = MINING_LOCKS.computeIfAbsent(node, k -> new ReentrantLock());
    }

    /** Places runtime {@code code} at {@code address} (how the L2 predeploys are installed). */
    public void setCode(String address, String code) throws IOException {
        call("anvil_setCode", List.of(address, code));
    }

    public void setBalance(String address, BigInteger wei) throws IOException {
        call("anvil_setBalance", List.of(address, Numeric.toHexStringWithPrefix(wei)));
    }

    public void setStorageAt(String address, String slot, String value) throws IOException {
        call("anvil_setStorageAt", List.of(address, slot, value));
    }

    /** Moves the chain's clock forward; the next block carries the new time. */
    public void increaseTime(long seconds) throws IOException {
        call("evm_increaseTime", List.of(seconds));
    }

    /** Mines {@code blocks} blocks now. */
    public void mine(long blocks) throws IOException {
        call("anvil_mine", List.of(Numeric.toHexStringWithPrefix(BigInteger.valueOf(blocks))));
    }

    /** Replaces the last {@code depth} blocks with new empty ones ({@link #reorg(long, List)} with no transactions). */
    public void reorg(long depth) throws IOException {
        reorg(depth, List.of());
    }

    /**
     * Replaces the last {@code depth} blocks with new ones holding {@code txs}: pairs of a signed transaction (hex) and
     * the new block it goes into, counted from the first new block (0). The new blocks are mined now, with mining
     * stopped meanwhile: the removed blocks are rolled back ({@link #rollback}) and each new block gets its
     * transactions through the pool. A transaction the node refuses (a nonce that no longer fits) is left out, as
     * {@code anvil_reorg} leaves it out. Not {@code anvil_reorg} itself: it mines the new blocks at the common block's
     * time and sets the node's clock back to it, which puts the chain's time behind the other devnet chains' (a relay
     * moved into such a block would execute before its source, and the interop block check would take it away).
     */
    public void reorg(long depth, List<List<Object>> txs) throws IOException {
        Sends work = () -> {
            rollback(depth);
            for (long block = 0; block < depth; block++) {
                for (List<Object> t : txs) {
                    if (((Number) t.get(1)).longValue() == block) {
                        new Request<>("eth_sendRawTransaction", List.of(t.get(0)), service, RawResponse.class).send();
                    }
                }
                mine(1);
            }
        };
        if (miningCanBeStopped()) {
            whileMiningStopped(work);
        } else {
            work.send();
        }
    }

    /**
     * Removes the last {@code depth} blocks (anvil {@code anvil_rollback}): their transactions leave the chain and
     * are not put back in the pool; the next block mined takes the first removed block's number. Anvil sets its
     * clock back to the new head's time; the clock is put forward again to where it was.
     */
    public void rollback(long depth) throws IOException {
        long clock = clock();
        long started = System.nanoTime();
        call("anvil_rollback", List.of(depth));
        setTime(clock + (System.nanoTime() - started) / 1_000_000_000L);
    }

    /**
     * The node's clock: the timestamp its next block would have now (wall clock plus whatever
     * {@link #increaseTime} added), read with an {@code eth_call} of {@code TIMESTAMP} on the pending block.
     */
    public long clock() throws IOException {
        // Creation code that returns TIMESTAMP: TIMESTAMP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN.
        Object r = call("eth_call", List.of(Map.of("data", "0x4260005260206000f3"), "pending"));
        return Numeric.toBigInt(String.valueOf(r)).longValueExact();
    }

    /** Sets the node's clock to {@code timestamp} ({@code evm_setTime}); the next block carries it. */
    public void setTime(long timestamp) throws IOException {
        call("evm_setTime", List.of(timestamp));
    }

    /** A transaction's signed bytes (hex), or null when the node does not have it. */
    public String rawTransaction(String hash) throws IOException {
        Object raw = call("eth_getRawTransactionByHash", List.of(hash));
        return raw == null ? null : raw.toString();
    }

    /**
     * The node's JSON of a transaction, with the fields web3j's {@code Transaction} drops (a deposit's
     * {@code sourceHash}, {@code mint}, {@code isSystemTx}); null when the node does not have it.
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> transactionJson(String hash) throws IOException {
        return (Map<String, Object>) call("eth_getTransactionByHash", List.of(hash));
    }

    /** Sets the base fee of the next block (for fee-spike tests). */
    public void setNextBlockBaseFeePerGas(BigInteger wei) throws IOException {
        call("anvil_setNextBlockBaseFeePerGas", List.of(Numeric.toHexStringWithPrefix(wei)));
    }

    public void impersonate(String address) throws IOException {
        call("anvil_impersonateAccount", List.of(address));
    }

    public void stopImpersonating(String address) throws IOException {
        call("anvil_stopImpersonatingAccount", List.of(address));
    }

    /** Mines a block every {@code seconds} (0 switches interval mining off). */
    public void setIntervalMining(long seconds) throws IOException {
        call("evm_setIntervalMining", List.of(seconds));
    }

    public void setAutomine(boolean enabled) throws IOException {
        call("evm_setAutomine", List.of(enabled));
    }

    /**
     * Whether {@code tx} (an {@code eth_call} transaction object: from, to, value, gas, data, hex-encoded) would
     * run without reverting on the latest state with the account overrides {@code overrides} (e.g. a balance), as
     * geth's {@code eth_call} with a state override runs it.
     *
     * @return null when it succeeds, otherwise the node's reason (a revert, running out of gas, ...)
     */
    public String callFailure(Map<String, String> tx, Map<String, Map<String, String>> overrides) throws IOException {
        Response<?> r = new Request<>("eth_call", List.of(tx, "latest", overrides), service, RawResponse.class).send();
        return r.hasError() ? r.getError().getMessage() : null;
    }

    /** Something sent to the chain that {@link #inOneBlock} mines. */
    @FunctionalInterface
    public interface Sends {
        void send() throws IOException;
    }

    /**
     * Runs {@code sends} with mining stopped, then mines one block, which holds every transaction sent meanwhile,
     * and mines again as the node did before (automine, interval mining, or not at all when mining was stopped).
     * Anvil has no other way to put given transactions in one block: the devnet's sequencer uses it for a deposit
     * and the record of its execution.
     *
     * @throws IOException when the node refuses a mining call, or mines blocks less than a second apart (anvil
     *     stops and resumes interval mining only by whole seconds)
     */
    public void inOneBlock(Sends sends) throws IOException {
        whileMiningStopped(() -> {
            sends.send();
            mine(1);
        });
    }

    /**
     * Runs {@code work} with mining stopped (no block is mined meanwhile unless {@code work} mines one), then mines
     * again as the node did before. Callers in this process that stop the same node's mining take turns.
     *
     * @throws IOException when the node refuses a mining call, or mines blocks less than a second apart (see
     *     {@link #miningCanBeStopped})
     */
    public void whileMiningStopped(Sends work) throws IOException {
        miningLock.lock();
        try {
            stopMiningFor(work);
        } finally {
            miningLock.unlock();
        }
    }

    private void stopMiningFor(Sends work) throws IOException {
        boolean automine = Boolean.TRUE.equals(query("anvil_getAutomine"));
        long seconds = intervalSeconds();
        if (!automine && seconds == 0 && query("anvil_getIntervalMining") != null) {
            throw new IOException("the node mines blocks less than a second apart: anvil cannot stop and resume such"
                    + " mining, so transactions cannot be put in one block");
        }
        if (automine) {
            setAutomine(false);
        } else if (seconds > 0) {
            setIntervalMining(0);
        }
        try {
            work.send();
        } finally {
            if (automine) {
                setAutomine(true);
            } else if (seconds > 0) {
                setIntervalMining(seconds);
            }
        }
    }

    /**
     * Whether {@link #whileMiningStopped} can stop the node's mining: not when it mines blocks less than a second
     * apart.
     */
    public boolean miningCanBeStopped() throws IOException {
        return Boolean.TRUE.equals(query("anvil_getAutomine")) || intervalSeconds() > 0
                || query("anvil_getIntervalMining") == null;
    }

    private long intervalSeconds() throws IOException {
        Object interval = query("anvil_getIntervalMining");
        return interval == null ? 0 : new BigInteger(interval.toString()).longValueExact();
    }

    private Object query(String method) throws IOException {
        Response<?> r = new Request<>(method, List.of(), service, RawResponse.class).send();
        if (r.hasError()) {
            throw new IOException(method + " failed: " + r.getError().getMessage());
        }
        return r.getResult();
    }

    private Object call(String method, List<?> params) throws IOException {
        Response<?> r = new Request<>(method, params, service, RawResponse.class).send();
        if (r.hasError()) {
            throw new IOException(method + " failed: " + r.getError().getMessage());
        }
        return r.getResult();
    }

    /** A response whose result is ignored. */
    public static final class RawResponse extends Response<Object> {}
}
