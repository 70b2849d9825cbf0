package dev.crossbar.core.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigInteger;

/**
 * A protocol event decoded from a log (docs/architecture.md). Every variant carries where it was seen.
 * Byte strings are 0x-prefixed lower-case hex, addresses 0x-prefixed lower-case.
 *
 * <p>As JSON (store, Kafka) each event names its type in a {@code "type"} property; see {@link EventEnvelope}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(ProtocolEvent.DepositInitiated.class),
    @JsonSubTypes.Type(ProtocolEvent.DepositExecuted.class),
    @JsonSubTypes.Type(ProtocolEvent.WithdrawalInitiated.class),
    @JsonSubTypes.Type(ProtocolEvent.OutputProposed.class),
    @JsonSubTypes.Type(ProtocolEvent.OutputsDeleted.class),
    @JsonSubTypes.Type(ProtocolEvent.WithdrawalProven.class),
    @JsonSubTypes.Type(ProtocolEvent.WithdrawalFinalized.class),
    @JsonSubTypes.Type(ProtocolEvent.CrossDomainMessageSent.class),
    @JsonSubTypes.Type(ProtocolEvent.CrossDomainMessageRelayed.class),
    @JsonSubTypes.Type(ProtocolEvent.CrossDomainMessageFailed.class),
    @JsonSubTypes.Type(ProtocolEvent.CrossRollupSent.class),
    @JsonSubTypes.Type(ProtocolEvent.CrossRollupRelayed.class),
    @JsonSubTypes.Type(ProtocolEvent.PortalPauseChanged.class),
    @JsonSubTypes.Type(ProtocolEvent.EscapeModeActivated.class),
    @JsonSubTypes.Type(ProtocolEvent.DepositReclaimed.class),
    @JsonSubTypes.Type(ProtocolEvent.DisputeGameCreated.class),
    @JsonSubTypes.Type(ProtocolEvent.GameMove.class),
    @JsonSubTypes.Type(ProtocolEvent.GameResolved.class),
    @JsonSubTypes.Type(ProtocolEvent.DisputeGameBlacklisted.class),
    @JsonSubTypes.Type(ProtocolEvent.RespectedGameTypeSet.class),
    @JsonSubTypes.Type(ProtocolEvent.WithdrawalProofSubmitted.class),
    @JsonSubTypes.Type(ProtocolEvent.SuperchainPauseChanged.class)
})
public sealed interface ProtocolEvent {

    EventRef ref();

    /** The event's name, as recorded in the store and on Kafka. */
    @JsonIgnore
    default String type() {
        return getClass().getSimpleName();
    }

    /** Portal {@code TransactionDeposited} with its {@code DepositEscrowed}: an L1 to L2 deposit. */
    record DepositInitiated(EventRef ref, long l2ChainId, BigInteger depositNonce, String depositHash, String l1Sender,
            String from, String to, BigInteger mint, BigInteger value, BigInteger gasLimit, boolean isCreation,
            String data) implements ProtocolEvent {}

    /** Devnet DepositExecutor {@code DepositExecuted}: a deposit ran on its L2. */
    record DepositExecuted(EventRef ref, BigInteger depositNonce, String depositHash, String from, String to,
            boolean success) implements ProtocolEvent {}

    /** L2ToL1MessagePasser {@code MessagePassed}: a withdrawal was initiated. */
    record WithdrawalInitiated(EventRef ref, BigInteger nonce, String sender, String target, BigInteger value,
            BigInteger gasLimit, String data, String withdrawalHash) implements ProtocolEvent {}

    /** OutputOracle {@code OutputProposed}, for the L2 the oracle belongs to. */
    record OutputProposed(EventRef ref, long l2ChainId, String outputRoot, BigInteger outputIndex,
            BigInteger l2BlockNumber, long l1Timestamp) implements ProtocolEvent {}

    /** OutputOracle {@code OutputsDeleted}: outputs from {@code newNextOutputIndex} on are gone. */
    record OutputsDeleted(EventRef ref, long l2ChainId, BigInteger prevNextOutputIndex, BigInteger newNextOutputIndex)
            implements ProtocolEvent {}

    /** Portal {@code WithdrawalProven}. */
    record WithdrawalProven(EventRef ref, long l2ChainId, String withdrawalHash, String from, String to)
            implements ProtocolEvent {}

    /** Portal {@code WithdrawalFinalized}. */
    record WithdrawalFinalized(EventRef ref, long l2ChainId, String withdrawalHash, boolean success)
            implements ProtocolEvent {}

    /** L1/L2 messenger {@code SentMessage} with its {@code SentMessageExtension1}. */
    record CrossDomainMessageSent(EventRef ref, String target, String sender, String message, BigInteger messageNonce,
            BigInteger gasLimit, BigInteger value, String messageHash) implements ProtocolEvent {}

    /**
     * L1/L2 messenger {@code RelayedMessage}.
     *
     * @param sourceChainId the chain the message came from where the messenger's chain has several (an L1 messenger:
     *     its own L2, as one L1 settles many L2s whose messages can share a hash); null for an L2's messenger, whose
     *     messages all come from its L1, and in events recorded before it was known
     */
    record CrossDomainMessageRelayed(EventRef ref, String messageHash, Long sourceChainId) implements ProtocolEvent {}

    /** L1/L2 messenger {@code FailedRelayedMessage}; {@code sourceChainId} as for {@link CrossDomainMessageRelayed}. */
    record CrossDomainMessageFailed(EventRef ref, String messageHash, Long sourceChainId) implements ProtocolEvent {}

    /** L2ToL2 messenger {@code SentMessage}: a fast cross-rollup message. */
    record CrossRollupSent(EventRef ref, BigInteger destination, String target, BigInteger nonce, String sender,
            String message, String messageHash) implements ProtocolEvent {}

    /** L2ToL2 messenger {@code RelayedMessage}. */
    record CrossRollupRelayed(EventRef ref, BigInteger source, BigInteger nonce, String messageHash,
            String returnDataHash) implements ProtocolEvent {}

    /** Portal {@code Paused} / {@code Unpaused}. */
    record PortalPauseChanged(EventRef ref, long l2ChainId, boolean paused, String account) implements ProtocolEvent {}

    /** Portal {@code EscapeModeActivated}. */
    record EscapeModeActivated(EventRef ref, long l2ChainId, long escapeTimestamp, BigInteger lastValidOutputIndex,
            boolean hasValidOutput, String caller) implements ProtocolEvent {}

    /** Portal {@code DepositReclaimed}. */
    record DepositReclaimed(EventRef ref, long l2ChainId, BigInteger depositNonce, String recipient, BigInteger amount)
            implements ProtocolEvent {}

    // ---- fault proofs (OP's OptimismPortal2, DisputeGameFactory, FaultDisputeGame, SuperchainConfig) ----------

    /**
     * DisputeGameFactory {@code DisputeGameCreated}, with what the game and the factory said of it in the block
     * of the event (the event itself names only the game, its type and its root claim).
     *
     * @param game the game's (proxy) address
     * @param index the game's index in the factory ({@code gameAtIndex})
     * @param l2BlockNumber the L2 block the root claim is the output root of
     * @param createdAt the game's {@code createdAt} (L1 seconds)
     * @param maxClockDuration the game's {@code maxClockDuration()} (seconds): how long each side's clock runs
     * @param creator who created the game (the root claim's claimant)
     * @param initBond the bond paid with the root claim, in wei
     */
    record DisputeGameCreated(EventRef ref, long l2ChainId, String game, int gameType, String rootClaim, long index,
            long l2BlockNumber, long createdAt, long maxClockDuration, String creator, BigInteger initBond)
            implements ProtocolEvent {}

    /**
     * A game's {@code Move}: a claim added under {@code parentIndex}; with the new claim's entry in the game's
     * {@code claimData} in the block of the event.
     *
     * @param claimIndex the new claim's index in {@code claimData}
     * @param position the claim's position in the game tree (generalized index)
     * @param bond the bond paid with the move, in wei
     * @param clock the claim's packed clock: duration (seconds) in the high 64 bits, timestamp in the low 64
     */
    record GameMove(EventRef ref, long l2ChainId, String game, long parentIndex, String claim, String claimant,
            long claimIndex, BigInteger position, BigInteger bond, BigInteger clock) implements ProtocolEvent {}

    /** A game's {@code Resolved}: {@code status} 1 = CHALLENGER_WINS, 2 = DEFENDER_WINS. */
    record GameResolved(EventRef ref, long l2ChainId, String game, int status) implements ProtocolEvent {}

    /** OptimismPortal2 {@code DisputeGameBlacklisted}: the guardian barred a game from proofs and finalization. */
    record DisputeGameBlacklisted(EventRef ref, long l2ChainId, String game) implements ProtocolEvent {}

    /** OptimismPortal2 {@code RespectedGameTypeSet}: proofs are now accepted against games of {@code gameType}. */
    record RespectedGameTypeSet(EventRef ref, long l2ChainId, int gameType, long updatedAt) implements ProtocolEvent {}

    /** OptimismPortal2 {@code WithdrawalProvenExtension1}: who submitted a proof of the withdrawal. */
    record WithdrawalProofSubmitted(EventRef ref, long l2ChainId, String withdrawalHash, String proofSubmitter)
            implements ProtocolEvent {}

    /** SuperchainConfig {@code Paused} / {@code Unpaused}: every portal that uses it stops or resumes. */
    record SuperchainPauseChanged(EventRef ref, boolean paused, String identifier) implements ProtocolEvent {}
}
