package dev.crossbar.monitor.check;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.event.ProtocolEvent.DepositInitiated;
import dev.crossbar.monitor.Check;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.Consensus;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import java.time.Duration;

/**
 * Rule: a deposit made on L1 at time {@code t} (its L1 block's timestamp) is executed on its L2 by
 * {@code t + inclusionWindow} (L1 time). Past the deadline, a deposit that every L2 endpoint reports unexecuted is a
 * CENSORED_DEPOSIT; an endpoint that has it executed holds the finding back. Executed means, by how the L2 settles:
 * <ul>
 *   <li>dispute games (OP's OptimismPortal2): the L2 has the deposit transaction (type {@code 0x7E}) whose hash
 *       follows from the L1 log ({@code OpDepositTx}; the event's {@code depositHash}), as a rollup node derives
 *       it;</li>
 *   <li>output oracle: the L2's deposit executor has run it ({@code executedCount > depositNonce}; deposits run in
 *       nonce order). Such a chain without a deposit executor is not checked here.</li>
 * </ul>
 */
public final class DepositInclusionCheck implements EventCheck {
    private static final Duration POLL = Duration.ofSeconds(2);

    private final DepositInitiated event;
    private final MonitoredChains chains;
    private final Windows windows;
    private final Duration window;

    public DepositInclusionCheck(DepositInitiated event, MonitoredChains chains, Windows windows, Duration window) {
        this.event = event;
        this.chains = chains;
        this.windows = windows;
        this.window = window;
    }

    @Override
    public Check check() {
        return Check.DEPOSITS;
    }

    @Override
    public long chainId() {
        return event.l2ChainId();
    }

    @Override
    public String describe() {
        return "inclusion of deposit " + name(chains.settlementOf(chainId()).disputeGames()) + " on "
                + chains.name(chainId());
    }

    @Override
    public Outcome run(boolean waitForBehind) {
        long l2 = event.l2ChainId();
        boolean games = chains.settlementOf(l2).disputeGames();
        String executor = chains.chain(l2).l2Contracts().depositExecutor();
        if (!games && executor == null) {
            return new Outcome.Passed("no deposit executor configured on " + chains.name(l2));
        }
        Consensus<Boolean> executed = chains.witnesses(l2).atHead(games
                ? e -> e.receipt(event.depositHash()).isPresent()
                : e -> ContractReads.executedCount(e, executor, ProtocolViews.LATEST).compareTo(event.depositNonce())
                        > 0);
        if (executed instanceof Consensus.Agreed<Boolean> a && a.value()) {
            return new Outcome.Passed("executed on " + chains.name(l2));
        }
        long deadline = event.ref().blockTimestamp() + window.toSeconds();
        long now = windows.l1Now(l2);
        if (now <= deadline) {
            return new Outcome.Wait(POLL.compareTo(Duration.ofSeconds(deadline - now + 1)) < 0 ? POLL
                    : Duration.ofSeconds(deadline - now + 1), "not executed yet; deadline in " + (deadline - now) + "s");
        }
        return switch (executed) {
            case Consensus.Agreed<Boolean> a -> Outcome.Found.of(censored(games, deadline, now,
                    a.endpoints().toString()));
            case Consensus.Pending<Boolean> p -> new Outcome.Wait(POLL, p.reason());
            case Consensus.Disagreed<Boolean> d -> new Outcome.Wait(POLL, "L2 endpoints disagree on whether deposit "
                    + name(games) + " executed: " + d.answers());
        };
    }

    /**
     * The deposit's name: on an L2 that settles through dispute games, its L2 transaction's hash (its "nonce" there
     * is only the log's index in its L1 block, not unique); otherwise its nonce.
     */
    private String name(boolean games) {
        return games ? event.depositHash() : event.depositNonce().toString();
    }

    private Observation censored(boolean games, long deadline, long now, String endpoints) {
        long l2 = event.l2ChainId();
        return new Observation(FindingKind.CENSORED_DEPOSIT, l2, "CENSORED_DEPOSIT:" + l2 + ":" + name(games),
                "deposit " + name(games) + " to " + chains.name(l2) + " was not executed within "
                        + window.toSeconds() + "s",
                evidence("chain", chains.name(l2), "depositNonce", event.depositNonce(), "depositHash",
                        event.depositHash(), "l1Sender", event.l1Sender(), "mint", event.mint(),
                        "l1Block", event.ref().blockNumber(), "l1Tx", event.ref().txHash(),
                        "depositedAt", Windows.iso(event.ref().blockTimestamp()), "deadline", Windows.iso(deadline),
                        "l1Now", Windows.iso(now), "expected", games ? "deposit transaction "
                                + event.depositHash() + " on the L2" : "executedCount > " + event.depositNonce(),
                        "seen", "not executed", "endpoints", endpoints));
    }
}
