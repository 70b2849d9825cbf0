package dev.crossbar.watcher;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.contracts.op.SuperchainConfig;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.json.Json;
import dev.crossbar.core.protocol.DepositTransaction;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.MalformedEventException;
import dev.crossbar.core.protocol.OpDepositTx;
import dev.crossbar.store.SetAsideLog;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Turns one chain's logs into typed protocol events (docs/architecture.md). The only place that decodes the
 * protocol's logs.
 *
 * <p>Every log from a watched contract becomes an event, is knowingly ignored (events that carry nothing
 * for the lifecycle, like a burn of the message passer), or is set aside with the reason it could not be decoded:
 * an unknown event signature, topics or data that do not fit, an event whose partner log is missing.
 */
public final class EventDecoder {
    private static final String TRANSACTION_DEPOSITED = topic(Portal.TRANSACTIONDEPOSITED_EVENT);
    private static final String DEPOSIT_ESCROWED = topic(Portal.DEPOSITESCROWED_EVENT);
    private static final String WITHDRAWAL_PROVEN = topic(Portal.WITHDRAWALPROVEN_EVENT);
    private static final String WITHDRAWAL_FINALIZED = topic(Portal.WITHDRAWALFINALIZED_EVENT);
    private static final String PAUSED = topic(Portal.PAUSED_EVENT);
    private static final String UNPAUSED = topic(Portal.UNPAUSED_EVENT);
    private static final String ESCAPE_MODE = topic(Portal.ESCAPEMODEACTIVATED_EVENT);
    private static final String DEPOSIT_RECLAIMED = topic(Portal.DEPOSITRECLAIMED_EVENT);
    private static final String OUTPUT_PROPOSED = topic(OutputOracle.OUTPUTPROPOSED_EVENT);
    private static final String OUTPUTS_DELETED = topic(OutputOracle.OUTPUTSDELETED_EVENT);
    private static final String SENT_MESSAGE = topic(L1Messenger.SENTMESSAGE_EVENT);
    private static final String SENT_MESSAGE_EXT = topic(L1Messenger.SENTMESSAGEEXTENSION1_EVENT);
    private static final String RELAYED_MESSAGE = topic(L1Messenger.RELAYEDMESSAGE_EVENT);
    private static final String FAILED_RELAYED_MESSAGE = topic(L1Messenger.FAILEDRELAYEDMESSAGE_EVENT);
    private static final String DEPOSIT_SENDER_RECORDED = topic(L1Messenger.DEPOSITSENDERRECORDED_EVENT);
    private static final String DEPOSIT_REFUNDED = topic(L1Messenger.DEPOSITREFUNDED_EVENT);
    private static final String MESSAGE_PASSED = topic(L2ToL1MessagePasser.MESSAGEPASSED_EVENT);
    private static final String BALANCE_BURNT = topic(L2ToL1MessagePasser.WITHDRAWERBALANCEBURNT_EVENT);
    private static final String L2L2_SENT = topic(L2ToL2CrossDomainMessenger.SENTMESSAGE_EVENT);
    private static final String L2L2_RELAYED = topic(L2ToL2CrossDomainMessenger.RELAYEDMESSAGE_EVENT);
    private static final String DEPOSIT_EXECUTED = topic(DepositExecutor.DEPOSITEXECUTED_EVENT);
    private static final String OP_DEPOSITED = topic(OptimismPortal2.TRANSACTIONDEPOSITED_EVENT);
    private static final String OP_PROVEN = topic(OptimismPortal2.WITHDRAWALPROVEN_EVENT);
    private static final String OP_PROVEN_BY = topic(OptimismPortal2.WITHDRAWALPROVENEXTENSION1_EVENT);
    private static final String OP_FINALIZED = topic(OptimismPortal2.WITHDRAWALFINALIZED_EVENT);
    private static final String OP_BLACKLISTED = topic(OptimismPortal2.DISPUTEGAMEBLACKLISTED_EVENT);
    private static final String OP_RESPECTED_TYPE = topic(OptimismPortal2.RESPECTEDGAMETYPESET_EVENT);
    private static final String GAME_CREATED = topic(DisputeGameFactory.DISPUTEGAMECREATED_EVENT);
    private static final String GAME_MOVE = topic(FaultDisputeGame.MOVE_EVENT);
    private static final String GAME_RESOLVED = topic(FaultDisputeGame.RESOLVED_EVENT);
    private static final String SUPERCHAIN_PAUSED = topic(SuperchainConfig.PAUSED_EVENT);
    private static final String SUPERCHAIN_UNPAUSED = topic(SuperchainConfig.UNPAUSED_EVENT);
    /**
     * Events of OP's contracts that carry nothing for the lifecycle: {@code Initialized} (every initializable), the
     * proxies' {@code Upgraded} and {@code AdminChanged}, the factory's administration, SuperchainConfig's
     * {@code ConfigUpdate}.
     */
    private static final Set<String> OP_ADMINISTRATION = Set.of(
            topic(OptimismPortal2.INITIALIZED_EVENT),
            topic(new Event("Upgraded", List.of(new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.Address>(
                    true) {}))),
            topic(new Event("AdminChanged", List.of(new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.Address>(
                    ) {}, new org.web3j.abi.TypeReference<org.web3j.abi.datatypes.Address>() {}))),
            topic(DisputeGameFactory.IMPLEMENTATIONSET_EVENT),
            topic(DisputeGameFactory.INITBONDUPDATED_EVENT),
            topic(DisputeGameFactory.OWNERSHIPTRANSFERRED_EVENT),
            topic(SuperchainConfig.CONFIGUPDATE_EVENT));

