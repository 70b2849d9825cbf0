package dev.crossbar.app.config;

import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.SafetyLevel;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.relayer.RelayerSettings;
import dev.crossbar.txmanager.FeePolicy;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code relayer} section, read straight into the relayer's own {@link RelayerSettings} (and its signing keys,
 * which stay references, into {@link SigningKeys}). The declarations below are the settings' only schema: their
 * types, defaults and docs ({@code docs/configuration.md} is generated from them).
 */
final class RelayerSection {
    private RelayerSection() {}

    /** What the section holds: the relayer's settings (null when the section has problems) and its keys. */
    record Read(RelayerSettings settings, List<SigningKeys.ChainKeys> signers) {}

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
    static final ValueType<SafetyLevel> SAFETY_LEVEL = Types.named(SafetyLevel.class, SafetyLevel::configName);
    static final Key<SafetyLevel> INTEROP_SAFETY = Key.of("safety", SAFETY_LEVEL, "cross-unsafe",
            "how safe a source block must be before its L2-to-L2 messages are relayed, on routes without their own"
                    + " level: unsafe, cross-unsafe, safe or finalized (OP Stack interop's levels)");
    static final Key<Confirmations> LEVEL_UNSAFE = Key.of("unsafe", Types.CONFIRMATIONS, "0",
            "what unsafe means on a source chain: blocks on top of the source block, or safe/finalized");
    static final Key<Confirmations> LEVEL_CROSS_UNSAFE = Key.of("crossUnsafe", Types.CONFIRMATIONS, "0",
            "what cross-unsafe means (a chain's node cannot tell it; the devnet maps it to 1 block)");
    static final Key<Confirmations> LEVEL_SAFE = Key.of("safe", Types.CONFIRMATIONS, "safe",
            "what safe means (the node's safe block by default)");
    static final Key<Confirmations> LEVEL_FINALIZED = Key.of("finalized", Types.CONFIRMATIONS, "finalized",
            "what finalized means (the node's finalized block by default)");
    static final Section INTEROP_LEVELS = Section.mapping("levels",
            "The depth each safety level stands for on a source chain.", LEVEL_UNSAFE, LEVEL_CROSS_UNSAFE, LEVEL_SAFE,
            LEVEL_FINALIZED);
    static final Key<Long> ROUTE_FROM = Key.required("from", Types.CHAIN_ID, "the source chain id");
    static final Key<Long> ROUTE_TO = Key.required("to", Types.CHAIN_ID, "the destination chain id");
    static final Key<SafetyLevel> ROUTE_SAFETY = Key.required("safety", SAFETY_LEVEL,
            "the level of this route's messages");
    static final Section INTEROP_ROUTES = Section.list("routes", "Routes with their own safety level.", false,
            ROUTE_FROM, ROUTE_TO, ROUTE_SAFETY);
    static final Key<Duration> INTEROP_EXPIRY = Key.of("expiry", Types.DURATION, "7d",
            "how long after its source block a message can be executed (the OP Stack's 7 days); an older one is"
                    + " dead-lettered, with resendMessage as the way out");
    static final Key<Duration> INTEROP_EXPIRY_WARNING = Key.of("expiryWarning", Types.DURATION, "1d",
            "how long before its expiry a message is relayed before younger ones and counted as near expiry");
    static final Section INTEROP = Section.mapping("interop",
            "L2-to-L2 messages through OP Stack interop (CrossL2Inbox, L2ToL2CrossDomainMessenger).", INTEROP_SAFETY,
            INTEROP_LEVELS, INTEROP_ROUTES, INTEROP_EXPIRY, INTEROP_EXPIRY_WARNING);

    static final Key<Duration> TICK = Key.of("tick", Types.DURATION, "1s",
            "how often each relayer worker looks for due work when nothing wakes it");

    static final Key<Duration> SESSION_TIMEOUT = Key.of("sessionTimeout", Types.DURATION, "30s",
            "how long the consumer group waits for a replica that stopped answering before its routing keys move to"
                    + " another (at least 6s, the broker's minimum)");
    static final Key<String> INSTANCE_ID = Key.optional("instanceId", Types.TEXT, "relayer-$HOSTNAME",
            "this replica's stable member name in the group (static membership: a restarted replica takes its keys"
                    + " back at once); without it and without HOSTNAME the replica is a dynamic member");

