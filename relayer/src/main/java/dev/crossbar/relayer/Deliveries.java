package dev.crossbar.relayer;

import dev.crossbar.core.chain.Chains;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.chain.RevertReasons;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageKind;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.InvalidProofException;
import dev.crossbar.core.protocol.ExecutingMessages;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.WithdrawalProof;
import dev.crossbar.core.rpc.RpcException;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.txmanager.TxManager;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.EthGetProof;
import org.web3j.utils.Numeric;

/**
 * What to do next for one message, decided against the chains: every send is preceded by asking the
 * destination whether the effect already happened ({@code provenWithdrawals}, {@code finalizedWithdrawals},
 * {@code successfulMessages}) and by a simulation whose revert is classified (docs/architecture.md, rule 3).
 */
final class Deliveries {
    /** Extra gas on top of an estimate: estimates of calls with a minimum-gas check run close to the edge. */
    private static final BigInteger GAS_MARGIN = BigInteger.valueOf(50_000);

    private final Chains chains;
    private final Map<Long, Long> finalizationPeriods = new ConcurrentHashMap<>();

    Deliveries(Chains chains) {
        this.chains = chains;
    }

    /** What came of looking at a message. */
    sealed interface Step {
        /** A transaction went out; the message may have moved (e.g. READY to RELAYING). */
        record Sent(TxManager.Intent intent, MessageState movedTo, Map<String, String> details, String note)
                implements Step {}

        /** Its state changed on what the chain says (with details to record); look again at once. */
        record Moved(MessageState to, String cause, Map<String, String> details) implements Step {
            Moved(MessageState to, String cause) {
                this(to, cause, Map.of());
            }
        }

        /** Nothing to do before {@code after}; not a failure. */
        record Wait(Duration after, String reason) implements Step {}

        /** An attempt failed in a way that may pass: try again after the backoff. */
        record Retry(String reason) implements Step {}

        /**
         * The relay's target reverts, so the whole relay would (the L2-to-L2 messenger records no failure): try again
         * under the replay policy (the backoff, at most the relayer's {@code replayMaxAttempts} attempts), then
         * dead-letter it with the target's reason.
         */
        record TargetReverts(String reason) implements Step {}

        /** It can never be delivered as it is: dead-letter it with the reason. */
        record Dead(String reason) implements Step {}
    }

    // ---- withdrawals -------------------------------------------------------------------------------------

    /** How many outputs one round tries, newest first, before it waits for the next round. */
    private static final int PROOF_CANDIDATES = 8;