    /** What a watched address is. */
    private enum Kind {
        ORACLE, PORTAL, CROSS_DOMAIN_MESSENGER, MESSAGE_PASSER, L2_TO_L2_MESSENGER, DEPOSIT_EXECUTOR,
        /** OP's OptimismPortal2 (a dispute-game settlement). */
        PORTAL2,
        DISPUTE_GAME_FACTORY,
        /** A game the factory created: followed until it resolves. */
        DISPUTE_GAME,
        SUPERCHAIN_CONFIG
    }

    private record Watched(Kind kind, long l2ChainId) {}

    /**
     * Events and set-aside logs of one batch of logs, and the games the batch created and resolved (the watcher
     * follows the first from now on, and stops following the second).
     */
    public record Result(List<ProtocolEvent> events, List<SetAsideLog> setAside, Map<String, Long> createdGames,
            Set<String> resolvedGames) {
        public Result(List<ProtocolEvent> events, List<SetAsideLog> setAside) {
            this(events, setAside, Map.of(), Set.of());
        }
    }

    private final long chainId;
    private final Map<String, Watched> watched = new HashMap<>();
    /** The games followed, by address: l2 chain id. */
    private final Map<String, Long> games = new java.util.concurrent.ConcurrentHashMap<>();
    private final GameFacts facts;

    public EventDecoder(ChainConfig chain) {
        this(chain, GameFacts.NONE);
    }

    /** @param facts what the decoder asks the chain about games it sees created or moved */
    public EventDecoder(ChainConfig chain, GameFacts facts) {
        this.chainId = chain.chainId();
        this.facts = facts;
        if (chain.role() == ChainRole.L1) {
            for (Settlement s : chain.settlements()) {
                if (s.disputeGames()) {
                    put(s.portal(), Kind.PORTAL2, s.l2ChainId());
                    put(s.l1Messenger(), Kind.CROSS_DOMAIN_MESSENGER, s.l2ChainId());
                    put(s.disputeGameFactory(), Kind.DISPUTE_GAME_FACTORY, s.l2ChainId());
                    put(s.superchainConfig(), Kind.SUPERCHAIN_CONFIG, s.l2ChainId());
                } else {
                    put(s.outputOracle(), Kind.ORACLE, s.l2ChainId());
                    put(s.portal(), Kind.PORTAL, s.l2ChainId());
                    put(s.l1Messenger(), Kind.CROSS_DOMAIN_MESSENGER, s.l2ChainId());
                }
            }
        } else {
            ChainConfig.L2Contracts c = chain.l2Contracts();
            put(c.messagePasser(), Kind.MESSAGE_PASSER, chainId);
            put(c.l2Messenger(), Kind.CROSS_DOMAIN_MESSENGER, chainId);
            put(c.l2ToL2Messenger(), Kind.L2_TO_L2_MESSENGER, chainId);
            put(c.depositExecutor(), Kind.DEPOSIT_EXECUTOR, chainId);
        }
    }