    static final Section SECTION = Section.mapping("relayer",
            "The relayer: delivers due messages to their destination chains.",
            GROUP, SIGNER_SLOTS, SIGNERS, CONFIRMATIONS, TICK, SESSION_TIMEOUT, INSTANCE_ID, FEES, RETRY, REPLAY,
            BATCHING, INTEROP);

    /**
     * @param chainIds the configured chains (signers must sign on one of them), or null when unknown
     * @param env the environment ({@code HOSTNAME} names the replica when {@code instanceId} is not set)
     */
    static Read read(SectionReader root, Set<Long> chainIds, Function<String, String> env) {
        SectionReader r = root.section(SECTION);
        int before = r.problemCount();
        String group = r.get(GROUP);
        Integer slots = r.get(SIGNER_SLOTS);
        List<SigningKeys.ChainKeys> signers = r.list(SIGNERS).stream().map(s -> {
            Long chain = s.get(SIGNER_CHAIN);
            if (chain != null && chainIds != null && !chainIds.contains(chain)) {
                s.problem(SIGNER_CHAIN, chain + " is not a configured chain (" + chainIds + ")");
            }
            List<SecretRef> keys = s.get(SIGNER_KEYS);
            if (keys != null && slots != null && keys.size() < slots) {
                s.problem(SIGNER_KEYS, keys.size() + (keys.size() == 1 ? " key" : " keys") + ", fewer than"
                        + " relayer.signerSlots (" + slots + ")");
            }
            return new SigningKeys.ChainKeys(chain == null ? 0 : chain, keys);
        }).toList();
        Integer confirmations = r.get(CONFIRMATIONS);
        Duration tick = r.get(TICK);
        Duration sessionTimeout = r.get(SESSION_TIMEOUT);
        if (sessionTimeout != null && sessionTimeout.toMillis() < 6000) {
            r.problem(SESSION_TIMEOUT, Types.formatDuration(sessionTimeout) + " is below 6s, the broker's minimum");
        }
        String instanceId = instanceId(r, INSTANCE_ID, "relayer", env);

        SectionReader f = r.section(FEES);
        FeePolicy fees = fees(f);
        SectionReader t = r.section(RETRY);
        Duration base = t.get(RETRY_BASE);
        Duration max = t.get(RETRY_MAX);
        Integer attempts = t.get(RETRY_ATTEMPTS);
        Double jitter = t.get(RETRY_JITTER);
        if (base != null && max != null && base.compareTo(max) > 0) {
            t.problem(RETRY_BASE, Types.formatDuration(base) + " is longer than max (" + Types.formatDuration(max)
                    + ")");
        }
        if (jitter != null && jitter >= 1) {
            t.problem(RETRY_JITTER, "'" + jitter + "' must be below 1 (a delay is never negative)");
        }
        SectionReader p = r.section(REPLAY);
        Integer replays = p.get(REPLAY_ATTEMPTS);
        Integer gasRaise = p.get(GAS_RAISE);
        SectionReader b = r.section(BATCHING);
        Map<Long, String> multicall = b.get(BATCH_MULTICALL);
        if (multicall != null && chainIds != null) {
            multicall.keySet().stream().filter(id -> !chainIds.contains(id)).forEach(id -> b.problem(BATCH_MULTICALL,
                    "chain " + id + " is not a configured chain (" + chainIds + ")"));
        }
        Boolean batchOn = b.get(BATCH_ENABLED);
        Integer batchMax = b.get(BATCH_MAX);
        Long gasCap = b.get(BATCH_GAS);
        RelayerSettings.Interop interop = interop(r.section(INTEROP), chainIds);
        if (r.problemCount() > before) {
            return new Read(null, signers);
        }
        try {
            return new Read(new RelayerSettings(group, slots, confirmations, fees, new Backoff(base, max, jitter),
                    attempts, replays, gasRaise, new RelayerSettings.Batching(batchOn, batchMax, gasCap,
                            multicall == null ? Map.of() : multicall), tick, instanceId, sessionTimeout, interop),
                    signers);
        } catch (IllegalArgumentException e) {
            r.problem(e.getMessage());
            return new Read(null, signers);
        }
    }

