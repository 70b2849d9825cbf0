package dev.crossbar.app.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code relayer} section: how the relayer signs, prices, retries, replays and batches.
 *
 * @param group the Kafka consumer group its replicas share
 * @param signerSlots signing keys per destination chain: each message is routed to one slot by its id (Kafka key
 *     {@code <chainId>:<slot>}), each slot to one key, so a key has exactly one writer
 * @param signers the signing keys, per destination chain, by reference
 * @param confirmations blocks on top of a relayer transaction before it counts as confirmed
 * @param tick how often each relayer worker looks for due work when nothing wakes it
 */
public record RelayerSettings(String group, int signerSlots, List<Signer> signers, int confirmations, Fees fees,
        Retry retry, Replay replay, Batching batching, Duration tick) {

    /** The keys that sign on one chain. */
    public record Signer(long chainId, List<SecretRef> keys) {}

    /**
     * EIP-1559 pricing and replacement of stuck transactions.
     *
     * @param bumpPercent how much a replacement raises both fees (nodes refuse less than 10%)
     * @param maxBumps replacements before a transaction is left to the retry policy
     * @param stuckAfter how long a transaction may stay unmined before it is replaced
     */
    public record Fees(BigInteger priorityFee, BigInteger maxFeeCap, int bumpPercent, int maxBumps,
            Duration stuckAfter) {}

    /** Exponential backoff between attempts: {@code min(max, base * 2^attempt)}, randomized by +-jitter. */
    public record Retry(Duration base, Duration max, int maxAttempts, double jitter) {}

    /** Replaying messages that reverted on the destination (FAILED). */
    public record Replay(int maxAttempts, int gasRaisePercent) {}

    /**
     * Delivering several messages in one transaction.
     *
     * @param multicall the Multicall3-style contract to batch through, per chain id (chains without one are not
     *     batched)
     */
    public record Batching(boolean enabled, int maxMessages, long gasCap, Map<Long, String> multicall) {
        public Batching {
            multicall = multicall == null ? Map.of() : Map.copyOf(multicall);
        }
    }

    static final Key<String> GROUP = Key.of("group", Types.TEXT, "crossbar-relayer",
            "the Kafka consumer group its replicas share");
    static final Key<Integer> SIGNER_SLOTS = Key.of("signerSlots", Types.integer(1, 64), "1",
            "signing keys per destination chain: each message goes to one slot (by its id), each slot to one key;"
                    + " every signers entry needs at least this many keys; the same on every replica");
    static final Key<Long> SIGNER_CHAIN = Key.required("chainId", Types.CHAIN_ID, "the chain these keys sign on");
    static final Key<List<SecretRef>> SIGNER_KEYS = Key.required("keys", ValueType.listOf(RefTypes.SECRET, 1),
            "the private keys, as secret references (never the keys themselves)");
    static final Section SIGNERS = Section.list("signers", "The relayer's signing keys, per chain it sends on.",
            false, SIGNER_CHAIN, SIGNER_KEYS);
    static final Key<Integer> CONFIRMATIONS = Key.of("confirmations", Types.integer(1, 1000), "1",
            "blocks on top of a relayer transaction before it counts as confirmed");

    static final Key<BigInteger> PRIORITY_FEE = Key.of("priorityFee", Types.AMOUNT, "1gwei",
            "the tip offered per gas (maxPriorityFeePerGas) of a first attempt");
    static final Key<BigInteger> MAX_FEE_CAP = Key.of("maxFeeCap", Types.AMOUNT, "200gwei",
            "the most ever offered per gas (maxFeePerGas), replacements included");
    static final Key<Integer> BUMP_PERCENT = Key.of("bumpPercent", Types.integer(10, 1000), "15",
            "how much a replacement raises both fees, in percent (nodes refuse less than 10)");
    static final Key<Integer> MAX_BUMPS = Key.of("maxBumps", Types.integer(0, 50), "5",
            "replacements of one stuck transaction before it is cancelled and left to the retry policy");
    static final Key<Duration> STUCK_AFTER = Key.of("stuckAfter", Types.DURATION, "30s",
            "how long a transaction may stay unmined before it is replaced");
    static final Section FEES = Section.mapping("fees", "EIP-1559 fees and replacement of stuck transactions.",
            PRIORITY_FEE, MAX_FEE_CAP, BUMP_PERCENT, MAX_BUMPS, STUCK_AFTER);

    static final Key<Duration> RETRY_BASE = Key.of("base", Types.DURATION, "2s", "the first delay");
    static final Key<Duration> RETRY_MAX = Key.of("max", Types.DURATION, "5m", "the longest delay");
    static final Key<Integer> RETRY_ATTEMPTS = Key.of("maxAttempts", Types.integer(1, 10_000), "20",
            "attempts before a message is dead-lettered with its last error");
    static final Key<Double> RETRY_JITTER = Key.of("jitter", Types.FRACTION, "0.2",
            "random spread of each delay, as a fraction of it (0.2: +-20%), below 1");
    static final Section RETRY = Section.mapping("retry",
            "Backoff between delivery attempts: min(max, base * 2^attempt), spread by jitter.",
            RETRY_BASE, RETRY_MAX, RETRY_ATTEMPTS, RETRY_JITTER);

    static final Key<Integer> REPLAY_ATTEMPTS = Key.of("maxAttempts", Types.integer(0, 100), "3",
            "replays of a message that reverted on its destination before it is dead-lettered");
    static final Key<Integer> GAS_RAISE = Key.of("gasRaisePercent", Types.integer(0, 1000), "50",
            "how much each replay raises the gas limit, in percent");
    static final Section REPLAY = Section.mapping("replay", "Replaying messages that reverted on the destination.",
            REPLAY_ATTEMPTS, GAS_RAISE);

    static final Key<Boolean> BATCH_ENABLED = Key.of("enabled", Types.BOOLEAN, "false",
            "deliver several messages in one transaction");
    static final Key<Integer> BATCH_MAX = Key.of("maxMessages", Types.integer(2, 1000), "20",
            "messages in one batch at most");
    static final Key<Long> BATCH_GAS = Key.of("gasCap", Types.longAtLeast(100_000), "8000000",
            "gas of one batch transaction at most");
    static final Key<Map<Long, String>> BATCH_MULTICALL = Key.optional("multicall", RefTypes.CHAIN_ADDRESSES,
            "none (no batching)", "the Multicall3-style contract to batch through, per chain id (chain id: address);"
                    + " chains without one are not batched");
    static final Section BATCHING = Section.mapping("batching", "Batching L2-to-L2 deliveries.", BATCH_ENABLED,
            BATCH_MAX, BATCH_GAS, BATCH_MULTICALL);
    static final Key<Duration> TICK = Key.of("tick", Types.DURATION, "1s",
            "how often each relayer worker looks for due work when nothing wakes it");

    static final Section SECTION = Section.mapping("relayer",
            "The relayer: delivers due messages to their destination chains.",
            GROUP, SIGNER_SLOTS, SIGNERS, CONFIRMATIONS, TICK, FEES, RETRY, REPLAY, BATCHING);

    /** @param chainIds the configured chains (signers must sign on one of them), or null when unknown */
    static RelayerSettings read(SectionReader root, Set<Long> chainIds) {
        SectionReader r = root.section(SECTION);
        String group = r.get(GROUP);
        Integer slots = r.get(SIGNER_SLOTS);
        List<Signer> signers = r.list(SIGNERS).stream().map(s -> {
            Long chain = s.get(SIGNER_CHAIN);
            if (chain != null && chainIds != null && !chainIds.contains(chain)) {
                s.problem(SIGNER_CHAIN, chain + " is not a configured chain (" + chainIds + ")");
            }
            List<SecretRef> keys = s.get(SIGNER_KEYS);
            if (keys != null && slots != null && keys.size() < slots) {
                s.problem(SIGNER_KEYS, keys.size() + (keys.size() == 1 ? " key" : " keys") + ", fewer than"
                        + " relayer.signerSlots (" + slots + ")");
            }
            return new Signer(orZero(chain), keys);
        }).toList();
        Integer confirmations = r.get(CONFIRMATIONS);
        Duration tick = r.get(TICK);

        SectionReader f = r.section(FEES);
        Fees fees = new Fees(f.get(PRIORITY_FEE), f.get(MAX_FEE_CAP), orZero(f.get(BUMP_PERCENT)),
                orZero(f.get(MAX_BUMPS)), f.get(STUCK_AFTER));
        if (fees.priorityFee() != null && fees.maxFeeCap() != null
                && fees.priorityFee().compareTo(fees.maxFeeCap()) > 0) {
            f.problem(PRIORITY_FEE, Types.formatAmount(fees.priorityFee()) + " is above maxFeeCap ("
                    + Types.formatAmount(fees.maxFeeCap()) + ")");
        }
        if (fees.maxFeeCap() != null && fees.maxFeeCap().signum() == 0) {
            f.problem(MAX_FEE_CAP, "must be more than 0wei");
        }
        SectionReader t = r.section(RETRY);
        Retry retry = new Retry(t.get(RETRY_BASE), t.get(RETRY_MAX), orZero(t.get(RETRY_ATTEMPTS)),
                t.get(RETRY_JITTER) == null ? 0 : t.get(RETRY_JITTER));
        if (retry.base() != null && retry.max() != null && retry.base().compareTo(retry.max()) > 0) {
            t.problem(RETRY_BASE, Types.formatDuration(retry.base()) + " is longer than max ("
                    + Types.formatDuration(retry.max()) + ")");
        }
        if (retry.jitter() >= 1) {
            t.problem(RETRY_JITTER, "'" + retry.jitter() + "' must be below 1 (a delay is never negative)");
        }
        SectionReader p = r.section(REPLAY);
        Replay replay = new Replay(orZero(p.get(REPLAY_ATTEMPTS)), orZero(p.get(GAS_RAISE)));
        SectionReader b = r.section(BATCHING);
        Map<Long, String> multicall = b.get(BATCH_MULTICALL);
        if (multicall != null && chainIds != null) {
            multicall.keySet().stream().filter(id -> !chainIds.contains(id)).forEach(id -> b.problem(BATCH_MULTICALL,
                    "chain " + id + " is not a configured chain (" + chainIds + ")"));
        }
        Batching batching = new Batching(Boolean.TRUE.equals(b.get(BATCH_ENABLED)), orZero(b.get(BATCH_MAX)),
                b.get(BATCH_GAS) == null ? 0 : b.get(BATCH_GAS), multicall);
        return new RelayerSettings(group, orZero(slots), signers, orZero(confirmations), fees, retry, replay,
                batching, tick);
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }
}