    private void put(String address, Kind kind, long l2ChainId) {
        if (address != null && !address.isBlank()) {
            watched.put(address.toLowerCase(), new Watched(kind, l2ChainId));
        }
    }

    /** The addresses whose logs this decoder understands: what to ask {@code eth_getLogs} for. */
    public Set<String> addresses() {
        Set<String> out = new LinkedHashSet<>(watched.keySet());
        out.addAll(games.keySet());
        return out;
    }

    /** Follows {@code game} (of the L2 {@code l2ChainId}): its logs are asked for and decoded from now on. */
    public void follow(String game, long l2ChainId) {
        games.put(game.toLowerCase(), l2ChainId);
    }

    /** Stops following a game (it resolved: it emits nothing more). */
    public void unfollow(String game) {
        games.remove(game.toLowerCase());
    }

    /** Follows exactly {@code followed} (address: l2 chain id), e.g. the unresolved games after a restart. */
    public void followOnly(Map<String, Long> followed) {
        games.clear();
        followed.forEach(this::follow);
    }

    /** The games followed now. */
    public Set<String> followedGames() {
        return Set.copyOf(games.keySet());
    }

    /**
     * Decodes logs of this chain, given in (block, log index) order.
     *
     * @param timestamps block number to block timestamp for every block the logs are in
     */
    public Result decode(List<Log> logs, Map<Long, Long> timestamps) {
        List<ProtocolEvent> events = new ArrayList<>();
        List<SetAsideLog> setAside = new ArrayList<>();
        Batch batch = new Batch(logs);
        for (int i = 0; i < logs.size(); i++) {
            Log log = logs.get(i);
            Watched w = log.getAddress() == null ? null : watched(log.getAddress().toLowerCase(), batch);
            if (w == null) {
                continue; // not ours (eth_getLogs was asked for our addresses only, but a node may answer more)
            }
            try {
                if (log.getTopics() == null || log.getTopics().isEmpty()) {
                    throw new MalformedEventException("log has no topics (an anonymous event is not a protocol event)");
                }
                Log next = i + 1 < logs.size() ? logs.get(i + 1) : null;
                Decoded d = decodeOne(w, log, next, ref(log, timestamps), batch, i);
                if (d.event() != null) {
                    events.add(d.event());
                    if (d.event() instanceof ProtocolEvent.DisputeGameCreated c) {
                        batch.created.put(c.game(), c.l2ChainId());
                    } else if (d.event() instanceof ProtocolEvent.GameResolved r) {
                        batch.resolved.add(r.game());
                    }
                }
                if (d.consumedNext()) {
                    i++;
                }
            } catch (MalformedEventException e) {
                setAside.add(setAside(log, e.getMessage()));
            } catch (RuntimeException e) {
                setAside.add(setAside(log, "cannot decode " + w.kind() + " event: " + e));
            }
        }
        return new Result(events, setAside, Map.copyOf(batch.created), Set.copyOf(batch.resolved));
    }

    /** What one call of {@link #decode} learns as it goes, and its logs for counting. */
    private static final class Batch {
        final List<Log> logs;
        final Map<String, Long> created = new java.util.LinkedHashMap<>();
        final Set<String> resolved = new LinkedHashSet<>();

        Batch(List<Log> logs) {
            this.logs = logs;
        }

        /** Logs after {@code i} in the same block from the same address with the same first topic. */
        int laterInBlock(int i) {
            Log log = logs.get(i);
            int n = 0;
            for (int j = i + 1; j < logs.size(); j++) {
                Log other = logs.get(j);
                if (!java.util.Objects.equals(other.getBlockHash(), log.getBlockHash())) {
                    break;
                }
                if (log.getAddress().equalsIgnoreCase(other.getAddress()) && !other.getTopics().isEmpty()
                        && other.getTopics().getFirst().equalsIgnoreCase(log.getTopics().getFirst())) {
                    n++;
                }
            }
            return n;
        }
    }

