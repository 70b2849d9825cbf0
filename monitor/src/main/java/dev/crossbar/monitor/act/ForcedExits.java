package dev.crossbar.monitor.act;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.contracts.op.L2ToL1MessagePasser;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.core.protocol.OpDepositTx;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import java.math.BigInteger;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Forced withdrawals of the watched accounts from an L2 that settles through dispute games, when its operator
 * censors deposits or the chain halts: the way out through L1 that needs no sequencer. Rules:
 * <ul>
 *   <li>a CENSORED_DEPOSIT or CHAIN_HALTED finding on such an L2 is an incident; for each incident each watched
 *       account starts one exit: an L1 transaction from the account itself to {@code
 *       OptimismPortal2.depositTransaction(messagePasser, value = its L2 balance, L2_GAS, false,
 *       initiateWithdrawal(account, WITHDRAWAL_GAS, ""))}, paying no mint, so that once the deposit executes on the
 *       L2 (derivation forces it in after the sequencing window, whatever the sequencer does) the message passer
 *       records the withdrawal of the whole balance back to the account, which the relayer then proves against a
 *       verified game and finalizes;</li>
 *   <li>once per account per incident, across restarts: the exit is an action of the transaction manager named
 *       {@code exit:<l2>:<account>:<incident>}, recorded before broadcast; an incident whose exit has a transaction
 *       recorded is only followed, never sent again. Open findings are handed back after a restart
 *       ({@code FindingReporter.sync}), so an exit under way is followed to its end;</li>
 *   <li>one exit at a time per account: while an earlier exit's deposit is not on the L2 yet, a later incident waits
 *       (its deposit would take a balance the first one takes); an account with no L2 balance has nothing to take
 *       out;</li>
 *   <li>every step is in the store's history of the exit's messages: the deposit (named by its L2 transaction) is
 *       noted as the account's forced withdrawal for the incident, with the L1 transaction; the withdrawal it
 *       initiated is noted with the deposit, and each links the other in its details
 *       ({@link MessageDetails#EXIT_DEPOSIT}, {@link MessageDetails#EXIT_WITHDRAWAL}); the relayer's proof and
 *       finalization follow in the withdrawal's own history.</li>
 * </ul>
 * {@link #incident} may be called from any thread; {@link #act} runs on the patrol thread, which owns the keys.
 */
public final class ForcedExits {
    private static final Logger log = LoggerFactory.getLogger(ForcedExits.class);
    /** The findings that start exits. */
    public static final Set<FindingKind> KINDS = EnumSet.of(FindingKind.CENSORED_DEPOSIT, FindingKind.CHAIN_HALTED);
    /**
     * The L2 gas the deposit buys: {@code initiateWithdrawal} writes one slot of {@code sentMessages}, bumps the nonce
     * and emits MessagePassed (about 90k gas); the rest is margin.
     */
    static final BigInteger L2_GAS = BigInteger.valueOf(200_000);
    /** The withdrawal's gas limit for its call on L1: a plain transfer to the account, with margin. */
    static final BigInteger WITHDRAWAL_GAS = BigInteger.valueOf(100_000);
    private static final String TRANSACTION_DEPOSITED = EventEncoder.encode(
            OptimismPortal2.TRANSACTIONDEPOSITED_EVENT);
    private static final String MESSAGE_PASSED = EventEncoder.encode(L2ToL1MessagePasser.MESSAGEPASSED_EVENT);

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Actors actors;
    private final Map<String, Exit> exits = new ConcurrentHashMap<>();
    private volatile FindingSink findings;

    /** One account's exit for one incident; the account's sender is looked up when it acts. */
    private record Exit(long l2, String account, String incident, String actionId) {}

    public ForcedExits(MonitoredChains chains, MessageStore store, Actors actors) {
        this.chains = chains;
        this.store = store;
        this.actors = actors;
    }

    /** Where refused or failed exits are reported (set once the reporter exists). */
    public void reportTo(FindingSink sink) {
        this.findings = sink;
    }

    /** Whether {@code o} is an incident that starts exits: its kind, on an L2 that settles through dispute games. */
    public boolean startsExits(Observation o) {
        return KINDS.contains(o.kind()) && chains.has(o.chainId()) && chains.chain(o.chainId()).role() == ChainRole.L2
                && chains.settlementOf(o.chainId()).disputeGames();
    }

    /** Queues an exit of every watched account for the incident {@code o}, if it is one (any thread). */
    public void incident(Observation o) {
        if (!startsExits(o)) {
            return;
        }
        long l2 = o.chainId();
        for (ActionSender account : actors.exitAccounts(chains.l1Of(l2))) {
            String id = ("exit:" + l2 + ":" + account.address() + ":" + o.dedupeKey()).toLowerCase(Locale.ROOT);
            if (exits.putIfAbsent(id, new Exit(l2, account.address().toLowerCase(Locale.ROOT), o.dedupeKey(), id))
                    == null) {
                log.info("forced withdrawal queued chain={} account={} incident={}", chains.name(l2),
                        account.address(), o.dedupeKey());
            }
        }
    }

    /** The exits not yet followed to their withdrawal (for tests and the status). */
    public int underWay() {
        return exits.size();
    }

    /** Starts the queued exits of {@code l2} and follows those under way (patrol thread). */
    public void act(long l2) {
        for (Exit e : List.copyOf(exits.values())) {
            if (e.l2() != l2) {
                continue;
            }
            try {
                if (step(e)) {
                    exits.remove(e.actionId());
                }
            } catch (RuntimeException ex) {
                log.warn("forced withdrawal step failed chain={} account={} incident={} error=\"{}\"",
                        chains.name(l2), e.account(), e.incident(), ex.toString());
            }
        }
    }

    /** @return whether nothing is left to do for the exit */
    private boolean step(Exit e) {
        List<TxRecord> txs = store.transactionsOf(e.actionId());
        if (txs.isEmpty()) {
            return start(e);
        }
        Optional<TxRecord> confirmed = txs.stream().filter(t -> t.status() == TxRecord.Status.CONFIRMED).findFirst();
        if (confirmed.isEmpty()) {
            if (txs.stream().anyMatch(TxRecord::isOpen)) {
                return false;
            }
            failed(e, "its transaction " + txs.getLast().txHash() + " ended " + txs.getLast().status()
                    + (txs.getLast().error() == null ? "" : ": " + txs.getLast().error()));
            return true;
        }
        return follow(e, confirmed.get());
    }

    /** Sends the exit's deposit, unless the account has nothing on the L2 or an earlier exit is still on its way. */
    private boolean start(Exit e) {
        Optional<ActionSender> account = actors.exitAccounts(chains.l1Of(e.l2())).stream()
                .filter(a -> a.address().equalsIgnoreCase(e.account())).findFirst();
        if (account.isEmpty()) {
            return true;
        }
        for (Exit other : exits.values()) {
            if (other != e && other.l2() == e.l2() && other.account().equals(e.account())
                    && !store.transactionsOf(other.actionId()).isEmpty()) {
                return false; // its deposit is not on the L2 yet (it would be followed to its end and gone)
            }
        }
        BigInteger balance = chains.client(e.l2()).balance(e.account());
        if (balance.signum() == 0) {
            log.info("forced withdrawal not needed chain={} account={} incident={} reason=\"no balance on the L2\"",
                    chains.name(e.l2()), e.account(), e.incident());
            return true;
        }
        String portal = chains.settlementOf(e.l2()).portal();
        String passer = chains.chain(e.l2()).l2Contracts().messagePasser();
        String withdrawal = FaultProofViews.messagePasser(passer).initiateWithdrawal(e.account(), WITHDRAWAL_GAS,
                new byte[0], balance).encodeFunctionCall();
        String data = FaultProofViews.portal2(portal).depositTransaction(passer, balance, L2_GAS, false,
                Numeric.hexStringToByteArray(withdrawal), BigInteger.ZERO).encodeFunctionCall();
        ActionSender.Result r = account.get().send(TxPurpose.FORCED_WITHDRAWAL, e.actionId(), portal, data);
        switch (r) {
            case ActionSender.Result.Sent sent -> log.warn("forced withdrawal sent chain={} account={} incident={}"
                    + " amount={} l1Tx={}", chains.name(e.l2()), e.account(), e.incident(), balance,
                    sent.tx().txHash());
            case ActionSender.Result.Refused refused -> {
                failed(e, "its deposit is refused by the portal: " + refused.reason());
                return true;
            }
            case ActionSender.Result.InFlight inFlight -> { }
        }
        return false;
    }

    /**
     * Links the exit's deposit and, once the L2 has run it, the withdrawal it initiated, noting each step in their
     * histories (once: a step whose detail is already there is not noted again).
     *
     * @return whether the exit has reached its withdrawal (or ended without one)
     */
    private boolean follow(Exit e, TxRecord tx) {
        EthApi l1 = chains.client(chains.l1Of(e.l2()));
        TransactionReceipt sent = l1.receipt(tx.txHash()).orElse(null);
        if (sent == null) {
            return false; // confirmed in the store, not served by this endpoint yet
        }
        String portal = chains.settlementOf(e.l2()).portal();
        Log deposited = sent.getLogs().stream().filter(l -> l.getAddress().equalsIgnoreCase(portal)
                && !l.getTopics().isEmpty() && l.getTopics().getFirst().equalsIgnoreCase(TRANSACTION_DEPOSITED))
                .findFirst().orElse(null);
        if (deposited == null) {
            failed(e, "its L1 transaction " + tx.txHash() + " made no deposit");
            return true;
        }
        OpDepositTx deposit = OpDepositTx.from(OptimismPortal2.getTransactionDepositedEventFromLog(deposited));
        String depositId = deposit.hash().toLowerCase(Locale.ROOT);
        Optional<MessageRecord> depositMessage = store.message(depositId);
        if (depositMessage.isEmpty()) {
            return false; // the watcher has not recorded it yet
        }
        if (!depositMessage.get().details().containsKey(MessageDetails.EXIT_ACCOUNT)) {
            store.putDetails(depositId, Map.of(MessageDetails.EXIT_ACCOUNT, e.account(), MessageDetails.EXIT_INCIDENT,
                    e.incident()));
            store.note(depositId, "forced withdrawal of " + e.account() + " for " + e.incident() + ": deposit of "
                    + deposit.deposit().value() + " wei to the message passer sent on L1 by the monitor, tx "
                    + tx.txHash());
        }
        TransactionReceipt ran = chains.client(e.l2()).receipt(depositId).orElse(null);
        if (ran == null) {
            return false; // not on the L2 yet: the sequencer censors it or has not got to it
        }
        String passer = chains.chain(e.l2()).l2Contracts().messagePasser();
        Log passed = ran.isStatusOK() ? ran.getLogs().stream().filter(l -> l.getAddress().equalsIgnoreCase(passer)
                && !l.getTopics().isEmpty() && l.getTopics().getFirst().equalsIgnoreCase(MESSAGE_PASSED))
                .findFirst().orElse(null) : null;
        if (passed == null) {
            store.note(depositId, "forced withdrawal of " + e.account() + ": the deposit ran on " + chains.name(e.l2())
                    + " in block " + ran.getBlockNumber() + " but initiated no withdrawal (status " + ran.getStatus()
                    + ")");
            failed(e, "its deposit " + depositId + " ran on the L2 but initiated no withdrawal");
            return true;
        }
        String withdrawalId = Numeric.toHexString(L2ToL1MessagePasser.getMessagePassedEventFromLog(passed)
                .withdrawalHash).toLowerCase(Locale.ROOT);
        Optional<MessageRecord> withdrawal = store.message(withdrawalId);
        if (withdrawal.isEmpty()) {
            return false; // the watcher has not recorded it yet
        }
        if (!withdrawal.get().details().containsKey(MessageDetails.EXIT_DEPOSIT)) {
            store.putDetails(withdrawalId, Map.of(MessageDetails.EXIT_ACCOUNT, e.account(),
                    MessageDetails.EXIT_INCIDENT, e.incident(), MessageDetails.EXIT_DEPOSIT, depositId));
            store.note(withdrawalId, "forced withdrawal of " + e.account() + " for " + e.incident()
                    + ": initiated on " + chains.name(e.l2()) + " by deposit " + depositId + " (L1 tx "
                    + tx.txHash() + ")");
        }
        if (!depositMessage.get().details().containsKey(MessageDetails.EXIT_WITHDRAWAL)) {
            store.putDetails(depositId, Map.of(MessageDetails.EXIT_WITHDRAWAL, withdrawalId));
            store.note(depositId, "forced withdrawal of " + e.account() + ": executed on " + chains.name(e.l2())
                    + " in block " + ran.getBlockNumber() + ", initiated withdrawal " + withdrawalId);
        }
        log.warn("forced withdrawal initiated chain={} account={} incident={} deposit={} withdrawal={}",
                chains.name(e.l2()), e.account(), e.incident(), depositId, withdrawalId);
        return true;
    }

    private void failed(Exit e, String why) {
        log.warn("forced withdrawal failed chain={} account={} incident={} reason=\"{}\"", chains.name(e.l2()),
                e.account(), e.incident(), why);
        FindingSink sink = findings;
        if (sink != null) {
            sink.report(new Observation(FindingKind.ACTION_FAILED, e.l2(), "ACTION_FAILED:" + TxPurpose.FORCED_WITHDRAWAL
                    + ":" + e.actionId(), "the forced withdrawal of " + e.account() + " from " + chains.name(e.l2())
                    + " failed: " + why, evidence("chain", chains.name(e.l2()), "action", TxPurpose.FORCED_WITHDRAWAL,
                            "account", e.account(), "incident", e.incident(), "reason", why)));
        }
    }
}
