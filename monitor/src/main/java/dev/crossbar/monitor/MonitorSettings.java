package dev.crossbar.monitor;

import dev.crossbar.core.policy.Backoff;
import dev.crossbar.txmanager.FeePolicy;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the monitor behaves.
 *
 * @param group its Kafka consumer group on the events topic
 * @param tick how often it polls the chains (heads, outputs, deadlines, actions) when no event wakes it
 * @param challengeMargin the fraction of a challenge window before whose end a bad output must be deleted: an
 *     output still unchecked or undeleted at {@code proposal + window * (1 - margin)} raises its own critical alert
 * @param chainDefaults the checks and thresholds of every chain not listed in {@code chains}
 * @param chains per chain id: its checks and thresholds
 * @param pauseOnMisbehaviour pause the chain's Portal with the guardian key when misbehaviour is found
 * @param escapeOn finding kinds after which the guardian also puts the Portal into escape mode (permanent)
 * @param reopenForExits once a Portal is in escape mode, reset its chain's breaker so that the relayer proves and
 *     finalizes withdrawals against the last valid output (the Portal admits nothing else)
 * @param maxLagBlocks the monitor is behind a chain when it has not processed its last this many blocks
 * @param lagGrace how long it may stay behind before MONITOR_LAGGING is raised
 * @param endpointLagTolerance how long a check waits for an endpoint that has not reached the block it asks about
 *     before deciding without it
 * @param checkGiveUpAfter how long an event's check may stay inconclusive before CHECK_INCONCLUSIVE is raised
 * @param fees how the monitor's own transactions (challenge, pause, escape, reclaim) are priced
 * @param alerts where alerts go and how they are retried
 * @param extraRpc more endpoints per L2 chain id, to cross-check what the configured endpoints say
 * @param instanceId this instance's stable name in its consumer group (static membership); null for dynamic
 * @param sessionTimeout how long the group waits for an instance that stopped answering
 * @param alphabetGameTypes dispute game types whose VM is OP's AlphabetVM (a test VM, for devnets): the monitor plays
 *     those games as an honest challenger with the alphabet trace; games of other types are watched and alerted on,
 *     never played (no trace provider for their VM)
 */