    private Watched watched(String address, Batch batch) {
        Watched w = watched.get(address);
        if (w != null) {
            return w;
        }
        Long l2 = games.get(address);
        if (l2 == null) {
            l2 = batch.created.get(address);
        }
        return l2 == null ? null : new Watched(Kind.DISPUTE_GAME, l2);
    }

    private record Decoded(ProtocolEvent event, boolean consumedNext) {
        static Decoded of(ProtocolEvent e) {
            return new Decoded(e, false);
        }

        static final Decoded IGNORED = new Decoded(null, false);
    }

    private Decoded decodeOne(Watched w, Log log, Log next, EventRef ref, Batch batch, int i) {
        String t = log.getTopics().getFirst().toLowerCase();
        return switch (w.kind()) {
            case PORTAL2 -> decodePortal2(w, log, ref, t);
            case DISPUTE_GAME_FACTORY -> {
                if (t.equals(GAME_CREATED)) {
                    var e = DisputeGameFactory.getDisputeGameCreatedEventFromLog(log);
                    long block = ref.blockNumber();
                    String factory = lower(log.getAddress());
                    long index = facts.gameCount(factory, block) - 1 - batch.laterInBlock(i);
                    String game = lower(e.disputeProxy);
                    GameFacts.Created c = facts.created(game, block);
                    FaultProofViews.Claim root = facts.claim(game, 0, block);
                    yield Decoded.of(new ProtocolEvent.DisputeGameCreated(ref, w.l2ChainId(), game,
                            e.gameType.intValueExact(), hex(e.rootClaim), index, c.l2BlockNumber(), c.createdAt(),
                            c.maxClockDuration(), root.claimant(), root.bond()));
                }
                if (OP_ADMINISTRATION.contains(t)) {
                    yield Decoded.IGNORED;
                }
                throw unknown(w, t);
            }
            case DISPUTE_GAME -> {
                String game = lower(log.getAddress());
                if (t.equals(GAME_MOVE)) {
                    var e = FaultDisputeGame.getMoveEventFromLog(log);
                    long claimIndex = facts.claimCount(game, ref.blockNumber()) - 1 - batch.laterInBlock(i);
                    FaultProofViews.Claim c = facts.claim(game, claimIndex, ref.blockNumber());
                    if (!java.util.Arrays.equals(c.claim(), e.claim) || c.parentIndex() != e.parentIndex.longValue()
                            || !c.claimant().equalsIgnoreCase(e.claimant)) {
                        throw new MalformedEventException("Move of claim " + hex(e.claim) + " does not match claim "
                                + claimIndex + " the game holds at block " + ref.blockNumber());
                    }
                    yield Decoded.of(new ProtocolEvent.GameMove(ref, w.l2ChainId(), game, e.parentIndex.longValueExact(),
                            hex(e.claim), lower(e.claimant), claimIndex, c.position(), c.bond(), c.clock()));
                }
                if (t.equals(GAME_RESOLVED)) {
                    var e = FaultDisputeGame.getResolvedEventFromLog(log);
                    yield Decoded.of(new ProtocolEvent.GameResolved(ref, w.l2ChainId(), game,
                            e.status.intValueExact()));
                }
                throw unknown(w, t);
            }
            case SUPERCHAIN_CONFIG -> {
                if (t.equals(SUPERCHAIN_PAUSED)) {
                    yield Decoded.of(new ProtocolEvent.SuperchainPauseChanged(ref, true,
                            SuperchainConfig.getPausedEventFromLog(log).identifier));
                }
                if (t.equals(SUPERCHAIN_UNPAUSED)) {
                    yield Decoded.of(new ProtocolEvent.SuperchainPauseChanged(ref, false, null));
                }
                if (OP_ADMINISTRATION.contains(t)) {
                    yield Decoded.IGNORED;
                }
                throw unknown(w, t);
            }
            case ORACLE -> {
                if (t.equals(OUTPUT_PROPOSED)) {
                    var e = OutputOracle.getOutputProposedEventFromLog(log);
                    yield Decoded.of(new ProtocolEvent.OutputProposed(ref, w.l2ChainId(), hex(e.outputRoot),
                            e.l2OutputIndex, e.l2BlockNumber, e.l1Timestamp.longValueExact()));
                }
                if (t.equals(OUTPUTS_DELETED)) {
                    var e = OutputOracle.getOutputsDeletedEventFromLog(log);
                    yield Decoded.of(new ProtocolEvent.OutputsDeleted(ref, w.l2ChainId(), e.prevNextOutputIndex,
                            e.newNextOutputIndex));
                }
                throw unknown(w, t);
            }
            case PORTAL -> decodePortal(w, log, next, ref, t);
            case CROSS_DOMAIN_MESSENGER -> decodeMessenger(w, log, next, ref, t);
            case MESSAGE_PASSER -> {
                if (t.equals(MESSAGE_PASSED)) {
                    var e = L2ToL1MessagePasser.getMessagePassedEventFromLog(log);
                    byte[] computed = Hashes.withdrawalHash(e.nonce, e.sender, e.target, e.value, e.gasLimit, e.data);
                    if (!java.util.Arrays.equals(computed, e.withdrawalHash)) {
                        throw new MalformedEventException("MessagePassed withdrawalHash " + hex(e.withdrawalHash)
                                + " does not match the hash of its fields " + hex(computed));
                    }
                    yield Decoded.of(new ProtocolEvent.WithdrawalInitiated(ref, e.nonce, lower(e.sender),
                            lower(e.target), e.value, e.gasLimit, hex(e.data), hex(e.withdrawalHash)));
                }
                if (t.equals(BALANCE_BURNT)) {
                    yield Decoded.IGNORED;
                }
                throw unknown(w, t);
            }
            case L2_TO_L2_MESSENGER -> {
                if (t.equals(L2L2_SENT)) {
                    L2ToL2Payload p = L2ToL2Payload.fromLog(log.getTopics(), log.getData());
                    yield Decoded.of(new ProtocolEvent.CrossRollupSent(ref, p.destination(), lower(p.target()),
                            p.nonce(), lower(p.sender()), hex(p.message()),
                            hex(p.messageHash(BigInteger.valueOf(chainId)))));
                }
                if (t.equals(L2L2_RELAYED)) {
                    var e = L2ToL2CrossDomainMessenger.getRelayedMessageEventFromLog(log);
                    yield Decoded.of(new ProtocolEvent.CrossRollupRelayed(ref, e.source, e.messageNonce,
                            hex(e.messageHash), hex(e.returnDataHash)));
                }
                throw unknown(w, t);
            }
            case DEPOSIT_EXECUTOR -> {
                if (t.equals(DEPOSIT_EXECUTED)) {
                    var e = DepositExecutor.getDepositExecutedEventFromLog(log);
                    yield Decoded.of(new ProtocolEvent.DepositExecuted(ref, e.nonce, hex(e.depositHash), lower(e.from),
                            lower(e.to), e.success));
                }
                throw unknown(w, t);
            }
        };
    }

