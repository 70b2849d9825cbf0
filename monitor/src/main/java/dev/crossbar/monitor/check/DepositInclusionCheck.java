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
 * {@code t + inclusionWindow} (L1 time). Executed means the L2's deposit executor has run it
 * ({@code executedCount > depositNonce}; deposits run in nonce order). Past the deadline, a deposit that every L2
 * endpoint reports unexecuted is a CENSORED_DEPOSIT; an endpoint that has it executed holds the finding back.
 * Chains without a deposit executor (a real OP Stack chain, whose node derives deposits) are not checked here.
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
        return "inclusion of deposit " + event.depositNonce() + " on " + chains.name(chainId());
    }

    @Override
    public Outcome run(boolean waitForBehind) {
        long l2 = event.l2ChainId();
        String executor = chains.chain(l2).l2Contracts().depositExecutor();
        if (executor == null) {
            return new Outcome.Passed("no deposit executor configured on " + chains.name(l2));
        }
        Consensus<Boolean> executed = chains.witnesses(l2).atHead(e -> ContractReads.executedCount(e, executor,
                ProtocolViews.LATEST).compareTo(event.depositNonce()) > 0);
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
            case Consensus.Agreed<Boolean> a -> Outcome.Found.of(censored(deadline, now, a.endpoints().toString()));
            case Consensus.Pending<Boolean> p -> new Outcome.Wait(POLL, p.reason());
            case Consensus.Disagreed<Boolean> d -> new Outcome.Wait(POLL, "L2 endpoints disagree on whether deposit "
                    + event.depositNonce() + " executed: " + d.answers());
        };
    }

    private Observation censored(long deadline, long now, String endpoints) {
        long l2 = event.l2ChainId();
        return new Observation(FindingKind.CENSORED_DEPOSIT, l2, "CENSORED_DEPOSIT:" + l2 + ":" + event.depositNonce(),
                "deposit " + event.depositNonce() + " to " + chains.name(l2) + " was not executed within "
                        + window.toSeconds() + "s",
                evidence("chain", chains.name(l2), "depositNonce", event.depositNonce(), "depositHash",
                        event.depositHash(), "l1Sender", event.l1Sender(), "mint", event.mint(),
                        "l1Block", event.ref().blockNumber(), "l1Tx", event.ref().txHash(),
                        "depositedAt", Windows.iso(event.ref().blockTimestamp()), "deadline", Windows.iso(deadline),
                        "l1Now", Windows.iso(now), "expected", "executedCount > " + event.depositNonce(),
                        "seen", "not executed", "endpoints", endpoints));
    }
}
