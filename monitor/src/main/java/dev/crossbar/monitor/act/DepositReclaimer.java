package dev.crossbar.monitor.act;

import static dev.crossbar.monitor.Observation.evidence;

import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.core.protocol.ExecutorCountProof;
import dev.crossbar.monitor.FindingKind;
import dev.crossbar.monitor.FindingSink;
import dev.crossbar.monitor.Observation;
import dev.crossbar.monitor.chain.ContractReads;
import dev.crossbar.monitor.chain.MonitoredChains;
import dev.crossbar.store.MessageStore;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Carries out the exits of an L2 whose Portal is in escape mode. Rules:
 * <ul>
 *   <li>every deposit the L2 had not executed as of the escape output ({@code escapeOutputIndex}, the last output
 *       finalized before escape mode) is reclaimed to its original sender with {@code Portal.reclaimDeposit}, proving
 *       the deposit executor's {@code executedCount} at that output ({@link ExecutorCountProof}); without such an
 *       output every deposit is reclaimable and no proof is needed;</li>
 *   <li>exactly once: {@code deposits(n).reclaimed} is read first, a reclaim in flight is not sent again (recorded
 *       in the store before broadcast), and the Portal itself refuses a second one;</li>
 *   <li>withdrawals are left to the relayer, which proves them against the escape output: when
 *       {@code reopenForExits} is set the chain's breaker is reset for it.</li>
 * </ul>
 * Patrol thread only.
 */
public final class DepositReclaimer {
    private static final Logger log = LoggerFactory.getLogger(DepositReclaimer.class);
    private static final int MAX_SENDS_PER_ROUND = 32;

    private final MonitoredChains chains;
    private final MessageStore store;
    private final Actors actors;
    private final Responder responder;
    private final FindingSink findings;
    private final boolean reopenForExits;
    private final Map<Long, Proof> proofs = new ConcurrentHashMap<>();
    private final Map<Long, Set<BigInteger>> reclaimed = new ConcurrentHashMap<>();

    /** The escape output's proof of how many deposits had executed, and its call parameters. */
    private record Proof(BigInteger outputIndex, BigInteger executedCount, Portal.OutputRootProof outputRootProof,
            List<byte[]> accountProof, List<byte[]> storageProof) {}

    public DepositReclaimer(MonitoredChains chains, MessageStore store, Actors actors, Responder responder,
            FindingSink findings, boolean reopenForExits) {
        this.chains = chains;
        this.store = store;
        this.actors = actors;
        this.responder = responder;
        this.findings = findings;
        this.reopenForExits = reopenForExits;
    }

    /** One round for {@code l2}: nothing unless its Portal is in escape mode. */
    public void exits(long l2) {
        Settlement s = chains.settlementOf(l2);
        EthApi l1 = chains.client(chains.l1Of(l2));
        ProtocolViews.Escape escape = ProtocolViews.escape(l1, s.portal());
        if (!escape.active()) {
            return;
        }
        responder.escaped(l2);
        if (reopenForExits) {
            store.breaker(l2).filter(b -> b.tripped()).ifPresent(b -> {
                store.setBreaker(l2, false, "the Portal of " + chains.name(l2) + " is in escape mode: it only admits"
                        + " exits against output " + escape.outputIndex() + " and before", Responder.BY);
                log.warn("breaker reset for exits chain={} escapeOutputIndex={}", chains.name(l2), escape.outputIndex());
            });
        }
        Optional<ActionSender> reclaimer = actors.of(Actors.Role.RECLAIMER, chains.l1Of(l2));
        if (reclaimer.isEmpty()) {
            return;
        }
        Proof proof = proofs.computeIfAbsent(l2, id -> prove(id, escape, l1, s));
        if (proof == null) {
            return;
        }
        BigInteger count = ContractReads.depositCount(l1, s.portal());
        Set<BigInteger> done = reclaimed.computeIfAbsent(l2, id -> ConcurrentHashMap.newKeySet());
        int sends = 0;
        for (BigInteger n = proof.executedCount(); n.compareTo(count) < 0 && sends < MAX_SENDS_PER_ROUND;
                n = n.add(BigInteger.ONE)) {
            if (done.contains(n)) {
                continue;
            }
            ContractReads.Deposit d = ContractReads.deposit(l1, s.portal(), n);
            if (d.reclaimed()) {
                done.add(n);
                continue;
            }
            if (reclaim(l2, s, proof, d, reclaimer.get())) {
                sends++;
            }
        }
    }