    /**
     * A COMMITTED withdrawal: prove it against the newest output covering its block whose root matches the L2's
     * state and whose state the L2 node still serves. Newest first, because a node that prunes old state (or came
     * back without it) serves the recent blocks, and the newest output costs nothing in time: the window runs from
     * the later of the proof and the output. An output that cannot be used is passed over with its reason, which goes
     * with the proof into the message's history.
     */
    Step proveWithdrawal(MessageRecord m, TxManager signer) {
        Settlement s = chains.settlementOf(m.sourceChainId());
        EthApi l1 = chains.client(m.destinationChainId());
        byte[] hash = Numeric.hexStringToByteArray(m.id());
        ProtocolViews.Proven proven = ProtocolViews.provenWithdrawal(l1, s.portal(), hash);
        ProtocolViews.Escape escape = ProtocolViews.escape(l1, s.portal());
        if (proven.exists() && escape.admits(proven.outputIndex())) {
            try {
                ProtocolViews.Output o = ProtocolViews.output(l1, s.outputOracle(), proven.outputIndex());
                if (java.util.Arrays.equals(o.root(), proven.outputRoot())) {
                    return new Step.Moved(MessageState.PROVEN, "already proven on chain against output "
                            + proven.outputIndex() + " at " + proven.timestamp());
                }
            } catch (EthApi.Reverted deleted) {
                // its output is gone: prove again below
            }
        }
        BigInteger first;
        BigInteger newest;
        if (escape.active()) {
            // Escape mode: only outputs finalized before it began can be proven against; the last of them covers the
            // withdrawal or nothing ever will.
            if (!escape.hasOutput()) {
                return cannotExit(m, "the Portal is in escape mode and no output was finalized before it began: this"
                        + " withdrawal cannot exit");
            }
            ProtocolViews.Output last = ProtocolViews.output(l1, s.outputOracle(), escape.outputIndex());
            if (last.l2BlockNumber() < m.source().blockNumber()) {
                return cannotExit(m, "the Portal is in escape mode and its last valid output " + last.index()
                        + " (L2 block " + last.l2BlockNumber() + ") does not cover this withdrawal's L2 block "
                        + m.source().blockNumber() + ": it cannot exit");
            }
            first = escape.outputIndex();
            newest = escape.outputIndex();
        } else {
            try {
                first = ProtocolViews.outputIndexAfter(l1, s.outputOracle(), m.source().blockNumber());
                newest = ProtocolViews.latestOutputIndex(l1, s.outputOracle());
            } catch (EthApi.Reverted none) {
                return new Step.Wait(Duration.ofSeconds(5), "no output covers L2 block " + m.source().blockNumber()
                        + " yet");
            }
        }
        List<String> passedOver = new java.util.ArrayList<>();
        for (BigInteger i = newest; i.compareTo(first) >= 0 && passedOver.size() < PROOF_CANDIDATES;
                i = i.subtract(BigInteger.ONE)) {
            ProtocolViews.Output output;
            try {
                output = ProtocolViews.output(l1, s.outputOracle(), i);
            } catch (EthApi.Reverted deleted) {
                passedOver.add("output " + i + ": deleted");
                continue;
            }
            ProofAttempt attempt = proofAgainst(m, output, hash);
            if (attempt.unusable() != null) {
                passedOver.add("output " + i + ": " + attempt.unusable());
                continue;
            }
            WithdrawalProof proof = attempt.proof();
            String data = ProtocolViews.portal(s.portal()).proveWithdrawalTransaction(withdrawalTx(m), output.index(),
                    new dev.crossbar.contracts.bindings.Portal.OutputRootProof(new byte[32], proof.stateRoot(),
                            proof.messagePasserStorageRoot(), proof.blockHash()), proof.storageProof())
                    .encodeFunctionCall();
            Step step = simulateAndSend(l1, signer, new TxManager.Intent(TxPurpose.PROVE, m.id(), s.portal(), data,
                    BigInteger.ZERO, null), null, Map.of(MessageDetails.PROVING_OUTPUT_INDEX,
                            output.index().toString()));
            if (step instanceof Step.Sent sent && !passedOver.isEmpty()) {
                return new Step.Sent(sent.intent(), sent.movedTo(), sent.details(), "proving against output "
                        + output.index() + ", passed over " + String.join("; ", passedOver));
            }
            return step;
        }
        String why = "no usable output among " + passedOver.size() + " tried: " + String.join("; ", passedOver);
        return passedOver.stream().allMatch(r -> r.contains("does not match"))
                ? new Step.Wait(Duration.ofSeconds(30), why + "; waiting for the challenger to delete them and for a"
                        + " valid replacement")
                : new Step.Retry(why);
    }

    /** A withdrawal's proof against one output, or why there is none. */
    record ProofAttempt(WithdrawalProof proof, String unusable) {
        static ProofAttempt no(String why) {
            return new ProofAttempt(null, why);
        }
    }

