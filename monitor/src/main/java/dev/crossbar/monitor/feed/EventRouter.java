package dev.crossbar.monitor.feed;

import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.MonitorSettings;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.DepositInclusionCheck;
import dev.crossbar.monitor.check.EventCheck;
import dev.crossbar.monitor.check.FinalizationCheck;
import dev.crossbar.monitor.check.RelayCheck;
import dev.crossbar.monitor.check.Windows;
import dev.crossbar.monitor.check.WithdrawalProofCheck;
import java.util.Optional;

/**
 * Which check each protocol event starts, where the chain it concerns has that check on: a proven withdrawal is
 * checked against the L2, a finalization against its windows, a cross-rollup relay against its source, a deposit
 * against its inclusion window. Events about outputs, pauses and escape mode start no check of their own: they wake
 * the patrol, which reads outputs and deadlines from the store and the chains.
 */
final class EventRouter {
    private final MonitoredChains chains;
    private final MonitorSettings settings;
    private final Windows windows;

    EventRouter(MonitoredChains chains, MonitorSettings settings, Windows windows) {
        this.chains = chains;
        this.settings = settings;
        this.windows = windows;
    }

    /** The check {@code event} starts, if any. */
    Optional<EventCheck> route(ProtocolEvent event) {
        EventCheck check = switch (event) {
            case ProtocolEvent.WithdrawalProven e when on(e.l2ChainId(), Check.WITHDRAWAL_PROOFS) ->
                    new WithdrawalProofCheck(e, chains, windows);
            case ProtocolEvent.WithdrawalFinalized e when on(e.l2ChainId(), Check.FINALIZATIONS) ->
                    new FinalizationCheck(e, chains, windows);
            case ProtocolEvent.CrossRollupRelayed e when on(e.ref().chainId(), Check.RELAYS) ->
                    new RelayCheck(e, chains);
            case ProtocolEvent.DepositInitiated e when on(e.l2ChainId(), Check.DEPOSITS) ->
                    new DepositInclusionCheck(e, chains, windows, settings.checks(e.l2ChainId())
                            .depositInclusionWindow());
            default -> null;
        };
        return Optional.ofNullable(check);
    }

    /** Whether {@code event} changes what the patrol looks at (outputs, pauses, escape mode, reclaims). */
    static boolean wakesPatrol(ProtocolEvent event) {
        return event instanceof ProtocolEvent.OutputProposed || event instanceof ProtocolEvent.OutputsDeleted
                || event instanceof ProtocolEvent.EscapeModeActivated || event instanceof ProtocolEvent.PortalPauseChanged
                || event instanceof ProtocolEvent.DepositReclaimed;
    }

    private boolean on(long chainId, Check check) {
        return chains.has(chainId) && settings.checks(chainId).runs(check) && chains.applies(chainId, check);
    }
}
