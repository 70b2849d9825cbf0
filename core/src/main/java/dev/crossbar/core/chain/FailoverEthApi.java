package dev.crossbar.core.chain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.crossbar.core.rpc.RpcException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * An {@link EthApi} over several endpoints of one chain, most preferred first. A call goes to the first endpoint not
 * cooling down; when that one fails to answer ({@link RpcException.Transport}), it cools down for {@code cooldown}
 * and the call goes to the next. Every endpoint is asked at most once per call: those not cooling down first, in
 * order, then the ones cooling down (rather than fail without asking). Only when every endpoint failed does the call
 * fail, with a {@link RpcException.Transport} naming each one's problem. A node's answer (an error, a revert, a
 * malformed result) is the chain's answer: it is returned to the caller, never a reason to ask another endpoint.
 *
 * <p>An endpoint can also answer and still be of no use: stuck on an old head (a node that stopped syncing). So, at
 * most once per {@code cooldown}, {@link #blockNumber} asks every endpoint for its head, and one more than
 * {@link #BEHIND_TOLERANCE} blocks behind the highest cools down as one that failed would (with a warning naming it,
 * its head and the highest). The calls then go to an endpoint that is up to date, and a stale head is taken for the
 * chain's head for one {@code cooldown} at most. (An endpoint claiming a head higher than the others' wins this
 * comparison: where endpoints may lie, the watcher's {@code quorum} cross-checks what it records.)
 */
public final class FailoverEthApi implements EthApi {
    /** Blocks an endpoint may be behind the highest head before it is set aside as behind. */
    public static final int BEHIND_TOLERANCE = 3;
    private static final Logger log = LoggerFactory.getLogger(FailoverEthApi.class);

    private final String name;
    private final long chainId;
    private final List<Member> members;
    private final Duration cooldown;
    private final LongSupplier nanoTime;
    /** When the endpoints' heads were last compared. */
    private final AtomicLong headsComparedNanos;

    private static final class Member {
        final EthApi api;
        volatile long downUntilNanos;
        volatile boolean down;

        Member(EthApi api) {
            this.api = api;
        }

        boolean isUp(long now) {
            return !down || now - downUntilNanos >= 0;
        }
    }

    /**
     * @param name the chain's name, for logs and errors
     * @param endpoints one API per endpoint of the same chain, most preferred first
     * @param cooldown how long an endpoint that failed to answer is asked only after the others
     */
    public FailoverEthApi(String name, List<EthApi> endpoints, Duration cooldown) {
        this(name, endpoints, cooldown, System::nanoTime);
    }

    FailoverEthApi(String name, List<EthApi> endpoints, Duration cooldown, LongSupplier nanoTime) {
        if (endpoints == null || endpoints.isEmpty()) {
            throw new IllegalArgumentException("chain " + name + ": at least one endpoint is needed");
        }
        if (cooldown == null || cooldown.isNegative()) {
            throw new IllegalArgumentException("chain " + name + ": cooldown must not be negative, was " + cooldown);
        }
        this.name = name;
        this.chainId = endpoints.getFirst().chainId();
        for (EthApi e : endpoints) {
            if (e.chainId() != chainId) {
                throw new IllegalArgumentException("chain " + name + ": endpoint " + e.name() + " is of chain "
                        + e.chainId() + ", not " + chainId);
            }
        }
        this.members = endpoints.stream().map(Member::new).toList();
        this.cooldown = cooldown;
        this.nanoTime = nanoTime;
        this.headsComparedNanos = new AtomicLong(nanoTime.getAsLong());
    }

    /** The endpoints not cooling down, in order, then the ones cooling down, in order. */
    private List<Member> order() {
        long now = nanoTime.getAsLong();
        List<Member> up = new ArrayList<>(members.size());
        List<Member> cooling = new ArrayList<>();
        for (Member m : members) {
            (m.isUp(now) ? up : cooling).add(m);
        }
        up.addAll(cooling);
        return up;
    }

    private <T> T attempt(String what, Function<EthApi, T> call) {
        List<Member> order = order();
        List<String> problems = new ArrayList<>();
        RpcException.Transport last = null;
        for (int i = 0; i < order.size(); i++) {
            Member m = order.get(i);
            try {
                T answer = call.apply(m.api);
                m.down = false;
                return answer;
            } catch (RpcException.Transport e) {
                last = e;
                coolDown(m);
                problems.add(e.getMessage());
                if (i + 1 < order.size()) {
                    log.warn("rpc failover chain={} call={} from={} to={} reason=\"{}\"", name, what, m.api.name(),
                            order.get(i + 1).api.name(), e.getMessage());
                }
            }
        }
        throw new RpcException.Transport(name + ": " + what + " failed on every endpoint: "
                + String.join("; ", problems), last);
    }

    @Override
    public long chainId() {
        return chainId;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public JsonNode request(String method, List<?> params) {
        return attempt(method, e -> e.request(method, params));
    }

    @Override
    public List<JsonNode> batch(List<Call> calls) {
        return attempt("a batch of " + calls.size() + " calls", e -> e.batch(calls));
    }

    @Override
    public List<dev.crossbar.core.rpc.JsonRpcClient.Answer> batchAnswers(List<Call> calls) {
        return attempt("a batch of " + calls.size() + " calls", e -> e.batchAnswers(calls));
    }

    @Override
    public boolean batchesRequests() {
        return members.stream().allMatch(m -> m.api.batchesRequests());
    }

    @Override
    public long blockNumber() {
        compareHeadsWhenDue();
        return attempt("eth_blockNumber", EthApi::blockNumber);
    }

    /** Once per cooldown (one caller does it): cools down the endpoints well behind the highest head. */
    private void compareHeadsWhenDue() {
        long last = headsComparedNanos.get();
        long now = nanoTime.getAsLong();
        if (members.size() < 2 || now - last < cooldown.toNanos() || !headsComparedNanos.compareAndSet(last, now)) {
            return;
        }
        long[] heads = new long[members.size()];
        long best = -1;
        String bestName = null;
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            heads[i] = -1;
            if (!m.isUp(now)) {
                continue;
            }
            try {
                heads[i] = m.api.blockNumber();
            } catch (RpcException.Transport e) {
                coolDown(m);
                continue;
            }
            if (heads[i] > best) {
                best = heads[i];
                bestName = m.api.name();
            }
        }
        for (int i = 0; i < members.size(); i++) {
            if (heads[i] >= 0 && heads[i] < best - BEHIND_TOLERANCE) {
                Member m = members.get(i);
                coolDown(m);
                log.warn("rpc endpoint behind chain={} endpoint={} head={} highest={} at={}: asked only after the"
                        + " others for {}", name, m.api.name(), heads[i], best, bestName, cooldown);
            }
        }
    }

    private void coolDown(Member m) {
        m.downUntilNanos = nanoTime.getAsLong() + cooldown.toNanos();
        m.down = true;
    }

    @Override
    public Header header(String tagOrHex) {
        return attempt("eth_getBlockByNumber", e -> e.header(tagOrHex));
    }

    @Override
    public Optional<Header> findHeader(String tagOrHex) {
        return attempt("eth_getBlockByNumber", e -> e.findHeader(tagOrHex));
    }

    @Override
    public BigInteger storageAt(String address, String slot, long block) {
        return attempt("eth_getStorageAt", e -> e.storageAt(address, slot, block));
    }

    @Override
    public String callAt(String to, String data, String blockTag) {
        return attempt("eth_call", e -> e.callAt(to, data, blockTag));
    }

    @Override
    public List<Log> logs(String address, String topic0, long from, long to) {
        return attempt("eth_getLogs", e -> e.logs(address, topic0, from, to));
    }

    @Override
    public Optional<Transaction> transaction(String hash) {
        return attempt("eth_getTransactionByHash", e -> e.transaction(hash));
    }

    @Override
    public BigInteger nonce(String address, String tag) {
        return attempt("eth_getTransactionCount", e -> e.nonce(address, tag));
    }

    @Override
    public BigInteger balance(String address) {
        return attempt("eth_getBalance", e -> e.balance(address));
    }

    @Override
    public String call(String from, String to, String data, BigInteger value) {
        return attempt("eth_call", e -> e.call(from, to, data, value));
    }

    @Override
    public BigInteger estimateGas(String from, String to, String data, BigInteger value) {
        return attempt("eth_estimateGas", e -> e.estimateGas(from, to, data, value));
    }

    @Override
    public String call(String from, TxCall tx) {
        return attempt("eth_call", e -> e.call(from, tx));
    }

    @Override
    public BigInteger estimateGas(String from, TxCall tx) {
        return attempt("eth_estimateGas", e -> e.estimateGas(from, tx));
    }

    @Override
    public String sendRaw(String signedHex) {
        return attempt("eth_sendRawTransaction", e -> e.sendRaw(signedHex));
    }

    @Override
    public Optional<TransactionReceipt> receipt(String txHash) {
        return attempt("eth_getTransactionReceipt", e -> e.receipt(txHash));
    }

    @Override
    public boolean knowsTransaction(String txHash) {
        return attempt("eth_getTransactionByHash", e -> e.knowsTransaction(txHash));
    }

    @Override
    public EthGetProof.Proof proof(String address, List<String> slots, long block) {
        return attempt("eth_getProof", e -> e.proof(address, slots, block));
    }

    @Override
    public List<EthApi> endpoints() {
        return members.stream().flatMap(m -> m.api.endpoints().stream()).toList();
    }

    /** Closes every endpoint's API. */
    @Override
    public void close() {
        members.forEach(m -> m.api.close());
    }
}