    /**
     * The withdrawal's proof against {@code output}, or why it cannot be proven there: the L2 node does not serve the
     * state at its block, the proof does not verify, or the output's root is not the L2's state there (never prove
     * against a root we have not verified).
     */
    ProofAttempt proofAgainst(MessageRecord m, ProtocolViews.Output output, byte[] hash) {
        EthApi l2 = chains.client(m.sourceChainId());
        WithdrawalProof proof;
        try {
            var header = l2.header(EthApi.hex(output.l2BlockNumber()));
            EthGetProof.Proof p = l2.proof(chains.l2Contracts(m.sourceChainId()).messagePasser(),
                    List.of(Numeric.toHexString(Hashes.sentMessageSlot(hash))), output.l2BlockNumber());
            proof = WithdrawalProof.from(hash, header.hash(), header.stateRoot(), p);
        } catch (InvalidProofException e) {
            return ProofAttempt.no("cannot build the proof at L2 block " + output.l2BlockNumber() + ": "
                    + e.getMessage());
        } catch (RpcException.Remote | RpcException.Malformed e) {
            return ProofAttempt.no("the L2 node does not serve the state at block " + output.l2BlockNumber() + ": "
                    + e.getMessage());
        }
        if (!java.util.Arrays.equals(proof.outputRoot(), output.root())) {
            return ProofAttempt.no("root " + Numeric.toHexString(output.root()) + " does not match the L2's state at"
                    + " block " + output.l2BlockNumber() + " (root " + Numeric.toHexString(proof.outputRoot()) + ")");
        }
        return new ProofAttempt(proof, null);
    }

    /**
     * A withdrawal that escape mode keeps from ever exiting: dead-lettered with the reason where the lifecycle lets
     * its state move there; otherwise (the lifecycle has no move from COMMITTED to DEAD_LETTERED) parked with the
     * reason for a day, so that it is not looked at again every round.
     */
    private static Step cannotExit(MessageRecord m, String reason) {
        return m.state().canMoveTo(m.kind(), MessageState.DEAD_LETTERED) ? new Step.Dead(reason)
                : new Step.Wait(Duration.ofDays(1), reason + " (dead letter)");
    }

    /** A PROVEN or IN_WINDOW withdrawal: READY once its window and its output's window have passed. */
    Step checkWindow(MessageRecord m) {
        Settlement s = chains.settlementOf(m.sourceChainId());
        EthApi l1 = chains.client(m.destinationChainId());
        ProtocolViews.Proven proven = ProtocolViews.provenWithdrawal(l1, s.portal(), Numeric.hexStringToByteArray(m.id()));
        if (!proven.exists()) {
            return new Step.Moved(MessageState.COMMITTED, "not proven on chain");
        }
        ProtocolViews.Output output;
        try {
            output = ProtocolViews.output(l1, s.outputOracle(), proven.outputIndex());
        } catch (EthApi.Reverted deleted) {
            return new Step.Moved(MessageState.COMMITTED, "output " + proven.outputIndex()
                    + " it was proven against was deleted; proving again");
        }
        if (!java.util.Arrays.equals(output.root(), proven.outputRoot())) {
            return new Step.Moved(MessageState.COMMITTED, "output " + proven.outputIndex()
                    + " was replaced since the proof; proving again");
        }
        if (!ProtocolViews.escape(l1, s.portal()).admits(proven.outputIndex())) {
            return new Step.Moved(MessageState.COMMITTED, "the Portal is in escape mode and output "
                    + proven.outputIndex() + " it was proven against is not usable in it; proving again");
        }
        long period = finalizationPeriods.computeIfAbsent(m.sourceChainId(),
                id -> ProtocolViews.finalizationPeriod(l1, s.outputOracle()));
        long readyAt = Math.max(proven.timestamp(), output.timestamp()) + period + 1;
        long now = l1.latest().timestamp();
        if (now >= readyAt) {
            return new Step.Moved(MessageState.READY, "challenge window of " + period + "s passed");
        }
        return new Step.Wait(Duration.ofSeconds(Math.min(readyAt - now, 15)), "in its challenge window for "
                + (readyAt - now) + "s more (L1 time)");
    }

