package dev.crossbar.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.chain.EthApi;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Hash;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A chain for unit tests of the code above {@link EthApi}: contract views answered by function signature
 * ({@code onCall(portal, "finalizedWithdrawals(bytes32)", FakeEthApi.bool(false))}), simulations that pass or revert
 * with a reason, a head whose time a test moves, and a pool that takes signed transactions and mines them when told.
 *
 * <p>What a test did not program fails loudly, naming the call, so a test never passes on an answer nobody chose.
 * Every eth_call and simulation is logged ({@link #asked}) for tests that check what was asked before a send.
 * Safe to use from a worker thread and a test thread at once.
 */
public final class FakeEthApi implements EthApi {
    private final long chainId;
    private final String name;
    private final Map<String, Function<String, String>> calls = new HashMap<>();
    private final Map<String, Function<String, BigInteger>> estimates = new HashMap<>();
    private final Map<String, String> pool = new LinkedHashMap<>();
    private final Map<String, TransactionReceipt> receipts = new HashMap<>();
    private final Map<String, BigInteger> mined = new HashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final List<List<org.web3j.crypto.AccessListObject>> accessLists = new java.util.ArrayList<>();
    private volatile long head = 1;
    private volatile long timestamp = 1_700_000_000L;
    private volatile BigInteger baseFee = BigInteger.valueOf(1_000_000_000L);

    public FakeEthApi(long chainId, String name) {
        this.chainId = chainId;
        this.name = name;
    }

    // ---- programming it -------------------------------------------------------------------------------

    /** Answers {@code eth_call}s of {@code signature} (e.g. {@code "escapeMode()"}) on {@code to} with {@code result}. */
    public synchronized FakeEthApi onCall(String to, String signature, String result) {
        return onCall(to, signature, data -> result);
    }

    /**
     * Answers {@code eth_call}s of {@code signature} on {@code to} with what {@code answer} makes of the call data (it
     * may throw {@link Reverted}, see {@link #reverted}).
     */
    public synchronized FakeEthApi onCall(String to, String signature, Function<String, String> answer) {
        calls.put(key(to, selector(signature)), answer);
        return this;
    }

    /** Simulations of {@code signature} on {@code to} go through and use {@code gas}. */
    public synchronized FakeEthApi onEstimate(String to, String signature, BigInteger gas) {
        return onEstimate(to, signature, data -> gas);
    }

    /** Simulations of {@code signature} on {@code to}: the gas {@code answer} gives, or the revert it throws. */
    public synchronized FakeEthApi onEstimate(String to, String signature, Function<String, BigInteger> answer) {
        estimates.put(key(to, selector(signature)), answer);
        return this;
    }

    /** Moves the head to {@code number}, with block time {@code timestamp} (seconds). */
    public void head(long number, long timestamp) {
        this.head = number;
        this.timestamp = timestamp;
    }

    public void baseFee(BigInteger wei) {
        this.baseFee = wei;
    }

    /** Mines every transaction in the pool in the next block, each succeeding; returns their hashes. */
    public synchronized List<String> mineAll() {
        List<String> hashes = new ArrayList<>(pool.keySet());
        head++;
        timestamp += 2;
        for (String hash : hashes) {
            SignedRawTransaction tx = decode(pool.remove(hash));
            TransactionReceipt r = new TransactionReceipt();
            r.setTransactionHash(hash);
            r.setBlockNumber(Numeric.encodeQuantity(BigInteger.valueOf(head)));
            r.setBlockHash(blockHash(head));
            r.setStatus("0x1");
            r.setGasUsed("0x5208");
            r.setFrom(from(tx));
            r.setTo(tx.getTo());
            receipts.put(hash, r);
            mined.merge(from(tx), BigInteger.ONE, BigInteger::add);
        }
        return hashes;
    }

    // ---- what happened --------------------------------------------------------------------------------

    /** The eth_calls and simulations asked so far, as {@code call <to> <signature selector>} or {@code estimate ...}. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    /** Signed transactions broadcast and not mined yet, by hash. */
    public synchronized Map<String, String> pool() {
        return Map.copyOf(pool);
    }

    /** A broadcast transaction, decoded. */
    public static SignedRawTransaction decode(String signedHex) {
        return (SignedRawTransaction) TransactionDecoder.decode(signedHex);
    }

    // ---- answers --------------------------------------------------------------------------------------

    /** An ABI-encoded bool. */
    public static String bool(boolean value) {
        return uint(value ? BigInteger.ONE : BigInteger.ZERO);
    }

    /** An ABI-encoded uint256. */
    public static String uint(BigInteger value) {
        return Numeric.toHexStringWithPrefixZeroPadded(value, 64);
    }

    /** Static ABI words (uint, bytes32 as hex) one after the other, as a tuple of static types is encoded. */
    public static String words(Object... values) {
        StringBuilder out = new StringBuilder("0x");
        for (Object v : values) {
            String word = switch (v) {
                case BigInteger b -> Numeric.toHexStringNoPrefixZeroPadded(b, 64);
                case Long l -> Numeric.toHexStringNoPrefixZeroPadded(BigInteger.valueOf(l), 64);
                case Integer i -> Numeric.toHexStringNoPrefixZeroPadded(BigInteger.valueOf(i), 64);
                case byte[] b when b.length == 32 -> Numeric.toHexStringNoPrefix(b);
                case String hex when Numeric.cleanHexPrefix(hex).length() == 64 -> Numeric.cleanHexPrefix(hex);
                default -> throw new IllegalArgumentException("not a static ABI word: " + v);
            };
            out.append(word);
        }
        return out.toString();
    }

    /** The revert a contract's {@code require(..., reason)} makes: {@code Error(string)} data and the message. */
    public static Reverted reverted(String reason) {
        String data = selector("Error(string)") + FunctionEncoder.encodeConstructor(List.of(new Utf8String(reason)));
        return new Reverted("execution reverted: " + reason, data);
    }

    /** The 4-byte selector of a function signature, 0x hex. */
    public static String selector(String signature) {
        return Hash.sha3String(signature.replace(" ", "")).substring(0, 10);
    }

    // ---- EthApi -----------------------------------------------------------------------------------------

    @Override
    public long chainId() {
        return chainId;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String call(String from, String to, String data, BigInteger value) {
        String selector = data.substring(0, Math.min(10, data.length())).toLowerCase(Locale.ROOT);
        asked.add("call " + to.toLowerCase(Locale.ROOT) + " " + selector);
        Function<String, String> answer;
        synchronized (this) {
            answer = calls.get(key(to, selector));
        }
        if (answer == null) {
            throw new IllegalStateException(name + ": the test gave no answer for eth_call to " + to + " of selector "
                    + selector);
        }
        return answer.apply(data);
    }

    /** Calls and estimates carry their access lists here, in order, and are answered as without one. */
    @Override
    public String call(String from, TxCall tx) {
        synchronized (this) {
            accessLists.add(tx.accessList());
        }
        return call(from, tx.to(), tx.data(), tx.value());
    }

    @Override
    public BigInteger estimateGas(String from, TxCall tx) {
        synchronized (this) {
            accessLists.add(tx.accessList());
        }
        return estimateGas(from, tx.to(), tx.data(), tx.value());
    }

    /** The access lists of the calls and estimates made with {@link TxCall}s, in order. */
    public synchronized List<List<org.web3j.crypto.AccessListObject>> accessLists() {
        return List.copyOf(accessLists);
    }

    @Override
    public String callAt(String to, String data, String blockTag) {
        return call(null, to, data, null);
    }

    @Override
    public BigInteger estimateGas(String from, String to, String data, BigInteger value) {
        String selector = data.substring(0, Math.min(10, data.length())).toLowerCase(Locale.ROOT);
        asked.add("estimate " + to.toLowerCase(Locale.ROOT) + " " + selector);
        Function<String, BigInteger> answer;
        synchronized (this) {
            answer = estimates.get(key(to, selector));
        }
        if (answer == null) {
            throw new IllegalStateException(name + ": the test gave no answer for a simulation on " + to
                    + " of selector " + selector);
        }
        return answer.apply(data);
    }

    @Override
    public long blockNumber() {
        return head;
    }

    @Override
    public Header header(String tagOrHex) {
        return findHeader(tagOrHex).orElseThrow(() -> new IllegalStateException(name + " has no block " + tagOrHex));
    }

    @Override
    public Optional<Header> findHeader(String tagOrHex) {
        long n = tagOrHex.startsWith("0x") ? Numeric.toBigInt(tagOrHex).longValueExact() : head;
        if (n > head) {
            return Optional.empty();
        }
        long time = timestamp - 2 * (head - n);
        return Optional.of(new Header(n, blockHash(n), Hash.sha3String(name + ":state:" + n), time, baseFee));
    }

    @Override
    public synchronized BigInteger nonce(String address, String tag) {
        BigInteger done = mined.getOrDefault(address.toLowerCase(Locale.ROOT), BigInteger.ZERO);
        if (!"pending".equals(tag)) {
            return done;
        }
        long waiting = pool.values().stream().filter(raw -> from(decode(raw)).equals(address.toLowerCase(Locale.ROOT)))
                .count();
        return done.add(BigInteger.valueOf(waiting));
    }

    @Override
    public BigInteger balance(String address) {
        return BigInteger.TEN.pow(21);
    }

    @Override
    public synchronized String sendRaw(String signedHex) {
        String hash = Hash.sha3(signedHex);
        if (!receipts.containsKey(hash)) {
            pool.put(hash, signedHex);
        }
        return hash;
    }

    @Override
    public synchronized Optional<TransactionReceipt> receipt(String txHash) {
        return Optional.ofNullable(receipts.get(txHash.toLowerCase(Locale.ROOT)));
    }

    @Override
    public synchronized boolean knowsTransaction(String txHash) {
        String h = txHash.toLowerCase(Locale.ROOT);
        return pool.containsKey(h) || receipts.containsKey(h);
    }

    @Override
    public JsonNode request(String method, List<?> params) {
        throw unprogrammed("request " + method);
    }

    @Override
    public List<JsonNode> batch(List<Call> calls) {
        throw unprogrammed("a batch of " + calls.size() + " calls");
    }

    @Override
    public BigInteger storageAt(String address, String slot, long block) {
        throw unprogrammed("storageAt " + address + " " + slot);
    }

    @Override
    public List<Log> logs(String address, String topic0, long from, long to) {
        throw unprogrammed("logs of " + address);
    }

    @Override
    public Optional<Transaction> transaction(String hash) {
        throw unprogrammed("transaction " + hash);
    }

    @Override
    public EthGetProof.Proof proof(String address, List<String> slots, long block) {
        throw unprogrammed("proof of " + address);
    }

    private UnsupportedOperationException unprogrammed(String what) {
        return new UnsupportedOperationException(name + ": FakeEthApi does not answer " + what);
    }

    private String blockHash(long n) {
        return Hash.sha3String(name + ":block:" + n);
    }

    private static String from(SignedRawTransaction tx) {
        try {
            return tx.getFrom().toLowerCase(Locale.ROOT);
        } catch (java.security.SignatureException e) {
            throw new IllegalArgumentException("a broadcast transaction with a bad signature: " + e.getMessage(), e);
        }
    }

    private static String key(String to, String selector) {
        return to.toLowerCase(Locale.ROOT) + " " + selector.toLowerCase(Locale.ROOT);
    }
}