    private boolean reclaim(long l2, Settlement s, Proof proof, ContractReads.Deposit d, ActionSender reclaimer) {
        String data = ProtocolViews.portal(s.portal()).reclaimDeposit(d.nonce(), proof.outputRootProof(),
                proof.accountProof(), proof.storageProof()).encodeFunctionCall();
        ActionSender.Result r = reclaimer.send(TxPurpose.RECLAIM, "reclaim:" + l2 + ":" + d.nonce(), s.portal(),
                data);
        if (r instanceof ActionSender.Result.Sent sent) {
            log.warn("deposit reclaim sent chain={} depositNonce={} recipient={} amount={} tx={}", chains.name(l2),
                    d.nonce(), d.sender(), d.mint(), sent.tx().txHash());
            return true;
        }
        if (r instanceof ActionSender.Result.Refused refused && !refused.reason().contains("already reclaimed")) {
            findings.report(new Observation(FindingKind.ACTION_FAILED, l2, "ACTION_FAILED:RECLAIM:" + l2 + ":"
                    + d.nonce(), "the reclaim of deposit " + d.nonce() + " of " + chains.name(l2) + " is refused: "
                    + refused.reason(), evidence("chain", chains.name(l2), "action", TxPurpose.RECLAIM, "depositNonce",
                            d.nonce(), "recipient", d.sender(), "amount", d.mint(), "reason", refused.reason())));
        }
        return false;
    }

    /** The proof of the escape output's executed count, or null when the output cannot be proven from the L2. */
    private Proof prove(long l2, ProtocolViews.Escape escape, EthApi l1, Settlement s) {
        if (!escape.hasOutput()) {
            return new Proof(escape.outputIndex(), BigInteger.ZERO, new Portal.OutputRootProof(new byte[32],
                    new byte[32], new byte[32], new byte[32]), List.of(), List.of());
        }
        ProtocolViews.Output output = ContractReads.output(l1, s.outputOracle(), escape.outputIndex(),
                ProtocolViews.LATEST).orElseThrow(() -> new IllegalStateException("escape output "
                        + escape.outputIndex() + " of " + chains.name(l2) + " does not exist"));
        EthApi l2Chain = chains.client(l2);
        long block = output.l2BlockNumber();
        EthApi.Header header = l2Chain.findHeader(block).orElseThrow(() -> new IllegalStateException(
                chains.name(l2) + " has no block " + block + " (of escape output " + escape.outputIndex() + ") yet"));
        String executor = chains.chain(l2).l2Contracts().depositExecutor();
        ExecutorCountProof p = ExecutorCountProof.from(header.hash(), header.stateRoot(),
                l2Chain.proof(chains.chain(l2).l2Contracts().messagePasser(), List.of(), block),
                l2Chain.proof(executor, List.of(ExecutorCountProof.EXECUTED_COUNT_SLOT), block));
        if (!Numeric.toHexString(p.outputRoot()).equalsIgnoreCase(output.rootHex())) {
            findings.report(new Observation(FindingKind.ACTION_FAILED, l2, "ACTION_FAILED:ESCAPE_PROOF:" + l2 + ":"
                    + escape.outputIndex(), "the escape output " + escape.outputIndex() + " of " + chains.name(l2)
                    + " does not match the L2: unexecuted deposits cannot be proven",
                    evidence("chain", chains.name(l2), "outputIndex", escape.outputIndex(), "l2Block", block,
                            "expected", output.rootHex(), "seen", Numeric.toHexString(p.outputRoot()))));
            return null;
        }
        log.info("escape output proven chain={} outputIndex={} l2Block={} executedCount={}", chains.name(l2),
                escape.outputIndex(), block, p.executedCount());
        return new Proof(escape.outputIndex(), p.executedCount(), new Portal.OutputRootProof(new byte[32],
                p.stateRoot(), p.messagePasserStorageRoot(), p.blockHash()), p.accountProof(), p.storageProof());
    }
}