    /** The CrossL2Inbox's refusals of an executing message (the specification's and OP's code's names). */
    static final java.util.Set<String> INBOX_REFUSALS = java.util.Set.of("NonDeclaredExecutingMessage",
            "NotInAccessList", "BlockNumberTooHigh", "TimestampTooHigh", "LogIndexTooHigh");
    /** The L2ToL2CrossDomainMessenger's refusals of a relay, none of them the target's. */
    static final java.util.Set<String> MESSENGER_REFUSALS = java.util.Set.of("IdOriginNotL2ToL2CrossDomainMessenger",
            "EventPayloadNotSentMessage", "MessageDestinationNotRelayChain", "MessageTargetL2ToL2CrossDomainMessenger",
            "MessageTargetCrossL2Inbox", "L2ToL2CrossDomainMessenger_MessageTargetUnsafe", "ReentrantCall");

    /** A READY withdrawal: finalize it. */
    Step finalizeWithdrawal(MessageRecord m, TxManager signer) {
        Settlement s = chains.settlementOf(m.sourceChainId());
        EthApi l1 = chains.client(m.destinationChainId());
        if (ProtocolViews.finalizedWithdrawal(l1, s.portal(), Numeric.hexStringToByteArray(m.id()))) {
            return new Step.Moved(MessageState.RELAYED, "already finalized on chain");
        }
        String data = ProtocolViews.portal(s.portal()).finalizeWithdrawalTransaction(withdrawalTx(m)).encodeFunctionCall();
        // The Portal gives the call at least the withdrawal's gas limit: make room for it.
        BigInteger floor = m.gasLimit().add(BigInteger.valueOf(150_000));
        return simulateAndSend(l1, signer, new TxManager.Intent(TxPurpose.FINALIZE, m.id(), s.portal(), data,
                BigInteger.ZERO, null), floor, Map.of());
    }

    // ---- L2 to L2 ---------------------------------------------------------------------------------------

    /** The {@code relayMessage(Identifier, bytes)} call data for a cross-rollup message. */
    String relayCall(MessageRecord m, String destinationMessenger) {
        ExecutingMessages.Identifier id = identifier(m);
        var binding = new dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger.Identifier(id.origin(),
                BigInteger.valueOf(id.blockNumber()), BigInteger.valueOf(id.logIndex()),
                BigInteger.valueOf(id.timestamp()), id.chainId());
        return ProtocolViews.l2ToL2(destinationMessenger).relayMessage(binding, payload(m), BigInteger.ZERO)
                .encodeFunctionCall();
    }

    /**
     * The relay of a cross-rollup message as a transaction: {@link #relayCall} to the destination's messenger, with
     * the access list that declares the message to the CrossL2Inbox.
     */
    EthApi.TxCall relayTx(MessageRecord m) {
        String messenger = chains.l2Contracts(m.destinationChainId()).l2ToL2Messenger();
        return new EthApi.TxCall(messenger, relayCall(m, messenger), BigInteger.ZERO, accessList(List.of(m)));
    }

    /** The access list declaring every message of {@code messages} (one relay, or a batch of them). */
    List<org.web3j.crypto.AccessListObject> accessList(List<MessageRecord> messages) {
        return ExecutingMessages.accessList(messages.stream().map(m -> new ExecutingMessages.Message(identifier(m),
                org.web3j.crypto.Hash.sha3(payload(m)))).toList());
    }

    /** The identifier of a cross-rollup message's SentMessage log on its source chain. */
    ExecutingMessages.Identifier identifier(MessageRecord m) {
        return new ExecutingMessages.Identifier(chains.l2Contracts(m.sourceChainId()).l2ToL2Messenger(),
                m.source().blockNumber(), m.source().logIndex(), m.source().blockTimestamp(),
                BigInteger.valueOf(m.sourceChainId()));
    }

    /** The SentMessage log's topics and data, the payload {@code relayMessage} takes. */
    private static byte[] payload(MessageRecord m) {
        return new L2ToL2Payload(BigInteger.valueOf(m.destinationChainId()), m.target(), m.nonce(), m.sender(),
                Numeric.hexStringToByteArray(m.data())).encode();
    }

