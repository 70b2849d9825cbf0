package dev.crossbar.monitor;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.lifecycle.SupervisedLoop;
import dev.crossbar.monitor.act.ActionSender;
import dev.crossbar.monitor.act.Actors;
import dev.crossbar.monitor.act.Challenger;
import dev.crossbar.monitor.act.DepositReclaimer;
import dev.crossbar.monitor.act.FindingReporter;
import dev.crossbar.monitor.act.ForcedExits;
import dev.crossbar.monitor.act.GamePlayer;
import dev.crossbar.monitor.act.GameResolver;
import dev.crossbar.monitor.act.Responder;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.monitor.check.ChainHealth;
import dev.crossbar.monitor.check.ChallengerFunds;
import dev.crossbar.monitor.check.GameChecks;
import dev.crossbar.monitor.check.GameGauges;
import dev.crossbar.monitor.check.OutputChecks;
import dev.crossbar.monitor.check.OutputWindows;
import dev.crossbar.monitor.check.ProposerLiveness;
import dev.crossbar.monitor.feed.EventFeed;
import dev.crossbar.store.ChainCursor;
import dev.crossbar.store.MessageStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitor's periodic round over the chains, for what no single event tells: every chain's head (halts, reorgs,
 * the monitor's own lag); every L2's outputs (verdicts, challenges, window deadlines) or dispute games (verdicts,
 * play, resolutions, their gauges), its proposer's liveness and its exits (escape mode on output-oracle chains, the
 * watched accounts' forced withdrawals on dispute-game chains); the guardian's queued
 * actions; the monitor's own transactions. Each step runs on its own: one that fails (an endpoint down) is logged and
 * the others run. A round runs every {@code tick}, or at once when an event wakes it. It is the only thread that uses
 * the monitor's keys.
 *
 * <p>It is a {@link SupervisedLoop} named {@code monitor-patrol}: a round in which a step failed is counted, and the
 * patrol is down, to readiness, naming the failed steps, until a round runs clean; the next round comes after the
 * loop's backoff, never later than the tick. A failure that escapes a round ends that life of the loop, and the
 * supervisor starts the next after the backoff.
 */
final class Patrol {
    private static final Logger log = LoggerFactory.getLogger(Patrol.class);
    private static final Duration SYNC_EVERY = Duration.ofSeconds(30);
    private static final long SLOW_STEP_MS = 1000;

    /** Everything a round uses. */
    record Parts(MonitorSettings settings, MonitoredChains chains, MessageStore store, EventFeed feed,
            FindingReporter reporter, OutputChecks outputs, GameChecks games, GamePlayer player, GameResolver resolver,
            GameGauges gameGauges, ChallengerFunds funds, OutputWindows windows, Challenger challenger,
            ProposerLiveness liveness, Responder responder, DepositReclaimer reclaimer, ForcedExits exits,
            Actors actors,
            SelfLag selfLag, MonitorMetrics metrics, Clock clock) {}

    private final Parts p;
    private final Map<Long, ChainHealth> health = new LinkedHashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private final SupervisedLoop loop;
    private Instant lastSync = Instant.EPOCH;
    private Instant lastResend;

    Patrol(Parts parts, io.micrometer.core.instrument.MeterRegistry meters) {
        this.p = parts;
        this.loop = new SupervisedLoop("monitor-patrol", SupervisedLoop.RESTART, meters, this::life);
        for (ChainConfig c : parts.chains().all()) {
            health.put(c.chainId(), new ChainHealth(c.chainId(), c.name(), parts.chains().client(c.chainId()),
                    parts.chains().witnesses(c.chainId()), parts.reporter(), parts.clock()));
        }
    }

    void start() {
        lastResend = p.clock().instant();
        loop.start();
    }

    /** The head of {@code chainId} as the last round saw it (-1 before the first). */
    long seenHead(long chainId) {
        ChainHealth h = health.get(chainId);
        return h == null ? -1 : h.head();
    }

    /** Runs a round now rather than at the next tick. */
    void wake() {
        wake.release();
    }

    void stop() {
        loop.stop(Duration.ofSeconds(30), wake::release);
    }

    /** One life of the loop: rounds until it is stopped. */
    private void life(SupervisedLoop supervisor) throws InterruptedException {
        List<String> failed = new ArrayList<>();
        step("load findings", () -> p.reporter().sync(true), failed);
        while (!supervisor.stopping()) {
            failed.addAll(round());
            Duration next = p.settings().tick();
            if (failed.isEmpty()) {
                supervisor.ran();
            } else {
                Duration backoff = supervisor.failed(new IllegalStateException("patrol steps failed: "
                        + String.join("; ", failed)));
                next = backoff.compareTo(next) < 0 ? backoff : next;
            }
            failed.clear();
            wake.tryAcquire(Math.max(1, next.toMillis()), TimeUnit.MILLISECONDS);
            wake.drainPermits();
        }
    }

    /** One round; answers the steps that failed, each with its error. */
    List<String> round() {
        List<String> failed = new ArrayList<>();
        step("settle transactions", () -> p.actors().all().forEach(ActionSender::settle), failed);
        // What has a deadline first: output verdicts, challenges, the guardian's actions.
        for (ChainConfig c : p.chains().l2s()) {
            long l2 = c.chainId();
            if (p.settings().checks(l2).runs(Check.OUTPUTS) && p.chains().settlementOf(l2).disputeGames()) {
                step("games of " + c.name(), () -> p.games().verify(l2), failed);
                step("game play on " + c.name(), () -> p.player().play(l2), failed);
                step("game resolutions on " + c.name(), () -> p.resolver().resolve(l2), failed);
            } else if (p.settings().checks(l2).runs(Check.OUTPUTS)) {
                // Check, then judge deadlines, then challenge: after a start the outstanding outputs are checked
                // before any deadline is judged (an output valid all along is not a missed deadline); a bad output
                // found past its act-by time is still an alert of its own (undeleted) even though this very round
                // then challenges it.
                step("outputs of " + c.name(), () -> p.outputs().verify(l2), failed);
                step("windows of " + c.name(), () -> p.metrics().windowLeft(c.name(), p.windows().check(l2)), failed);
                step("challenges on " + c.name(), () -> p.challenger().challenge(l2), failed);
            }
        }
        step("guardian actions", () -> p.responder().act(), failed);
        for (ChainConfig c : p.chains().all()) {
            ChainChecks checks = p.settings().checks(c.chainId());
            ChainHealth h = health.get(c.chainId());
            step("health of " + c.name(), () -> h.check(checks), failed);
            step("lag on " + c.name(), () -> p.selfLag().check(c.chainId(), c.name(), h.head(), position(c)), failed);
        }
        for (ChainConfig c : p.chains().l2s()) {
            long l2 = c.chainId();
            ChainChecks checks = p.settings().checks(l2);
            if (checks.runs(Check.PROPOSER_LIVENESS) && p.chains().applies(l2, Check.PROPOSER_LIVENESS)) {
                step("proposer of " + c.name(), () -> p.liveness().check(l2, checks.proposerLivenessTimeout()),
                        failed);
            }
            if (p.chains().settlementOf(l2).disputeGames()) {
                // what op-dispute-mon shows: games, claims, clocks, bonds (after the moves with a deadline)
                step("game gauges of " + c.name(), () -> p.gameGauges().update(l2), failed);
                step("challenger funds on " + c.name(), () -> p.funds().check(l2), failed);
                step("forced withdrawals on " + c.name(), () -> p.exits().act(l2), failed);
            } else {
                // escape mode is a feature of our output-oracle Portal
                step("exits of " + c.name(), () -> p.reclaimer().exits(l2), failed);
            }
        }
        Instant now = p.clock().instant();
        if (Duration.between(lastSync, now).compareTo(SYNC_EVERY) >= 0) {
            lastSync = now;
            step("sync findings", () -> p.reporter().sync(false), failed);
        }
        if (Duration.between(lastResend, now).compareTo(p.settings().alerts().resendInterval()) >= 0) {
            lastResend = now;
            step("resend alerts", () -> p.reporter().resend("alertmanager"), failed);
        }
        return failed;
    }

    /** The newest block of the chain the monitor has the events of. */
    private long position(ChainConfig c) {
        long cursor = p.store().cursor(c.chainId()).map(ChainCursor::blockNumber).orElse(-1L);
        if (p.feed().caughtUp()) {
            return cursor;
        }
        return Math.min(cursor, p.feed().newestBlock(c.chainId()).orElse(-1L));
    }

    private void step(String what, Runnable action, List<String> failed) {
        long t0 = System.nanoTime();
        try {
            action.run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > SLOW_STEP_MS) {
                log.info("patrol step slow step=\"{}\" ms={}", what, ms);
            }
        } catch (RuntimeException e) {
            failed.add(what + " (" + e + ")");
            log.warn("patrol step failed step=\"{}\" error=\"{}\"", what, e.toString());
            log.debug("patrol step failure", e);
        }
    }
}