    private Decoded decodePortal(Watched w, Log log, Log next, EventRef ref, String t) {
        if (t.equals(TRANSACTION_DEPOSITED)) {
            var e = Portal.getTransactionDepositedEventFromLog(log);
            DepositTransaction d = DepositTransaction.decode(e.from, e.to, e.version, e.opaqueData);
            if (next == null || !sameTx(log, next) || !DEPOSIT_ESCROWED.equalsIgnoreCase(next.getTopics().getFirst())) {
                throw new MalformedEventException("TransactionDeposited without the DepositEscrowed that must follow it");
            }
            var escrow = Portal.getDepositEscrowedEventFromLog(next);
            byte[] expected = d.depositHash(escrow.depositNonce);
            if (!java.util.Arrays.equals(expected, escrow.depositHash)) {
                throw new MalformedEventException("DepositEscrowed hash " + hex(escrow.depositHash)
                        + " does not match the deposit's fields " + hex(expected));
            }
            return new Decoded(new ProtocolEvent.DepositInitiated(ref, w.l2ChainId(), escrow.depositNonce,
                    hex(escrow.depositHash), lower(escrow.sender), lower(d.from()), lower(d.to()), d.mint(), d.value(),
                    d.gasLimit(), d.isCreation(), hex(d.data())), true);
        }
        if (t.equals(DEPOSIT_ESCROWED)) {
            throw new MalformedEventException("DepositEscrowed without the TransactionDeposited that must precede it");
        }
        if (t.equals(WITHDRAWAL_PROVEN)) {
            var e = Portal.getWithdrawalProvenEventFromLog(log);
            return Decoded.of(new ProtocolEvent.WithdrawalProven(ref, w.l2ChainId(), hex(e.withdrawalHash),
                    lower(e.from), lower(e.to)));
        }
        if (t.equals(WITHDRAWAL_FINALIZED)) {
            var e = Portal.getWithdrawalFinalizedEventFromLog(log);
            return Decoded.of(new ProtocolEvent.WithdrawalFinalized(ref, w.l2ChainId(), hex(e.withdrawalHash),
                    e.success));
        }
        if (t.equals(PAUSED) || t.equals(UNPAUSED)) {
            boolean paused = t.equals(PAUSED);
            String account = paused ? Portal.getPausedEventFromLog(log).account
                    : Portal.getUnpausedEventFromLog(log).account;
            return Decoded.of(new ProtocolEvent.PortalPauseChanged(ref, w.l2ChainId(), paused, lower(account)));
        }
        if (t.equals(ESCAPE_MODE)) {
            var e = Portal.getEscapeModeActivatedEventFromLog(log);
            return Decoded.of(new ProtocolEvent.EscapeModeActivated(ref, w.l2ChainId(),
                    e.escapeTimestamp.longValueExact(), e.lastValidOutputIndex, e.hasValidOutput, lower(e.caller)));
        }
        if (t.equals(DEPOSIT_RECLAIMED)) {
            var e = Portal.getDepositReclaimedEventFromLog(log);
            return Decoded.of(new ProtocolEvent.DepositReclaimed(ref, w.l2ChainId(), e.depositNonce,
                    lower(e.recipient), e.amount));
        }
        throw unknown(w, t);
    }