    /**
     * Why a cross-rollup message can no longer be executed: its source log is past the interop expiry window at the
     * destination's latest block (the chain's block builder drops such a relay; the inbox cannot tell). Null when it
     * is not, or for other kinds.
     */
    String expired(MessageRecord m, java.time.Duration expiry) {
        if (m.kind() != MessageKind.CROSS_ROLLUP || m.source() == null) {
            return null;
        }
        return pastExpiry(m, expiry, chains.client(m.destinationChainId()).latest().timestamp());
    }

    /** {@link #expired} at the destination time {@code now} (seconds). */
    static String pastExpiry(MessageRecord m, java.time.Duration expiry, long now) {
        long closes = m.source().blockTimestamp() + expiry.toSeconds();
        return now >= closes ? "its source log (" + "block " + m.source().blockNumber() + ", timestamp "
                + m.source().blockTimestamp() + ") is past the interop expiry window of " + expiry.toSeconds()
                + "s (closed at " + closes + ", destination time " + now + ")" : null;
    }

    /**
     * Why a cross-rollup message's source log may no longer exist, or null when its source block is still on its
     * chain. The watcher orphans a message whose block was reorged away, but a relayer can look before the watcher
     * has (after a crash, a node that came back shorter): a relay of a log that is gone is a forged message.
     */
    String sourceGone(MessageRecord m) {
        return sourcesGone(List.of(m)).get(m.id());
    }

    /**
     * {@link #sourceGone} of several messages, by message id (absent: still there), in one batched read of each
     * source chain's blocks.
     */
    Map<String, String> sourcesGone(List<MessageRecord> messages) {
        Map<Long, java.util.TreeSet<Long>> blocks = new java.util.HashMap<>();
        for (MessageRecord m : messages) {
            if (m.kind() == MessageKind.CROSS_ROLLUP && m.source() != null) {
                blocks.computeIfAbsent(m.sourceChainId(), c -> new java.util.TreeSet<>()).add(m.source().blockNumber());
            }
        }
        Map<Long, Map<Long, java.util.Optional<EthApi.Header>>> headers = new java.util.HashMap<>();
        blocks.forEach((chain, numbers) -> {
            List<Long> wanted = List.copyOf(numbers);
            List<java.util.Optional<EthApi.Header>> found = chains.client(chain).findHeaders(wanted);
            Map<Long, java.util.Optional<EthApi.Header>> byNumber = new java.util.HashMap<>();
            for (int i = 0; i < wanted.size(); i++) {
                byNumber.put(wanted.get(i), found.get(i));
            }
            headers.put(chain, byNumber);
        });
        Map<String, String> gone = new java.util.HashMap<>();
        for (MessageRecord m : messages) {
            if (m.kind() != MessageKind.CROSS_ROLLUP || m.source() == null) {
                continue;
            }
            long number = m.source().blockNumber();
            java.util.Optional<EthApi.Header> h = headers.get(m.sourceChainId()).get(number);
            if (h.isEmpty()) {
                gone.put(m.id(), "its source block " + number + " is not on " + chains.name(m.sourceChainId())
                        + " (the chain is shorter)");
            } else if (!h.get().hash().equalsIgnoreCase(m.source().blockHash())) {
                gone.put(m.id(), "its source block " + number + " on " + chains.name(m.sourceChainId()) + " is now "
                        + h.get().hash() + ", not " + m.source().blockHash());
            }
        }
        return gone;
    }

    /** Whether {@code m} is a withdrawal of an L2 that settles through dispute games ({@link GameDeliveries}). */
    boolean overGames(MessageRecord m) {
        return m.kind() == MessageKind.WITHDRAWAL && chains.settlementOf(m.sourceChainId()).disputeGames();
    }

