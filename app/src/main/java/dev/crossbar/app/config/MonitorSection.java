package dev.crossbar.app.config;

import dev.crossbar.core.policy.Backoff;
import dev.crossbar.monitor.ChainChecks;
import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.MonitorSettings;
import dev.crossbar.txmanager.FeePolicy;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code monitor} section, read straight into the monitor's own {@link MonitorSettings} (its keys, which stay
 * references, into {@link SigningKeys}): the watchtower's thresholds, per-chain checks, actions and alert sinks.
 * The declarations below are the settings' only schema.
 */
final class MonitorSection {
    private MonitorSection() {}

    /** What the section holds: the monitor's settings (null when the section has problems) and its keys. */
    record Read(MonitorSettings settings, SecretRef challenger, SecretRef guardian, SecretRef reclaimer,
            List<SecretRef> exitAccounts) {}

    /** Where an alert webhook's requests go, in {@code kind}'s format. */
    enum WebhookKind { ALERTMANAGER, JSON }

    static final Key<SecretRef> CHALLENGER = Key.optional("challengerKey", RefTypes.SECRET,
            "none (alerts only)", "the challenger's key: deletes bad output roots still inside their window");
    static final Key<SecretRef> GUARDIAN = Key.optional("guardianKey", RefTypes.SECRET, "none (alerts only)",
            "the guardian's key: pauses a bridge after proven misbehaviour (and puts it into escape mode, see escapeOn)");
    static final Key<SecretRef> RECLAIMER = Key.optional("reclaimerKey", RefTypes.SECRET, "none (exits left to others)",
            "the key that carries out exits in escape mode: reclaims every deposit the L2 never executed to its sender");
    static final Key<List<SecretRef>> EXIT_ACCOUNTS = Key.optional("accounts", ValueType.listOf(RefTypes.SECRET, 1),
            "none (no forced withdrawals)", "the keys of the watched accounts: when an L2 that settles through dispute"
                    + " games censors deposits (CENSORED_DEPOSIT) or halts (CHAIN_HALTED), each account sends, from"
                    + " itself, an L1 deposit that withdraws its whole L2 balance through the message passer; the"
                    + " relayer then proves and finalizes the withdrawal. Each account needs L1 ether for the gas");
    static final Section EXITS = Section.mapping("exits", "Forced withdrawals of watched accounts (dispute-game L2s;"
            + " on output-oracle L2s exits are escape mode's, see reclaimerKey).", EXIT_ACCOUNTS);
    static final Key<String> GROUP = Key.of("group", Types.TEXT, "crossbar-monitor",
            "the monitor's Kafka consumer group on the events topic (run one monitor replica per group)");
    static final Key<Duration> TICK = Key.of("tick", Types.DURATION, "5s",
            "how often the monitor polls the chains (heads, outputs, deadlines, actions) when no event wakes it");
    static final Key<Duration> LIVENESS = Key.of("proposerLivenessTimeout", Types.DURATION, "10m",
            "an L2 that moves on without a new output root (an output, or a game of the respected type) for this"
                    + " long (L1 time) is a finding (PROPOSER_DOWN)");
    static final Key<Duration> INCLUSION = Key.of("depositInclusionWindow", Types.DURATION, "10m",
            "a deposit not executed on its L2 within this long (L1 time) is a finding (CENSORED_DEPOSIT)");
    static final Key<Integer> REORG_DEPTH = Key.of("safeReorgDepth", Types.integer(1, 10_000), "16",
            "a reorg deeper than this many blocks is a finding (DEEP_REORG)");
    static final Key<Duration> HALT = Key.of("chainHaltAfter", Types.DURATION, "2m",
            "no new block for this long is a finding (CHAIN_HALTED)");
    static final Key<Double> MARGIN = Key.of("challengeMargin", Types.FRACTION, "0.5",
            "fraction of a challenge window before whose end a bad output must be challenged; an output still"
                    + " unchecked or undeleted by then is a critical finding of its own (WINDOW_CLOSING_*)");
    static final Key<Boolean> PAUSE = Key.of("pauseOnMisbehaviour", Types.BOOLEAN, "true",
            "pause the chain's Portal with the guardian key when misbehaviour is found");
    static final Key<List<FindingKind>> ESCAPE_ON = Key.optional("escapeOn",
            ValueType.listOf(Types.oneOf(FindingKind.class, true), 1), "none",
            "finding kinds after which the guardian also puts the Portal into escape mode, which is permanent"
                    + " (e.g. CENSORED_DEPOSIT, PROPOSER_DOWN); misbehaviour kinds only");
    static final Key<Boolean> REOPEN = Key.of("reopenForExits", Types.BOOLEAN, "true",
            "once a Portal is in escape mode, reset its chain's breaker so that the relayer proves and finalizes"
                    + " withdrawals against the last valid output (the only ones the Portal admits)");
    static final Key<Long> MAX_LAG = Key.of("maxLagBlocks", Types.longAtLeast(1), "100",
            "the monitor is behind a chain when it has not processed its last this many blocks (MONITOR_LAGGING)");
    static final Key<Duration> LAG_GRACE = Key.of("lagGrace", Types.DURATION, "30s",
            "how long the monitor may stay behind a chain before MONITOR_LAGGING is raised");
    static final Key<Duration> ENDPOINT_LAG = Key.of("endpointLagTolerance", Types.DURATION, "2m",
            "how long a check waits for an endpoint that has not reached the block it asks about before it decides"
                    + " with the others");
    static final Key<List<Integer>> ALPHABET_TYPES = Key.optional("alphabetGameTypes",
            ValueType.listOf(Types.integer(0, Integer.MAX_VALUE), 0), "none (devnet only)",
            "dispute game types whose VM is OP's AlphabetVM (a test VM: devnets only); the monitor plays those games as"
                    + " an honest challenger; games of other types are watched and alerted on, never played");
    static final Key<Map<Long, List<URI>>> EXTRA_RPC = Key.optional("extraRpc", RefTypes.CHAIN_URLS, "none",
            "more endpoints per L2 (chain id: [urls]) to cross-check the configured ones");
    static final Key<Duration> RESEND = Key.of("alertResendInterval", Types.DURATION, "1m",
            "how often firing alerts are sent again to Alertmanager webhooks (Alertmanager expires silent ones)");
    static final Key<URI> ALERT_LINK = Key.optional("alertLink", Types.HTTP_URL,
            "http://<http.address><http.pathPrefix>/api/findings", "the link (generatorURL) in every alert");
    static final Key<URI> WEBHOOK_URL = Key.required("url", Types.HTTP_URL, "where alerts are posted");
    static final Key<WebhookKind> WEBHOOK_KIND = Key.of("kind", Types.oneOf(WebhookKind.class), "json",
            "alertmanager (its POST /api/v2/alerts format) or json (one finding per request)");
    static final Section WEBHOOKS = Section.list("webhooks", "Alert sinks: every finding is posted to each; a failing"
            + " one is retried with backoff and never holds the checks up.", false, WEBHOOK_URL, WEBHOOK_KIND);
    static final Key<Long> CHECK_CHAIN = Key.required("chainId", Types.CHAIN_ID, "the chain these settings are for");
    static final Key<List<Check>> CHECK_DISABLED = Key.optional("disabled",
            ValueType.listOf(Types.oneOf(Check.class), 1), "none (every check runs)",
            "checks switched off on this chain: outputs, withdrawal_proofs, relays, deposits, proposer_liveness,"
                    + " finalizations, halts, reorgs");
    static final Key<Duration> CHECK_LIVENESS = Key.optional("proposerLivenessTimeout", Types.DURATION,
            "monitor.proposerLivenessTimeout", "this chain's proposer liveness timeout");
    static final Key<Duration> CHECK_INCLUSION = Key.optional("depositInclusionWindow", Types.DURATION,
            "monitor.depositInclusionWindow", "this chain's deposit inclusion window");
    static final Key<Integer> CHECK_REORG = Key.optional("safeReorgDepth", Types.integer(1, 10_000),
            "monitor.safeReorgDepth", "this chain's safe reorg depth");
    static final Key<Duration> CHECK_HALT = Key.optional("chainHaltAfter", Types.DURATION, "monitor.chainHaltAfter",
            "this chain's halt threshold");
    static final Section CHECKS = Section.list("checks", "Per-chain checks and thresholds; a chain not listed runs"
            + " every check with the thresholds above.", false, CHECK_CHAIN, CHECK_DISABLED, CHECK_LIVENESS,
            CHECK_INCLUSION, CHECK_REORG, CHECK_HALT);

