package dev.crossbar.monitor;

import java.util.Locale;

/**
 * What the monitor can find: each kind with its severity, whether it proves operator misbehaviour (then the
 * chain's breaker is tripped and its bridge paused) and the short runbook its alert carries.
 */
public enum FindingKind {
    BAD_OUTPUT(Severity.CRITICAL, true, "The proposer posted an output root that the L2 does not produce. The"
            + " monitor deletes it with the challenger key inside its window (watch for OutputsDeleted) and pauses the"
            + " Portal. Stop the proposer, find why it posted a wrong root, and let it propose honest outputs again;"
            + " resolve the finding and reset the breaker once outputs check out."),
    FORGED_WITHDRAWAL(Severity.CRITICAL, true, "A withdrawal was proven on L1 that the L2's message passer never"
            + " recorded: the output or dispute game it was proven against is forged. Output oracle: make sure that"
            + " output is deleted before its window ends (BAD_OUTPUT), keep the Portal paused, and treat the proposer"
            + " key as compromised. Dispute games: make sure the game's root is countered (INVALID_ROOT_CLAIM) and, if"
            + " it resolves DEFENDER_WINS, blacklisted before the airgap ends (WRONG_RESOLUTION)."),
    FORGED_RELAY(Severity.CRITICAL, true, "A cross-rollup message was relayed that its source chain never sent (or"
            + " sent differently): anyone may relay, so the destination chain's block builder kept an executing"
            + " message without a valid source log (its interop check failed, or the source chain lost the log to a"
            + " reorg after the relay). Tell the destination chain's operator, check what the target did with it, and"
            + " keep the breaker tripped until the chain's interop validation is trusted again."),
    CENSORED_DEPOSIT(Severity.CRITICAL, true, "An L1 deposit was not executed on its L2 within the inclusion"
            + " window: the sequencer is censoring or stalled. Ask the operator; if it does not recover, escape mode"
            + " lets depositors reclaim what the L2 never executed. On a fault-proof chain derivation forces the"
            + " deposit in after the sequencing window, and the watched accounts' forced withdrawals are sent."),
    PROPOSER_DOWN(Severity.CRITICAL, true, "The L2 keeps producing blocks but no output root (on a dispute-game"
            + " chain: no game of the respected type) was proposed for longer than the liveness timeout, so"
            + " withdrawals cannot be proven. Restart or replace the proposer; on an output-oracle chain, past the"
            + " Portal's own liveness timeout anyone may enter escape mode; on a permissionless dispute-game chain"
            + " anyone may propose."),
    EARLY_FINALIZATION(Severity.CRITICAL, true, "A withdrawal was finalized on L1 before its challenge window (or"
            + " its output's) had passed: the Portal or an admin broke the rules. Pause the Portal, audit its code"
            + " and admin keys, and account for what left the bridge."),
    CHAIN_HALTED(Severity.CRITICAL, true, "The chain produced no block for longer than allowed. Check the"
            + " sequencer and the endpoints; messages from and to the chain are held until it is back and the"
            + " breaker is reset."),
    DEEP_REORG(Severity.CRITICAL, true, "The chain replaced more blocks than its safe reorg depth: anything relayed"
            + " from the replaced blocks may be gone. Check the sequencer, reconcile deliveries made from the"
            + " orphaned blocks, then reset the breaker."),
    WINDOW_CLOSING_UNCHECKED(Severity.CRITICAL, false, "An output root is close to the end of its challenge window"
            + " and the monitor could not check it yet (endpoints behind, unreachable or disagreeing). Fix the L2"
            + " endpoints now, or check the output by hand and challenge it before the window closes."),
    WINDOW_CLOSING_UNCHALLENGED(Severity.CRITICAL, false, "A bad output root is close to the end of its challenge"
            + " window and its deletion has not landed. Check the challenger key's balance and transactions, and"
            + " delete the output by hand (OutputOracle.deleteL2Outputs) before the window closes."),
    CHALLENGE_FAILED(Severity.CRITICAL, false, "A bad output root could not be deleted (its window closed, or the"
            + " deletion reverted). Withdrawals proven against it can be finalized: pause the Portal by hand and"
            + " follow the incident process."),
    ACTION_FAILED(Severity.CRITICAL, false, "The monitor could not carry out an action (pause, escape mode or a"
            + " reclaim). Check the key's balance and the revert reason in the evidence and do it by hand."),
    INVALID_ROOT_CLAIM(Severity.CRITICAL, false, "A dispute game claims an output root that its L2 block does not"
            + " have. An honest challenger must counter it before its clock runs out, or withdrawals proven against"
            + " it could be finalized; the relayer never proves against it. Check the challenger's moves on the game"
            + " (crossbar games show) and its key's balance, and find out why the proposer posted it."),
    GAME_AT_RISK(Severity.CRITICAL, false, "A dispute game with a false root has a false claim nobody has countered,"
            + " and less than the challenge margin of its clock is left: if the clock runs out, the false root can"
            + " win. Check the challenger key (configured? balance? its moves in the game: crossbar games show) and"
            + " the monitor's log; counter the claim by hand if needed."),
    WRONG_RESOLUTION(Severity.CRITICAL, true, "A dispute game resolved against the truth: DEFENDER_WINS with a false"
            + " root (withdrawals proven against it can be finalized after the airgap) or CHALLENGER_WINS with a true"
            + " one. Within the airgap the guardian must blacklist the game (OptimismPortal2.blacklistDisputeGame);"
            + " withdrawals proven against it are proven again against another game."),
    BLACKLISTED_GAME(Severity.INFO, false, "The guardian blacklisted a dispute game: nothing finalizes against it any"
            + " more. The relayer proves the withdrawals proven against it (named in the evidence) again against"
            + " another game; nothing to do unless they stay unproven."),
    RESPECTED_TYPE_CHANGED(Severity.INFO, false, "The guardian changed the portal's respected game type (or retired"
            + " every game so far): withdrawals proven against games created before the change cannot be finalized"
            + " and are proven again by the relayer against a newer game (named in the evidence), and the games in"
            + " progress from before no longer prove anything. Nothing to do unless it was not announced."),
    BOND_UNCLAIMED(Severity.WARNING, false, "A resolved dispute game owes the challenger key credit that could have"
            + " been claimed for a while and is not: the monitor's claimCredit keeps reverting (the SuperchainConfig"
            + " paused, the guardian holding DelayedWETH's funds) or is not sent (no gas, monitor down). Look at its"
            + " CLAIM_CREDIT transactions and log; nothing is lost, the credit waits in the game."),
    CHALLENGER_BALANCE_LOW(Severity.WARNING, false, "The challenger key holds less than the bonds one dispute game"
            + " played to its end takes (evidence: balance and need), so a false root could go uncountered once it"
            + " runs out. Top up the key on L1."),
    MONITOR_LAGGING(Severity.WARNING, false, "The monitor is behind the chain's head, so its checks are late (or"
            + " it checked a valid output only after its act-by time, e.g. after a restart). Check the watchers, Kafka"
            + " and the monitor's endpoints; windows keep running meanwhile."),
    ENDPOINTS_DISAGREE(Severity.WARNING, false, "The chain's endpoints give different answers for the same block,"
            + " so the check cannot conclude. Find the endpoint that is wrong and take it out of the configuration."),
    CHECK_INCONCLUSIVE(Severity.WARNING, false, "A check could not conclude for too long (endpoints behind or"
            + " failing), or cannot at all: \"state unavailable\" means no endpoint has the state of the output's"
            + " L2 block any more (pruned, or a node restarted without its history); add an archive endpoint"
            + " (monitor.extraRpc). Look at the evidence and check by hand before the deadline it names."),
    UNVERIFIABLE_RELAY(Severity.WARNING, false, "A cross-rollup message was relayed from a source chain the monitor"
            + " does not watch, so it cannot be checked. Add the chain to the configuration or check it by hand.");

    /** How urgent a finding is; the lower-case name is the alert's severity label. */
    public enum Severity {
        CRITICAL, WARNING, INFO;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Severity severity;
    private final boolean misbehaviour;
    private final String runbook;

    FindingKind(Severity severity, boolean misbehaviour, String runbook) {
        this.severity = severity;
        this.misbehaviour = misbehaviour;
        this.runbook = runbook;
    }

    public Severity severity() {
        return severity;
    }

    /** Whether it proves operator misbehaviour: the chain's breaker is tripped and its bridge paused. */
    public boolean misbehaviour() {
        return misbehaviour;
    }

    public String runbook() {
        return runbook;
    }

    /** The Alertmanager {@code alertname}: {@code Crossbar} and the kind in camel case (CrossbarBadOutput). */
    public String alertName() {
        StringBuilder b = new StringBuilder("Crossbar");
        for (String part : name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }
}