    /**
     * Whether the effect a transaction of {@code purpose} was sent for is on the destination already: the question
     * asked before every send. (A proof on a dispute-game chain is asked of {@link GameDeliveries#proofStands}.)
     */
    boolean effectOnChain(MessageRecord m, String purpose) {
        EthApi dest = chains.client(m.destinationChainId());
        byte[] id = Numeric.hexStringToByteArray(m.id());
        return switch (purpose) {
            case TxPurpose.PROVE -> {
                Settlement s = chains.settlementOf(m.sourceChainId());
                ProtocolViews.Proven proven = ProtocolViews.provenWithdrawal(dest, s.portal(), id);
                if (!proven.exists()) {
                    yield false;
                }
                try {
                    yield java.util.Arrays.equals(ProtocolViews.output(dest, s.outputOracle(), proven.outputIndex())
                            .root(), proven.outputRoot());
                } catch (EthApi.Reverted deleted) {
                    yield false;
                }
            }
            case TxPurpose.FINALIZE -> ProtocolViews.finalizedWithdrawal(dest,
                    chains.settlementOf(m.sourceChainId()).portal(), id);
            case TxPurpose.RELAY -> ProtocolViews.successfulCrossRollup(dest,
                    chains.l2Contracts(m.destinationChainId()).l2ToL2Messenger(), id);
            case TxPurpose.REPLAY -> m.messengerHash() != null && ProtocolViews.successfulMessage(dest,
                    m.kind() == MessageKind.WITHDRAWAL ? chains.settlementOf(m.sourceChainId()).l1Messenger()
                            : chains.l2Contracts(m.destinationChainId()).l2Messenger(),
                    Numeric.hexStringToByteArray(m.messengerHash()));
            default -> false;
        };
    }

    // ---- replays ------------------------------------------------------------------------------------------

    /** A FAILED deposit or withdrawal sent through a messenger: replay it on the destination's messenger. */
    Step replay(MessageRecord m, TxManager signer, int replayAttempt, int gasRaisePercent) {
        if (m.messengerHash() == null) {
            return new Step.Dead("its call failed on the destination and it was not sent through a messenger, so it"
                    + " cannot be replayed");
        }
        EthApi dest = chains.client(m.destinationChainId());
        String messenger = m.kind() == MessageKind.WITHDRAWAL
                ? chains.settlementOf(m.sourceChainId()).l1Messenger()
                : chains.l2Contracts(m.destinationChainId()).l2Messenger();
        if (ProtocolViews.successfulMessage(dest, messenger, Numeric.hexStringToByteArray(m.messengerHash()))) {
            return new Step.Moved(MessageState.RELAYED, "already replayed on chain");
        }
        RelayCall c = RelayCall.decode(m.data());
        String data = ProtocolViews.messenger(messenger).relayMessage(c.nonce(), c.sender(), c.target(), c.value(),
                c.minGasLimit(), c.message(), BigInteger.ZERO).encodeFunctionCall();
        BigInteger raise = c.minGasLimit().multiply(BigInteger.valueOf((long) gasRaisePercent * replayAttempt))
                .divide(BigInteger.valueOf(100));
        BigInteger floor = c.minGasLimit().add(raise).add(BigInteger.valueOf(200_000));
        return simulateAndSend(dest, signer, new TxManager.Intent(TxPurpose.REPLAY, m.id(), messenger, data,
                BigInteger.ZERO, null), floor, Map.of());
    }