    static final Key<Duration> GIVE_UP = Key.of("checkGiveUpAfter", Types.DURATION, "1h",
            "how long an event's check may stay inconclusive (e.g. an endpoint without the state it needs) before"
                    + " CHECK_INCONCLUSIVE is raised");
    static final Key<Duration> ALERT_RETRY_BASE = Key.of("base", Types.DURATION, "1s", "the first delay");
    static final Key<Duration> ALERT_RETRY_MAX = Key.of("max", Types.DURATION, "1m", "the longest delay");
    static final Key<Integer> ALERT_ATTEMPTS = Key.of("maxAttempts", Types.integer(1, 10_000), "50",
            "attempts at one alert before it is dropped (logged and counted)");
    static final Key<Double> ALERT_JITTER = Key.of("jitter", Types.FRACTION, "0.2",
            "random spread of each delay, as a fraction of it, below 1");
    static final Key<Integer> ALERT_QUEUE = Key.of("queueCapacity", Types.integer(1, 1_000_000), "1000",
            "alerts waiting per webhook; when full the oldest is dropped (checks never wait)");
    static final Section ALERT_DELIVERY = Section.mapping("alertDelivery",
            "Retrying alerts on a failing webhook: min(max, base * 2^attempt), spread by jitter.", ALERT_RETRY_BASE,
            ALERT_RETRY_MAX, ALERT_ATTEMPTS, ALERT_JITTER, ALERT_QUEUE);
    static final Key<Duration> SESSION_TIMEOUT = Key.of("sessionTimeout", Types.DURATION, "30s",
            "how long the consumer group waits for a monitor that stopped answering (at least 6s)");
    static final Key<String> INSTANCE_ID = Key.optional("instanceId", Types.TEXT, "monitor-$HOSTNAME",
            "this replica's stable member name in its group (static membership); without it and without HOSTNAME"
                    + " it is a dynamic member");

