package dev.crossbar.relayer;

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
 */
public record RelayerSettings(String group, int signerSlots, int confirmations, FeePolicy fees, Backoff retry,
        int maxAttempts, int replayMaxAttempts, int gasRaisePercent, Batching batching, Duration tick,
        String instanceId, Duration sessionTimeout) {

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
