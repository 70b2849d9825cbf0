package dev.crossbar.app.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The {@code monitor} section: the watchtower's keys, thresholds and alert sinks.
 *
 * @param challengerKey deletes bad output roots still in their window; null: the monitor only alerts
 * @param guardianKey pauses a bridge on proven misbehaviour; null: the monitor only alerts
 * @param challengeMargin the fraction of a challenge window before whose end a bad output must be challenged
 * @param extraRpc more endpoints per L2 chain id, to cross-check what the configured endpoints say
 */
public record MonitorSettings(SecretRef challengerKey, SecretRef guardianKey, Duration proposerLivenessTimeout,
        Duration depositInclusionWindow, int safeReorgDepth, Duration chainHaltAfter, double challengeMargin,
        Map<Long, List<URI>> extraRpc, List<Webhook> webhooks) {

    public MonitorSettings {
        extraRpc = extraRpc == null ? Map.of() : Map.copyOf(extraRpc);
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    }

    /** Where alerts are posted, and in which format. */
    public record Webhook(URI url, Kind kind) {
        public enum Kind { ALERTMANAGER, JSON }
    }

    static final Key<SecretRef> CHALLENGER = Key.optional("challengerKey", RefTypes.SECRET,
            "none (alerts only)", "the challenger's key: deletes bad output roots still inside their window");
    static final Key<SecretRef> GUARDIAN = Key.optional("guardianKey", RefTypes.SECRET, "none (alerts only)",
            "the guardian's key: pauses a bridge after proven misbehaviour");
    static final Key<Duration> LIVENESS = Key.of("proposerLivenessTimeout", Types.DURATION, "10m",
            "no new output root for this long while withdrawals wait is a finding (PROPOSER_DOWN)");
    static final Key<Duration> INCLUSION = Key.of("depositInclusionWindow", Types.DURATION, "10m",
            "a deposit not executed on its L2 within this long is a finding (CENSORED_DEPOSIT)");
    static final Key<Integer> REORG_DEPTH = Key.of("safeReorgDepth", Types.integer(1, 10_000), "16",
            "a reorg deeper than this many blocks is a finding (DEEP_REORG)");
    static final Key<Duration> HALT = Key.of("chainHaltAfter", Types.DURATION, "2m",
            "no new block for this long is a finding (CHAIN_HALTED)");
    static final Key<Double> MARGIN = Key.of("challengeMargin", Types.FRACTION, "0.5",
            "fraction of a challenge window before whose end a bad output must be challenged");
    static final Key<Map<Long, List<URI>>> EXTRA_RPC = Key.optional("extraRpc", RefTypes.CHAIN_URLS, "none",
            "more endpoints per L2 (chain id: [urls]) to cross-check the configured ones");
    static final Key<URI> WEBHOOK_URL = Key.required("url", Types.HTTP_URL, "where alerts are posted");
    static final Key<Webhook.Kind> WEBHOOK_KIND = Key.of("kind", Types.oneOf(Webhook.Kind.class), "json",
            "alertmanager (its /api/v2/alerts format) or json (one finding per request)");
    static final Section WEBHOOKS = Section.list("webhooks", "Alert sinks: every finding is posted to each.", false,
            WEBHOOK_URL, WEBHOOK_KIND);

    static final Section SECTION = Section.mapping("monitor",
            "The monitor (watchtower): checks outputs, withdrawals, relays, deposits and liveness.",
            CHALLENGER, GUARDIAN, LIVENESS, INCLUSION, REORG_DEPTH, HALT, MARGIN, EXTRA_RPC, WEBHOOKS);

    /** @param l2Ids the configured L2s (extraRpc is keyed by them), or null when unknown */
    static MonitorSettings read(SectionReader root, java.util.Set<Long> l2Ids) {
        SectionReader r = root.section(SECTION);
        SecretRef challenger = r.get(CHALLENGER);
        SecretRef guardian = r.get(GUARDIAN);
        Duration liveness = r.get(LIVENESS);
        Duration inclusion = r.get(INCLUSION);
        Integer depth = r.get(REORG_DEPTH);
        Duration halt = r.get(HALT);
        Double margin = r.get(MARGIN);
        if (margin != null && (margin <= 0 || margin >= 1)) {
            r.problem(MARGIN, "'" + margin + "' must be above 0 and below 1");
        }
        Map<Long, List<URI>> extra = r.get(EXTRA_RPC);
        if (extra != null && l2Ids != null) {
            extra.keySet().stream().filter(id -> !l2Ids.contains(id)).forEach(id -> r.problem(EXTRA_RPC,
                    "chain " + id + " is not a configured L2 (" + l2Ids + ")"));
        }
        List<Webhook> webhooks = r.list(WEBHOOKS).stream().map(w -> new Webhook(w.get(WEBHOOK_URL),
                w.get(WEBHOOK_KIND))).toList();
        return new MonitorSettings(challenger, guardian, liveness, inclusion, depth == null ? 0 : depth, halt,
                margin == null ? 0 : margin, extra, webhooks);
    }
}
