package dev.crossbar.app.config;

import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.FindingKind;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code monitor} section: the watchtower's keys, thresholds, per-chain checks, actions and alert sinks.
 *
 * @param challengerKey deletes bad output roots still in their window; null: the monitor only alerts
 * @param guardianKey pauses a bridge on proven misbehaviour; null: the monitor only alerts
 * @param reclaimerKey carries out the exits of a bridge in escape mode; null: exits are left to others
 * @param challengeMargin the fraction of a challenge window before whose end a bad output must be challenged
 * @param extraRpc more endpoints per L2 chain id, to cross-check what the configured endpoints say
 * @param checks per-chain overrides of the checks and thresholds
 * @param escapeOn finding kinds after which the guardian also puts the Portal into escape mode
 * @param alertLink the link in every alert; null: the service's own {@code /api/findings}
 */
public record MonitorSettings(SecretRef challengerKey, SecretRef guardianKey, Duration proposerLivenessTimeout,
        Duration depositInclusionWindow, int safeReorgDepth, Duration chainHaltAfter, double challengeMargin,
        Map<Long, List<URI>> extraRpc, List<Webhook> webhooks, SecretRef reclaimerKey, String group, Duration tick,
        boolean pauseOnMisbehaviour, Set<FindingKind> escapeOn, boolean reopenForExits, long maxLagBlocks,
        Duration lagGrace, Duration endpointLagTolerance, Duration alertResendInterval, URI alertLink,
        List<ChainChecks> checks) {

    public MonitorSettings {
        extraRpc = extraRpc == null ? Map.of() : Map.copyOf(extraRpc);
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        escapeOn = escapeOn == null ? Set.of() : Set.copyOf(escapeOn);
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** Where alerts are posted, and in which format. */
    public record Webhook(URI url, Kind kind) {
        public enum Kind { ALERTMANAGER, JSON }
    }

    /**
     * One chain's checks: those switched off, and thresholds that differ from the section's (null: the section's).
     */
    public record ChainChecks(long chainId, Set<Check> disabled, Duration proposerLivenessTimeout,
            Duration depositInclusionWindow, Integer safeReorgDepth, Duration chainHaltAfter) {
        public ChainChecks {
            disabled = disabled == null ? Set.of() : Set.copyOf(disabled);
        }
    }

    static final Key<SecretRef> CHALLENGER = Key.optional("challengerKey", RefTypes.SECRET,
            "none (alerts only)", "the challenger's key: deletes bad output roots still inside their window");
    static final Key<SecretRef> GUARDIAN = Key.optional("guardianKey", RefTypes.SECRET, "none (alerts only)",
            "the guardian's key: pauses a bridge after proven misbehaviour (and puts it into escape mode, see escapeOn)");
    static final Key<SecretRef> RECLAIMER = Key.optional("reclaimerKey", RefTypes.SECRET, "none (exits left to others)",
            "the key that carries out exits in escape mode: reclaims every deposit the L2 never executed to its sender");
    static final Key<String> GROUP = Key.of("group", Types.TEXT, "crossbar-monitor",
            "the monitor's Kafka consumer group on the events topic (run one monitor replica per group)");
    static final Key<Duration> TICK = Key.of("tick", Types.DURATION, "5s",
            "how often the monitor polls the chains (heads, outputs, deadlines, actions) when no event wakes it");
    static final Key<Duration> LIVENESS = Key.of("proposerLivenessTimeout", Types.DURATION, "10m",
            "an L2 that moves on without a new output root for this long (L1 time) is a finding (PROPOSER_DOWN)");
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
    static final Key<Map<Long, List<URI>>> EXTRA_RPC = Key.optional("extraRpc", RefTypes.CHAIN_URLS, "none",
            "more endpoints per L2 (chain id: [urls]) to cross-check the configured ones");
    static final Key<Duration> RESEND = Key.of("alertResendInterval", Types.DURATION, "1m",
            "how often firing alerts are sent again to Alertmanager webhooks (Alertmanager expires silent ones)");
    static final Key<URI> ALERT_LINK = Key.optional("alertLink", Types.HTTP_URL, "http://<http.address>/api/findings",
            "the link (generatorURL) in every alert");
    static final Key<URI> WEBHOOK_URL = Key.required("url", Types.HTTP_URL, "where alerts are posted");
    static final Key<Webhook.Kind> WEBHOOK_KIND = Key.of("kind", Types.oneOf(Webhook.Kind.class), "json",
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

    static final Section SECTION = Section.mapping("monitor",
            "The monitor (watchtower): checks outputs, withdrawals, relays, deposits, finalizations, liveness, halts"
                    + " and reorgs; challenges bad outputs, trips breakers, pauses bridges, carries out exits, alerts.",
            CHALLENGER, GUARDIAN, RECLAIMER, GROUP, TICK, LIVENESS, INCLUSION, REORG_DEPTH, HALT, MARGIN, PAUSE,
            ESCAPE_ON, REOPEN, MAX_LAG, LAG_GRACE, ENDPOINT_LAG, EXTRA_RPC, RESEND, ALERT_LINK, WEBHOOKS, CHECKS);

    /**
     * @param l2Ids the configured L2s (extraRpc is keyed by them), or null when unknown
     * @param chainIds every configured chain (checks are keyed by them), or null when unknown
     */
    static MonitorSettings read(SectionReader root, java.util.Set<Long> l2Ids, java.util.Set<Long> chainIds) {
        SectionReader r = root.section(SECTION);
        SecretRef challenger = r.get(CHALLENGER);
        SecretRef guardian = r.get(GUARDIAN);
        SecretRef reclaimer = r.get(RECLAIMER);
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
        List<Webhook> webhooks = r.list(WEBHOOKS).stream().map(w -> new Webhook(w.get(WEBHOOK_URL),
                w.get(WEBHOOK_KIND))).toList();
        List<ChainChecks> checks = r.list(CHECKS).stream().map(c -> {
            Long chain = c.get(CHECK_CHAIN);
            if (chain != null && chainIds != null && !chainIds.contains(chain)) {
                c.problem(CHECK_CHAIN, chain + " is not a configured chain (" + chainIds + ")");
            }
            List<Check> disabled = c.get(CHECK_DISABLED);
            return new ChainChecks(chain == null ? 0 : chain, disabled == null ? Set.of() : Set.copyOf(disabled),
                    c.get(CHECK_LIVENESS), c.get(CHECK_INCLUSION), c.get(CHECK_REORG), c.get(CHECK_HALT));
        }).toList();
        Long maxLag = r.get(MAX_LAG);
        return new MonitorSettings(challenger, guardian, liveness, inclusion, depth == null ? 0 : depth, halt,
                margin == null ? 0 : margin, extra, webhooks, reclaimer, r.get(GROUP), r.get(TICK),
                Boolean.TRUE.equals(r.get(PAUSE)), escapeOn == null ? Set.of() : Set.copyOf(escapeOn),
                Boolean.TRUE.equals(r.get(REOPEN)), maxLag == null ? 0 : maxLag, r.get(LAG_GRACE),
                r.get(ENDPOINT_LAG), r.get(RESEND), r.get(ALERT_LINK), checks);
    }
}
