package dev.crossbar.relayer;

import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.SafetyLevel;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.txmanager.FeePolicy;
import java.time.Duration;
import java.util.Map;

/**
 * How the relayer behaves.
 *
 * @param group the Kafka consumer group of the relayer instances
 * @param signerSlots signing keys per destination chain: each message is routed to one slot, each slot to one key
 * @param confirmations blocks a delivery transaction needs before it counts
 * @param fees EIP-1559 pricing, cap and stuck-transaction policy
 * @param retry backoff between attempts at one message
 * @param maxAttempts attempts at a message before it is dead-lettered
 * @param replayMaxAttempts replays of a message that failed on its destination before it is dead-lettered
 * @param gasRaisePercent how much more gas each replay gets, in percent of the message's gas limit
 * @param batching relaying several L2-to-L2 messages in one transaction
 * @param tick how often each worker looks for due work when nothing wakes it
 * @param instanceId this instance's stable name in the consumer group (static membership: a restarted instance
 *     takes its partitions back at once); null for dynamic membership
 * @param sessionTimeout how long the group waits for an instance that stopped answering before moving its keys;
 *     also how long a key's lease lasts unless renewed (a third of it is the margin a send needs left)
 * @param interop the rules of L2-to-L2 relays: the safety level per route, message expiry
 */
public record RelayerSettings(String group, int signerSlots, int confirmations, FeePolicy fees, Backoff retry,
        int maxAttempts, int replayMaxAttempts, int gasRaisePercent, Batching batching, Duration tick,
        String instanceId, Duration sessionTimeout, Interop interop) {

    /** Settings with the default interop rules ({@link Interop#defaults()}). */
    public RelayerSettings(String group, int signerSlots, int confirmations, FeePolicy fees, Backoff retry,
            int maxAttempts, int replayMaxAttempts, int gasRaisePercent, Batching batching, Duration tick,
            String instanceId, Duration sessionTimeout) {
        this(group, signerSlots, confirmations, fees, retry, maxAttempts, replayMaxAttempts, gasRaisePercent, batching,
                tick, instanceId, sessionTimeout, Interop.defaults());
    }

    public RelayerSettings {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("relayer group must be set");
        }
        if (signerSlots < 1 || signerSlots > 64) {
            throw new IllegalArgumentException("relayer signerSlots must be between 1 and 64, was " + signerSlots);
        }
        if (confirmations < 1) {
            throw new IllegalArgumentException("relayer confirmations must be at least 1, was " + confirmations);
        }
        if (sessionTimeout == null || sessionTimeout.toMillis() < 6000) {
            throw new IllegalArgumentException("relayer sessionTimeout must be at least 6s (the broker's minimum)");
        }
        if (maxAttempts < 1 || replayMaxAttempts < 0 || gasRaisePercent < 0) {
            throw new IllegalArgumentException("relayer maxAttempts must be >= 1, replayMaxAttempts and"
                    + " gasRaisePercent >= 0");
        }
        if (interop == null) {
            throw new IllegalArgumentException("relayer interop rules must be set");
        }
    }

    /** These settings with other interop rules. */
    public RelayerSettings withInterop(Interop rules) {
        return new RelayerSettings(group, signerSlots, confirmations, fees, retry, maxAttempts, replayMaxAttempts,
                gasRaisePercent, batching, tick, instanceId, sessionTimeout, rules);
    }

    /**
     * The rules of L2-to-L2 relays (OP Stack interop).
     *
     * @param safety the safety level a source block must reach before its messages are relayed, on routes without
     *     their own
     * @param routes the level of particular routes (source chain id to destination chain id)
     * @param depths what each level means on the source chain: a block count, or the node's safe/finalized tag (a
     *     level missing here is 0 blocks)
     * @param expiry how long after its source block's timestamp a message can still be executed (7 days in the OP
     *     Stack); past it the relayer dead-letters the message
     * @param expiryWarning how long before the expiry a message counts as near it: it is relayed before younger ones,
     *     logged and counted ({@code crossbar_relayer_messages_near_expiry})
     */
    public record Interop(SafetyLevel safety,
            Map<Route, SafetyLevel> routes,
            Map<SafetyLevel, Confirmations> depths,
            Duration expiry, Duration expiryWarning) {
        /** The OP Stack's message expiry: 7 days after the source block's timestamp. */
        public static final Duration OP_EXPIRY = Duration.ofDays(7);

        public Interop {
            routes = Map.copyOf(routes);
            depths = Map.copyOf(depths);
            if (safety == null || expiry == null || expiryWarning == null) {
                throw new IllegalArgumentException("interop safety, expiry and expiryWarning must be set");
            }
            if (expiry.isNegative() || expiry.isZero() || expiryWarning.isNegative()
                    || expiryWarning.compareTo(expiry) >= 0) {
                throw new IllegalArgumentException("interop expiry must be positive and expiryWarning shorter than it");
            }
        }

        /** A route of L2-to-L2 messages. */
        public record Route(long source, long destination) {}

        /**
         * Relays once the watcher has confirmed the source block and it is cross-unsafe; cross-unsafe and unsafe are
         * 0 blocks (a chain's node cannot tell them), safe and finalized the node's tags; expiry 7 days, warned a day
         * before.
         */
        public static Interop defaults() {
            return new Interop(SafetyLevel.CROSS_UNSAFE, Map.of(), Map.of(
                    SafetyLevel.UNSAFE, Confirmations.blocks(0),
                    SafetyLevel.CROSS_UNSAFE, Confirmations.blocks(0),
                    SafetyLevel.SAFE, Confirmations.tag("safe"),
                    SafetyLevel.FINALIZED,
                    Confirmations.tag("finalized")), OP_EXPIRY, Duration.ofDays(1));
        }

        /** The level of messages from {@code source} to {@code destination}. */
        public SafetyLevel levelOf(long source, long destination) {
            return routes.getOrDefault(new Route(source, destination), safety);
        }

        /** What {@link #levelOf} means on the source chain. */
        public Confirmations depthOf(long source, long destination) {
            return depths.getOrDefault(levelOf(source, destination), Confirmations.blocks(0));
        }
    }

    /**
     * @param multicall the Multicall3-style contract to batch through, per chain id (chains without one are not
     *     batched)
     * @param gasCap the most gas one batch may use
     */
    public record Batching(boolean enabled, int maxMessages, long gasCap, Map<Long, String> multicall) {
        public Batching {
            multicall = Map.copyOf(multicall);
            if (enabled && (maxMessages < 2 || gasCap < 100_000)) {
                throw new IllegalArgumentException("batching needs maxMessages >= 2 and gasCap >= 100000");
            }
        }

        public static Batching off() {
            return new Batching(false, 2, 8_000_000, Map.of());
        }
    }

    public static RelayerSettings defaults() {
        return new RelayerSettings("crossbar-relayer", 1, 1, FeePolicy.defaults(),
                new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), 0.2), 20, 3, 50, Batching.off(),
                Duration.ofSeconds(1), null, Duration.ofSeconds(30));
    }
}