    /** The {@code interop} section; null when it has problems. */
    private static RelayerSettings.Interop interop(SectionReader i, Set<Long> chainIds) {
        int before = i.problemCount();
        SafetyLevel safety = i.get(INTEROP_SAFETY);
        SectionReader l = i.section(INTEROP_LEVELS);
        Map<SafetyLevel, Confirmations> depths = new java.util.EnumMap<>(SafetyLevel.class);
        java.util.Map.of(SafetyLevel.UNSAFE, LEVEL_UNSAFE, SafetyLevel.CROSS_UNSAFE, LEVEL_CROSS_UNSAFE,
                SafetyLevel.SAFE, LEVEL_SAFE, SafetyLevel.FINALIZED, LEVEL_FINALIZED).forEach((level, key) -> {
                    Confirmations c = l.get(key);
                    if (c != null) {
                        depths.put(level, c);
                    }
                });
        Map<RelayerSettings.Interop.Route, SafetyLevel> routes = new java.util.HashMap<>();
        for (SectionReader route : i.list(INTEROP_ROUTES)) {
            Long from = route.get(ROUTE_FROM);
            Long to = route.get(ROUTE_TO);
            SafetyLevel level = route.get(ROUTE_SAFETY);
            for (Long id : java.util.Arrays.asList(from, to)) {
                if (id != null && chainIds != null && !chainIds.contains(id)) {
                    route.problem(id.equals(from) ? ROUTE_FROM : ROUTE_TO, id + " is not a configured chain ("
                            + chainIds + ")");
                }
            }
            if (from != null && to != null && level != null
                    && routes.put(new RelayerSettings.Interop.Route(from, to), level) != null) {
                route.problem(ROUTE_FROM, "the route " + from + " -> " + to + " is listed twice");
            }
        }
        Duration expiry = i.get(INTEROP_EXPIRY);
        Duration warning = i.get(INTEROP_EXPIRY_WARNING);
        if (expiry != null && warning != null && warning.compareTo(expiry) >= 0) {
            i.problem(INTEROP_EXPIRY_WARNING, Types.formatDuration(warning) + " is not shorter than expiry ("
                    + Types.formatDuration(expiry) + ")");
        }
        if (i.problemCount() > before) {
            return null;
        }
        return new RelayerSettings.Interop(safety, routes, depths, expiry, warning);
    }

    /**
     * The {@code fees} section (the relayer's and the monitor's own) as the transaction manager's policy; null when
     * it has problems.
     */
    static FeePolicy fees(SectionReader f) {
        int before = f.problemCount();
        BigInteger priority = f.get(PRIORITY_FEE);
        BigInteger cap = f.get(MAX_FEE_CAP);
        Integer bump = f.get(BUMP_PERCENT);
        Integer bumps = f.get(MAX_BUMPS);
        Duration stuck = f.get(STUCK_AFTER);
        if (priority != null && cap != null && priority.compareTo(cap) > 0) {
            f.problem(PRIORITY_FEE, Types.formatAmount(priority) + " is above maxFeeCap (" + Types.formatAmount(cap)
                    + ")");
        }
        if (cap != null && cap.signum() == 0) {
            f.problem(MAX_FEE_CAP, "must be more than 0wei");
        }
        if (f.problemCount() > before) {
            return null;
        }
        try {
            return new FeePolicy(priority, cap, bump, bumps, stuck);
        } catch (IllegalArgumentException e) {
            f.problem(e.getMessage());
            return null;
        }
    }

    /**
     * A replica's static member name: the key's value, else {@code <role>-$HOSTNAME} (a pod's name, stable across
     * its restarts), else null (a dynamic member).
     */
    static String instanceId(SectionReader r, Key<String> key, String role, Function<String, String> env) {
        String id = r.get(key);
        if (id == null) {
            String host = env.apply("HOSTNAME");
            id = host == null || host.isBlank() ? null : role + "-" + host;
            r.setEffective(key, id);
        } else if (id.isBlank()) {
            r.problem(key, "must not be blank");
        }
        return id;
    }
}