    static final Section SECTION = Section.mapping("monitor",
            "The monitor (watchtower): checks outputs, withdrawals, relays, deposits, finalizations, liveness, halts"
                    + " and reorgs; challenges bad outputs, trips breakers, pauses bridges, carries out exits, alerts.",
            CHALLENGER, GUARDIAN, RECLAIMER, EXITS, GROUP, TICK, LIVENESS, INCLUSION, REORG_DEPTH, HALT, MARGIN, PAUSE,
            ESCAPE_ON, REOPEN, MAX_LAG, LAG_GRACE, ENDPOINT_LAG, GIVE_UP, ALPHABET_TYPES, EXTRA_RPC, RESEND, ALERT_LINK, WEBHOOKS,
            ALERT_DELIVERY, CHECKS, SESSION_TIMEOUT, INSTANCE_ID, RelayerSection.FEES);

    /**
     * @param l2Ids the configured L2s (extraRpc is keyed by them), or null when unknown
     * @param chainIds every configured chain (checks are keyed by them), or null when unknown
     * @param httpAddress the service's HTTP address and path prefix ({@code host:port/prefix}; alerts link to its
     *     findings unless alertLink says otherwise)
     * @param env the environment ({@code HOSTNAME} names the replica when {@code instanceId} is not set)
     */
    static Read read(SectionReader root, Set<Long> l2Ids, Set<Long> chainIds, String httpAddress,
            Function<String, String> env) {
        SectionReader r = root.section(SECTION);
        int before = r.problemCount();
        SecretRef challenger = r.get(CHALLENGER);
        SecretRef guardian = r.get(GUARDIAN);
        SecretRef reclaimer = r.get(RECLAIMER);
        List<SecretRef> exitAccounts = r.section(EXITS).get(EXIT_ACCOUNTS);
        exitAccounts = exitAccounts == null ? List.of() : exitAccounts;
        Duration liveness = r.get(LIVENESS);
        Duration inclusion = r.get(INCLUSION);
        Integer depth = r.get(REORG_DEPTH);
        Duration halt = r.get(HALT);
        Double margin = r.get(MARGIN);
        if (margin != null && (margin <= 0 || margin >= 1)) {
            r.problem(MARGIN, "'" + margin + "' must be above 0 and below 1");
        }
        List<FindingKind> escapeOn = r.get(ESCAPE_ON);
        if (escapeOn != null) {
            escapeOn.stream().filter(k -> !k.misbehaviour()).forEach(k -> r.problem(ESCAPE_ON, k
                    + " is not a misbehaviour finding"));
        }
        Map<Long, List<URI>> extra = r.get(EXTRA_RPC);
        if (extra != null && l2Ids != null) {
            extra.keySet().stream().filter(id -> !l2Ids.contains(id)).forEach(id -> r.problem(EXTRA_RPC,
                    "chain " + id + " is not a configured L2 (" + l2Ids + ")"));
        }
        List<MonitorSettings.Webhook> webhooks = r.list(WEBHOOKS).stream().map(w -> {
            URI url = w.get(WEBHOOK_URL);
            WebhookKind kind = w.get(WEBHOOK_KIND);
            return url == null || kind == null ? null : new MonitorSettings.Webhook(url, kind == WebhookKind.JSON
                    ? MonitorSettings.Webhook.Format.JSON : MonitorSettings.Webhook.Format.ALERTMANAGER);
        }).toList();
        ChainChecks defaults = liveness == null || inclusion == null || depth == null || halt == null ? null
                : new ChainChecks(EnumSet.allOf(Check.class), liveness, inclusion, depth, halt);
        Map<Long, ChainChecks> perChain = new LinkedHashMap<>();
        for (SectionReader c : r.list(CHECKS)) {
            Long chain = c.get(CHECK_CHAIN);
            if (chain != null && chainIds != null && !chainIds.contains(chain)) {
                c.problem(CHECK_CHAIN, chain + " is not a configured chain (" + chainIds + ")");
            }
            List<Check> disabled = c.get(CHECK_DISABLED);
            Duration l = c.get(CHECK_LIVENESS);
            Duration i = c.get(CHECK_INCLUSION);
            Integer d = c.get(CHECK_REORG);
            Duration h = c.get(CHECK_HALT);
            if (chain != null && defaults != null) {
                EnumSet<Check> on = EnumSet.allOf(Check.class);
                if (disabled != null) {
                    disabled.forEach(on::remove);
                }
                perChain.put(chain, new ChainChecks(on, l == null ? liveness : l, i == null ? inclusion : i,
                        d == null ? depth : d, h == null ? halt : h));
            }
        }
        Long maxLag = r.get(MAX_LAG);
        Duration giveUp = r.get(GIVE_UP);
        Duration resend = r.get(RESEND);
        URI link = r.get(ALERT_LINK);
        if (link == null && httpAddress != null) {
            link = URI.create("http://" + httpAddress + "/api/findings");
            r.setEffective(ALERT_LINK, link);
        }
        SectionReader a = r.section(ALERT_DELIVERY);
        Duration alertBase = a.get(ALERT_RETRY_BASE);
        Duration alertMax = a.get(ALERT_RETRY_MAX);
        Integer alertAttempts = a.get(ALERT_ATTEMPTS);
        Double alertJitter = a.get(ALERT_JITTER);
        Integer alertQueue = a.get(ALERT_QUEUE);
        if (alertBase != null && alertMax != null && alertBase.compareTo(alertMax) > 0) {
            a.problem(ALERT_RETRY_BASE, Types.formatDuration(alertBase) + " is longer than max ("
                    + Types.formatDuration(alertMax) + ")");
        }
        if (alertJitter != null && alertJitter >= 1) {
            a.problem(ALERT_JITTER, "'" + alertJitter + "' must be below 1 (a delay is never negative)");
        }
        Duration sessionTimeout = r.get(SESSION_TIMEOUT);
        if (sessionTimeout != null && sessionTimeout.toMillis() < 6000) {
            r.problem(SESSION_TIMEOUT, Types.formatDuration(sessionTimeout) + " is below 6s, the broker's minimum");
        }
        String instanceId = RelayerSection.instanceId(r, INSTANCE_ID, "monitor", env);
        FeePolicy fees = RelayerSection.fees(r.section(RelayerSection.FEES));
        String group = r.get(GROUP);
        Duration tick = r.get(TICK);
        Boolean pause = r.get(PAUSE);
        Boolean reopen = r.get(REOPEN);
        Duration lagGrace = r.get(LAG_GRACE);
        Duration endpointLag = r.get(ENDPOINT_LAG);
        List<Integer> alphabet = r.get(ALPHABET_TYPES);
        if (r.problemCount() > before) {
            return new Read(null, challenger, guardian, reclaimer, exitAccounts);
        }
        try {
            var alerts = new MonitorSettings.Alerts(webhooks, new Backoff(alertBase, alertMax, alertJitter),
                    alertAttempts, alertQueue, resend, link);
            return new Read(new MonitorSettings(group, tick, margin, defaults, perChain, pause,
                    escapeOn == null ? Set.of() : Set.copyOf(escapeOn), reopen, maxLag, lagGrace, endpointLag,
                    giveUp, fees, alerts, extra == null ? Map.of() : extra, instanceId, sessionTimeout,
                    alphabet == null ? Set.of() : Set.copyOf(alphabet)),
                    challenger, guardian, reclaimer, exitAccounts);
        } catch (IllegalArgumentException e) {
            r.problem(e.getMessage());
            return new Read(null, challenger, guardian, reclaimer, exitAccounts);
        }
    }
}