    /** The messenger's {@code relayMessage(nonce, sender, target, value, minGasLimit, message)} call. */
    record RelayCall(BigInteger nonce, String sender, String target, BigInteger value, BigInteger minGasLimit,
            byte[] message) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        static RelayCall decode(String calldata) {
            String hex = Numeric.cleanHexPrefix(calldata);
            if (hex.length() < 8) {
                throw new IllegalArgumentException("not a relayMessage call: " + calldata);
            }
            List<Type> v = FunctionReturnDecoder.decode(hex.substring(8), (List) List.of(
                    TypeReference.create(Uint256.class), TypeReference.create(Address.class),
                    TypeReference.create(Address.class), TypeReference.create(Uint256.class),
                    TypeReference.create(Uint256.class), TypeReference.create(DynamicBytes.class)));
            return new RelayCall((BigInteger) v.get(0).getValue(), (String) v.get(1).getValue(),
                    (String) v.get(2).getValue(), (BigInteger) v.get(3).getValue(), (BigInteger) v.get(4).getValue(),
                    (byte[]) v.get(5).getValue());
        }
    }

    // ---- shared -----------------------------------------------------------------------------------------

    /** The intent with its gas, once a simulation says it goes through; else the classified refusal. */
    Step simulateAndSend(EthApi chain, TxManager signer, TxManager.Intent intent, BigInteger gasFloor,
            Map<String, String> details) {
        BigInteger estimate;
        try {
            estimate = chain.estimateGas(signer.address(), new EthApi.TxCall(intent.to(), intent.data(),
                    intent.value(), intent.accessList()));
        } catch (EthApi.Reverted r) {
            return classify(intent.purpose(), RevertReasons.of(r));
        }
        BigInteger gas = gasFor(estimate, gasFloor);
        TxManager.Intent priced = new TxManager.Intent(intent.purpose(), intent.messageId(), intent.to(), intent.data(),
                intent.value(), gas, intent.accessList());
        MessageState movedTo = switch (intent.purpose()) {
            case TxPurpose.FINALIZE, TxPurpose.RELAY -> MessageState.RELAYING;
            default -> null;
        };
        return new Step.Sent(priced, movedTo, details, null);
    }

    /** The gas limit to send with for an estimate: a fifth more plus a margin, at least {@code floor} (if any). */
    static BigInteger gasFor(BigInteger estimate, BigInteger floor) {
        BigInteger gas = estimate.multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN).add(GAS_MARGIN);
        return floor == null ? gas : gas.max(floor);
    }

    /**
     * A predicted failure, classified: effects that already happened move the message, conditions that pass
     * (a window, a pause) wait, and failures of the message itself (its target reverts) are permanent.
     */
    static Step classify(String purpose, String reason) {
        String r = reason == null ? "" : reason;
        if (r.contains("already been finalized") || r.equals("MessageAlreadyRelayed")
                || r.contains("message has already been relayed")) {
            return new Step.Moved(MessageState.RELAYED, "simulation: " + r);
        }
        if (r.contains("already been proven")) {
            return new Step.Moved(MessageState.PROVEN, "simulation: " + r);
        }
        if (r.contains("has not been proven") || r.contains("output root proven is not the same")
                || r.contains("output does not exist") || r.contains("dispute game has been blacklisted")
                || r.contains("invalid game type") || r.contains("created before respected game type")) {
            return new Step.Moved(MessageState.COMMITTED, "simulation: " + r + "; proving again");
        }
        if (r.contains("finalization period has not elapsed") || r.contains("has not matured yet")
                || r.contains("output proposal has not been validated") || r.contains("output proposal in air-gap")
                || r.contains("has not been finalized yet")) {
            return new Step.Wait(Duration.ofSeconds(10), "simulation: " + r);
        }
        if (r.contains("paused") || r.contains("escape mode")) {
            return new Step.Retry("simulation: " + r + " (waiting for it to change)");
        }
        if (INBOX_REFUSALS.contains(r) || MESSENGER_REFUSALS.contains(r)) {
            // Not the target's doing: the relay itself is refused (its declaration, identifier or payload).
            return new Step.Retry("simulation of " + purpose + " refused by the interop contracts: " + r);
        }
        if (purpose.equals(TxPurpose.RELAY) && !r.isEmpty() && !r.startsWith("custom error") && !r.contains("L2ToL2")) {
            // The target's own revert, bubbled up by the messenger: it may pass (a paused target), or not.
            return new Step.TargetReverts("the target reverts: " + r);
        }
        return new Step.Retry("simulation of " + purpose + " reverted: " + (r.isEmpty() ? "(no reason)" : r));
    }

    private static dev.crossbar.contracts.bindings.Portal.WithdrawalTransaction withdrawalTx(MessageRecord m) {
        return new dev.crossbar.contracts.bindings.Portal.WithdrawalTransaction(m.nonce(), m.sender(), m.target(),
                m.value(), m.gasLimit(), Numeric.hexStringToByteArray(m.data()));
    }
}
