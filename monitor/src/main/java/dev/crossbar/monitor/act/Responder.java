package dev.crossbar.monitor.act;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.MonitorSettings;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.BreakerState;
import dev.crossbar.store.MessageStore;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the monitor does about proven misbehaviour on a chain. Rules:
 * <ol>
 *   <li>the chain's circuit breaker is tripped at once (the relayer holds every message from or to it as BLOCKED),
 *       unless the chain's Portal is already in escape mode and exits are reopened, or the finding starts forced
 *       withdrawals on an L2 that settles through dispute games ({@link ForcedExits}) and exits are reopened: the
 *       relayer must carry those out, and there it proves withdrawals only against games whose roots were
 *       verified, so censorship or a halt puts no withdrawal at risk;</li>
 *   <li>a finding that starts forced withdrawals queues them ({@link ForcedExits#incident});</li>
 *   <li>for an output-oracle L2 with a guardian key: its Portal is paused ({@code pauseOnMisbehaviour}), or put into
 *       escape mode when the finding's kind is in {@code escapeOn} (which pauses it too). The chain is asked first, so
 *       nothing is sent twice; a refused action is ACTION_FAILED.</li>
 *   <li>for a dispute-game L2 ({@code pauseOnMisbehaviour}): when the finding means withdrawals that were never sent
 *       can be finalized ({@link #SUPERCHAIN_PAUSE_ON}), the guardian pauses the L2's {@code SuperchainConfig}, which
 *       stops every portal under it. Without the guardian key the finding's evidence carries the pause, ready for an
 *       operator to send. Other misbehaviour there (a proposer down, a censored deposit) trips the breaker only
 *       (unless it starts exits): a pause would stop the exits users need; a game that resolved wrongly is
 *       blacklisted ({@code GameChecks}).</li>
 * </ol>
 * {@link #respond} may be called from any thread; {@link #act} runs on the patrol thread, which owns the keys.
 */
public final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);
    static final String BY = "monitor";
    /** On a dispute-game L2, the misbehaviour after which the guardian pauses the SuperchainConfig. */
    public static final Set<FindingKind> SUPERCHAIN_PAUSE_ON = java.util.EnumSet.of(FindingKind.FORGED_WITHDRAWAL,
            FindingKind.EARLY_FINALIZATION);

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Actors actors;
    private final MonitorSettings settings;
    private final ForcedExits exits;
    private final Map<Long, Boolean> wanted = new ConcurrentHashMap<>();
    /** Dispute-game L2s whose SuperchainConfig is to be paused, with the finding that asked for it. */
    private final Map<Long, FindingKind> pauses = new ConcurrentHashMap<>();
    private final Set<Long> escaped = ConcurrentHashMap.newKeySet();
    private volatile FindingSink findings;

    public Responder(MonitoredChains chains, MessageStore store, Actors actors, MonitorSettings settings,
            ForcedExits exits) {
        this.chains = chains;
        this.store = store;
        this.actors = actors;
        this.settings = settings;
        this.exits = exits;
    }

    /** Where refused actions are reported (set once the reporter exists). */
    public void reportTo(FindingSink sink) {
        this.findings = sink;
    }

    /** Responds to a misbehaviour finding: trips the breaker now, queues the guardian's action. */
    public void respond(Observation o) {
        long chain = o.chainId();
        boolean exit = exits.startsExits(o);
        exits.incident(o);
        if (!((escaped.contains(chain) || exit) && settings.reopenForExits())) {
            Optional<BreakerState> b = store.breaker(chain);
            if (b.isEmpty() || !b.get().tripped()) {
                store.setBreaker(chain, true, o.kind() + ": " + o.summary(), BY);
                log.warn("breaker tripped chain={} kind={} dedupeKey={}", chains.name(chain), o.kind(), o.dedupeKey());
            }
        }
        if (!chains.has(chain) || chains.chain(chain).role() != ChainRole.L2) {
            return;
        }
        if (!chains.settlementOf(chain).disputeGames()) {
            wanted.merge(chain, settings.escapeOn().contains(o.kind()), Boolean::logicalOr);
        } else if (SUPERCHAIN_PAUSE_ON.contains(o.kind())) {
            pauses.putIfAbsent(chain, o.kind());
        }
    }

    /**
     * The observation as it is to be recorded: on a dispute-game L2, a finding that pauses the SuperchainConfig says
     * so in its evidence ({@code guardianAction}): sent with the guardian key, or the transaction prepared for an
     * operator when the monitor has none.
     */
    public Observation withGuardianAction(Observation o) {
        long chain = o.chainId();
        if (!settings.pauseOnMisbehaviour() || !SUPERCHAIN_PAUSE_ON.contains(o.kind()) || !chains.has(chain)
                || chains.chain(chain).role() != ChainRole.L2 || !chains.settlementOf(chain).disputeGames()) {
            return o;
        }
        String config = chains.settlementOf(chain).superchainConfig();
        String action = actors.of(Actors.Role.GUARDIAN, chains.l1Of(chain)).isPresent()
                ? "SuperchainConfig.pause on " + config + " with the guardian key"
                : "prepared for the guardian: to " + config + " data " + pauseCall(o.kind(), chain);
        Map<String, String> evidence = new java.util.LinkedHashMap<>(o.evidence());
        evidence.put("guardianAction", action);
        return new Observation(o.kind(), chain, o.dedupeKey(), o.summary(), evidence);
    }

    /** {@code SuperchainConfig.pause(identifier)}, the identifier naming the cause (it is in the Paused event). */
    private String pauseCall(FindingKind kind, long l2) {
        return FaultProofViews.superchainConfig(chains.settlementOf(l2).superchainConfig())
                .pause("crossbar: " + kind + " on " + chains.name(l2)).encodeFunctionCall();
    }

    /** Marks an L2's Portal as in escape mode (seen by the exits): its breaker is no longer tripped for findings. */
    void escaped(long l2) {
        escaped.add(l2);
    }

    /** Carries out the queued guardian actions (patrol thread). */
    public void act() {
        for (Map.Entry<Long, Boolean> w : Map.copyOf(wanted).entrySet()) {
            try {
                if (actOn(w.getKey(), w.getValue())) {
                    wanted.remove(w.getKey(), w.getValue());
                }
            } catch (RuntimeException e) {
                log.warn("guardian action failed chain={} error=\"{}\"", chains.name(w.getKey()), e.toString());
            }
        }
        for (Map.Entry<Long, FindingKind> p : Map.copyOf(pauses).entrySet()) {
            try {
                if (pauseSuperchain(p.getKey(), p.getValue())) {
                    pauses.remove(p.getKey(), p.getValue());
                }
            } catch (RuntimeException e) {
                log.warn("superchain pause failed chain={} error=\"{}\"", chains.name(p.getKey()), e.toString());
            }
        }
    }

    /** @return whether nothing is left to do: paused already, done, refused, or no guardian key / no pausing */
    private boolean pauseSuperchain(long l2, FindingKind kind) {
        Optional<ActionSender> guardian = actors.of(Actors.Role.GUARDIAN, chains.l1Of(l2));
        String config = chains.settlementOf(l2).superchainConfig();
        if (guardian.isEmpty() || !settings.pauseOnMisbehaviour()
                || FaultProofViews.superchainPaused(chains.client(chains.l1Of(l2)), config)) {
            return true;
        }
        log.warn("pausing the SuperchainConfig chain={} superchainConfig={} kind={}", chains.name(l2), config, kind);
        return handle(guardian.get().send(TxPurpose.PAUSE, "pause:" + config, config, pauseCall(kind, l2)), l2,
                TxPurpose.PAUSE);
    }

    /** @return whether nothing is left to do for the chain */
    private boolean actOn(long l2, boolean escape) {
        Optional<ActionSender> guardian = actors.of(Actors.Role.GUARDIAN, chains.l1Of(l2));
        if (guardian.isEmpty() || !(settings.pauseOnMisbehaviour() || escape)) {
            return true;
        }
        Settlement s = chains.settlementOf(l2);
        EthApi l1 = chains.client(chains.l1Of(l2));
        ProtocolViews.Escape state = ProtocolViews.escape(l1, s.portal());
        if (state.active()) {
            return true;
        }
        var portal = ProtocolViews.portal(s.portal());
        if (escape) {
            return handle(guardian.get().send(TxPurpose.ESCAPE, "escape:" + l2, s.portal(),
                    portal.activateEscapeMode().encodeFunctionCall()), l2, TxPurpose.ESCAPE);
        }
        if (ContractReads.paused(l1, s.portal())) {
            return true;
        }
        return handle(guardian.get().send(TxPurpose.PAUSE, "pause:" + l2, s.portal(),
                portal.pause().encodeFunctionCall()), l2, TxPurpose.PAUSE);
    }

    private boolean handle(ActionSender.Result r, long l2, String purpose) {
        if (r instanceof ActionSender.Result.Refused refused) {
            FindingSink sink = findings;
            if (sink != null) {
                sink.report(new Observation(FindingKind.ACTION_FAILED, l2, "ACTION_FAILED:" + purpose + ":" + l2,
                        purpose + " of the Portal of " + chains.name(l2) + " is refused: " + refused.reason(),
                        evidence("chain", chains.name(l2), "action", purpose, "portal",
                                chains.settlementOf(l2).portal(), "reason", refused.reason())));
            }
            return true;
        }
        return false; // sent or in flight: look again next round
    }
}