    private Decoded decodePortal2(Watched w, Log log, EventRef ref, String t) {
        if (t.equals(OP_DEPOSITED)) {
            var e = OptimismPortal2.getTransactionDepositedEventFromLog(log);
            OpDepositTx d = OpDepositTx.from(e);
            // An OP deposit has no nonce of its own: it is named by its L2 transaction's hash, and placed by its log.
            return Decoded.of(new ProtocolEvent.DepositInitiated(ref, w.l2ChainId(), log.getLogIndex(),
                    d.hash().toLowerCase(), lower(d.deposit().from()), lower(d.deposit().from()),
                    lower(d.deposit().to()), d.deposit().mint(), d.deposit().value(), d.deposit().gasLimit(),
                    d.deposit().isCreation(), hex(d.deposit().data())));
        }
        if (t.equals(OP_PROVEN)) {
            var e = OptimismPortal2.getWithdrawalProvenEventFromLog(log);
            return Decoded.of(new ProtocolEvent.WithdrawalProven(ref, w.l2ChainId(), hex(e.withdrawalHash),
                    lower(e.from), lower(e.to)));
        }
        if (t.equals(OP_PROVEN_BY)) {
            var e = OptimismPortal2.getWithdrawalProvenExtension1EventFromLog(log);
            return Decoded.of(new ProtocolEvent.WithdrawalProofSubmitted(ref, w.l2ChainId(), hex(e.withdrawalHash),
                    lower(e.proofSubmitter)));
        }
        if (t.equals(OP_FINALIZED)) {
            var e = OptimismPortal2.getWithdrawalFinalizedEventFromLog(log);
            return Decoded.of(new ProtocolEvent.WithdrawalFinalized(ref, w.l2ChainId(), hex(e.withdrawalHash),
                    e.success));
        }
        if (t.equals(OP_BLACKLISTED)) {
            var e = OptimismPortal2.getDisputeGameBlacklistedEventFromLog(log);
            return Decoded.of(new ProtocolEvent.DisputeGameBlacklisted(ref, w.l2ChainId(), lower(e.disputeGame)));
        }
        if (t.equals(OP_RESPECTED_TYPE)) {
            var e = OptimismPortal2.getRespectedGameTypeSetEventFromLog(log);
            return Decoded.of(new ProtocolEvent.RespectedGameTypeSet(ref, w.l2ChainId(), e.newGameType.intValueExact(),
                    e.updatedAt.longValueExact()));
        }
        if (OP_ADMINISTRATION.contains(t)) {
            return Decoded.IGNORED;
        }
        throw unknown(w, t);
    }