public record MonitorSettings(String group, Duration tick, double challengeMargin, ChainChecks chainDefaults,
        Map<Long, ChainChecks> chains, boolean pauseOnMisbehaviour, Set<FindingKind> escapeOn, boolean reopenForExits,
        long maxLagBlocks, Duration lagGrace, Duration endpointLagTolerance, Duration checkGiveUpAfter,
        FeePolicy fees, Alerts alerts, Map<Long, List<URI>> extraRpc, String instanceId, Duration sessionTimeout,
        Set<Integer> alphabetGameTypes) {

    /** Settings that play no dispute game. */
    public MonitorSettings(String group, Duration tick, double challengeMargin, ChainChecks chainDefaults,
            Map<Long, ChainChecks> chains, boolean pauseOnMisbehaviour, Set<FindingKind> escapeOn,
            boolean reopenForExits, long maxLagBlocks, Duration lagGrace, Duration endpointLagTolerance,
            Duration checkGiveUpAfter, FeePolicy fees, Alerts alerts, Map<Long, List<URI>> extraRpc,
            String instanceId, Duration sessionTimeout) {
        this(group, tick, challengeMargin, chainDefaults, chains, pauseOnMisbehaviour, escapeOn, reopenForExits,
                maxLagBlocks, lagGrace, endpointLagTolerance, checkGiveUpAfter, fees, alerts, extraRpc, instanceId,
                sessionTimeout, Set.of());
    }

    /** These settings, playing the games of {@code types} with the alphabet trace. */
    /** These settings with {@code checks} for chain {@code chainId} (its thresholds and switched-off checks). */
    public MonitorSettings withChecks(long chainId, ChainChecks checks) {
        Map<Long, ChainChecks> all = new java.util.HashMap<>(chains);
        all.put(chainId, checks);
        return new MonitorSettings(group, tick, challengeMargin, chainDefaults, all, pauseOnMisbehaviour, escapeOn,
                reopenForExits, maxLagBlocks, lagGrace, endpointLagTolerance, checkGiveUpAfter, fees, alerts, extraRpc,
                instanceId, sessionTimeout, alphabetGameTypes);
    }

    /** These settings with endpoints allowed to be behind a block for {@code tolerance} before it counts. */
    public MonitorSettings withEndpointLagTolerance(Duration tolerance) {
        return new MonitorSettings(group, tick, challengeMargin, chainDefaults, chains, pauseOnMisbehaviour, escapeOn,
                reopenForExits, maxLagBlocks, lagGrace, tolerance, checkGiveUpAfter, fees, alerts, extraRpc,
                instanceId, sessionTimeout, alphabetGameTypes);
    }

    public MonitorSettings withAlphabetGameTypes(Set<Integer> types) {
        return new MonitorSettings(group, tick, challengeMargin, chainDefaults, chains, pauseOnMisbehaviour, escapeOn,
                reopenForExits, maxLagBlocks, lagGrace, endpointLagTolerance, checkGiveUpAfter, fees, alerts, extraRpc,
                instanceId, sessionTimeout, types);
    }

    /** Settings with no extra endpoints, dynamic membership and a 30 s session timeout. */
    public MonitorSettings(String group, Duration tick, double challengeMargin, ChainChecks chainDefaults,
            Map<Long, ChainChecks> chains, boolean pauseOnMisbehaviour, Set<FindingKind> escapeOn,
            boolean reopenForExits, long maxLagBlocks, Duration lagGrace, Duration endpointLagTolerance,
            Duration checkGiveUpAfter, FeePolicy fees, Alerts alerts) {
        this(group, tick, challengeMargin, chainDefaults, chains, pauseOnMisbehaviour, escapeOn, reopenForExits,
                maxLagBlocks, lagGrace, endpointLagTolerance, checkGiveUpAfter, fees, alerts, Map.of(), null,
                Duration.ofSeconds(30));
    }

    public MonitorSettings {
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("monitor group must be set");
        }
        positive("tick", tick);
        if (!(challengeMargin > 0 && challengeMargin < 1)) {
            throw new IllegalArgumentException("challengeMargin must be above 0 and below 1, was " + challengeMargin);
        }
        Objects.requireNonNull(chainDefaults, "chainDefaults");
        alphabetGameTypes = alphabetGameTypes == null ? Set.of() : Set.copyOf(alphabetGameTypes);
        chains = chains == null ? Map.of() : Map.copyOf(chains);
        escapeOn = escapeOn == null || escapeOn.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(escapeOn));
        escapeOn.stream().filter(k -> !k.misbehaviour()).findFirst().ifPresent(k -> {
            throw new IllegalArgumentException("escapeOn: " + k + " is not a misbehaviour finding");
        });
        if (maxLagBlocks < 1) {
            throw new IllegalArgumentException("maxLagBlocks must be at least 1, was " + maxLagBlocks);
        }
        positive("lagGrace", lagGrace);
        positive("endpointLagTolerance", endpointLagTolerance);
        positive("checkGiveUpAfter", checkGiveUpAfter);
        Objects.requireNonNull(fees, "fees");
        Objects.requireNonNull(alerts, "alerts");
        extraRpc = extraRpc == null ? Map.of() : Map.copyOf(extraRpc);
        if (sessionTimeout == null || sessionTimeout.toMillis() < 6000) {
            throw new IllegalArgumentException("monitor sessionTimeout must be at least 6s (the broker's minimum)");
        }
    }

    /** The checks and thresholds of one chain. */
    public ChainChecks checks(long chainId) {
        return chains.getOrDefault(chainId, chainDefaults);
    }

    /**
     * Where alerts go.
     *
     * @param retry backoff between attempts at one alert on a failing webhook
     * @param maxAttempts attempts at one alert before it is dropped (logged and counted)
     * @param queueCapacity alerts waiting per webhook; when full the oldest is dropped (checks never wait)
     * @param resendInterval how often firing alerts are sent again to Alertmanager webhooks (which expire them)
     * @param generatorUrl the link in every alert (e.g. the service's /api/findings)
     */
    public record Alerts(List<Webhook> webhooks, Backoff retry, int maxAttempts, int queueCapacity,
            Duration resendInterval, URI generatorUrl) {
        public Alerts {
            webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
            Objects.requireNonNull(retry, "retry");
            if (maxAttempts < 1 || queueCapacity < 1) {
                throw new IllegalArgumentException("alerts maxAttempts and queueCapacity must be at least 1");
            }
            positive("resendInterval", resendInterval);
        }

        public static Alerts to(List<Webhook> webhooks) {
            return new Alerts(webhooks, new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2), 50, 1000,
                    Duration.ofMinutes(1), URI.create("http://127.0.0.1:8080/api/findings"));
        }
    }

    /** A webhook and its format. */
    public record Webhook(URI url, Format format) {
        public enum Format {
            /** Alertmanager's {@code POST /api/v2/alerts}: an array of alerts with labels and annotations. */
            ALERTMANAGER,
            /** One JSON object per alert ({@code crossbar.alert/v1}). */
            JSON
        }

        public Webhook {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(format, "format");
        }
    }

    public static MonitorSettings standard() {
        return new MonitorSettings("crossbar-monitor", Duration.ofSeconds(5), 0.5, ChainChecks.defaults(), Map.of(),
                true, Set.of(), true, 100, Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofHours(1),
                FeePolicy.defaults(), Alerts.to(List.of()));
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("monitor " + name + " must be positive, was " + d);
        }
    }
}
