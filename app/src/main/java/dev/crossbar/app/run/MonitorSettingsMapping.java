package dev.crossbar.app.run;

import dev.crossbar.app.config.Config;
import dev.crossbar.app.config.MonitorSettings;
import dev.crossbar.core.policy.Backoff;
import dev.crossbar.monitor.ChainChecks;
import dev.crossbar.monitor.Check;
import dev.crossbar.txmanager.FeePolicy;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The monitor's settings from the configuration's {@code monitor} section: per-chain checks from
 * {@code monitor.checks} over the section's thresholds, webhooks, the link in alerts (the service's own
 * {@code /api/findings} unless {@code monitor.alertLink} says otherwise), and the relayer's fee policy for the
 * monitor's own transactions.
 */
final class MonitorSettingsMapping {
    private MonitorSettingsMapping() {}

    static dev.crossbar.monitor.MonitorSettings of(Config c) {
        MonitorSettings m = c.monitor();
        ChainChecks defaults = new ChainChecks(EnumSet.allOf(Check.class), m.proposerLivenessTimeout(),
                m.depositInclusionWindow(), m.safeReorgDepth(), m.chainHaltAfter());
        Map<Long, ChainChecks> perChain = new LinkedHashMap<>();
        for (MonitorSettings.ChainChecks o : m.checks()) {
            EnumSet<Check> on = EnumSet.allOf(Check.class);
            on.removeAll(o.disabled());
            perChain.put(o.chainId(), new ChainChecks(on, or(o.proposerLivenessTimeout(), m.proposerLivenessTimeout()),
                    or(o.depositInclusionWindow(), m.depositInclusionWindow()),
                    o.safeReorgDepth() == null ? m.safeReorgDepth() : o.safeReorgDepth(),
                    or(o.chainHaltAfter(), m.chainHaltAfter())));
        }
        var fees = c.relayer().fees();
        URI link = m.alertLink() != null ? m.alertLink()
                : URI.create("http://" + c.http().address() + "/api/findings");
        var alerts = new dev.crossbar.monitor.MonitorSettings.Alerts(m.webhooks().stream().map(w ->
                new dev.crossbar.monitor.MonitorSettings.Webhook(w.url(), w.kind() == MonitorSettings.Webhook.Kind.JSON
                        ? dev.crossbar.monitor.MonitorSettings.Webhook.Format.JSON
                        : dev.crossbar.monitor.MonitorSettings.Webhook.Format.ALERTMANAGER)).toList(),
                new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0.2), 50, 1000, m.alertResendInterval(),
                link);
        return new dev.crossbar.monitor.MonitorSettings(m.group(), m.tick(), m.challengeMargin(), defaults, perChain,
                m.pauseOnMisbehaviour(), m.escapeOn(), m.reopenForExits(), m.maxLagBlocks(), m.lagGrace(),
                m.endpointLagTolerance(), Duration.ofHours(1), new FeePolicy(fees.priorityFee(), fees.maxFeeCap(),
                        fees.bumpPercent(), fees.maxBumps(), fees.stuckAfter()), alerts);
    }

    private static Duration or(Duration v, Duration fallback) {
        return v == null ? fallback : v;
    }
}