    private Decoded decodeMessenger(Watched w, Log log, Log next, EventRef ref, String t) {
        if (t.equals(SENT_MESSAGE)) {
            var e = L1Messenger.getSentMessageEventFromLog(log);
            if (next == null || !sameTx(log, next) || !SENT_MESSAGE_EXT.equalsIgnoreCase(next.getTopics().getFirst())) {
                throw new MalformedEventException("SentMessage without the SentMessageExtension1 that must follow it");
            }
            var ext = L1Messenger.getSentMessageExtension1EventFromLog(next);
            byte[] hash = Hashes.crossDomainMessageV1(e.messageNonce, e.sender, e.target, ext.value, e.gasLimit,
                    e.message);
            return new Decoded(new ProtocolEvent.CrossDomainMessageSent(ref, lower(e.target), lower(e.sender),
                    hex(e.message), e.messageNonce, e.gasLimit, ext.value, hex(hash)), true);
        }
        if (t.equals(SENT_MESSAGE_EXT)) {
            throw new MalformedEventException("SentMessageExtension1 without the SentMessage that must precede it");
        }
        if (t.equals(RELAYED_MESSAGE)) {
            var e = L1Messenger.getRelayedMessageEventFromLog(log);
            return Decoded.of(new ProtocolEvent.CrossDomainMessageRelayed(ref, hex(e.msgHash), counterpart(w, ref)));
        }
        if (t.equals(FAILED_RELAYED_MESSAGE)) {
            var e = L1Messenger.getFailedRelayedMessageEventFromLog(log);
            return Decoded.of(new ProtocolEvent.CrossDomainMessageFailed(ref, hex(e.msgHash), counterpart(w, ref)));
        }
        if (t.equals(DEPOSIT_SENDER_RECORDED) || t.equals(DEPOSIT_REFUNDED) || OP_ADMINISTRATION.contains(t)) {
            return Decoded.IGNORED; // OP's messengers (L1 and the L2 predeploy) also emit Initialized, their proxies Upgraded
        }
        throw unknown(w, t);
    }

    /** The L2 an L1 messenger serves (its relayed messages come from there); null for an L2's own messenger. */
    private static Long counterpart(Watched w, EventRef ref) {
        return w.l2ChainId() == ref.chainId() ? null : w.l2ChainId();
    }

    private EventRef ref(Log log, Map<Long, Long> timestamps) {
        if (log.getBlockHash() == null || log.getTransactionHash() == null || log.getLogIndex() == null) {
            throw new MalformedEventException("log lacks its block hash, transaction hash or index (pending log?)");
        }
        long block = log.getBlockNumber().longValueExact();
        Long ts = timestamps.get(block);
        if (ts == null) {
            throw new MalformedEventException("log in block " + block + ", which the watcher has no header of");
        }
        return new EventRef(chainId, block, log.getBlockHash(), ts, log.getTransactionHash(),
                log.getLogIndex().longValueExact(), log.getAddress());
    }

    private SetAsideLog setAside(Log log, String reason) {
        return new SetAsideLog(chainId, log.getBlockNumber() == null ? -1 : log.getBlockNumber().longValueExact(),
                String.valueOf(log.getBlockHash()), String.valueOf(log.getTransactionHash()),
                log.getLogIndex() == null ? -1 : log.getLogIndex().longValueExact(), String.valueOf(log.getAddress()),
                reason, Json.write(log));
    }

    private static MalformedEventException unknown(Watched w, String topic) {
        return new MalformedEventException("unknown event " + topic + " from a " + w.kind() + " contract");
    }

    private static boolean sameTx(Log a, Log b) {
        return a.getTransactionHash() != null && a.getTransactionHash().equalsIgnoreCase(b.getTransactionHash());
    }

    private static String topic(Event e) {
        return EventEncoder.encode(e).toLowerCase();
    }

    private static String hex(byte[] b) {
        return Numeric.toHexString(b).toLowerCase();
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase();
    }
}
