package dev.crossbar.core.model;


/**
 * The keys of a message's kind-specific details (the store's {@code details} map), written by one part and read by
 * others: the one list of them.
 */
public final class MessageDetails {
    private MessageDetails() {}

    /** Withdrawal: the L1 block time (seconds) of its proof, from WithdrawalProven or the relayer's receipt. */
    public static final String PROVEN_AT = "provenAt";
    /** Withdrawal: the index of the output its proof on chain was made against. */
    public static final String PROVEN_OUTPUT_INDEX = "provenOutputIndex";
    /** Withdrawal: the index of the output the relayer's proof in flight is made against. */
    public static final String PROVING_OUTPUT_INDEX = "provingOutputIndex";
    /** Withdrawal on a dispute-game chain: the game the relayer's proof in flight is made against. */
    public static final String PROVING_GAME = "provingGame";
    /** Withdrawal on a dispute-game chain: the game its proof on chain was made against. */
    public static final String PROVEN_GAME = "provenGame";
    /**
     * Withdrawal on a dispute-game chain: whose proof finalizes it, when it is not the relayer's own (the portal
     * keeps one proof per submitter; another submitter's proof is finalized through the external-proof path).
     */
    public static final String PROOF_SUBMITTER = "proofSubmitter";
    /**
     * Cross-rollup message: the destination time (seconds) at which the relayer first found it near its interop
     * expiry (counted and logged once).
     */
    public static final String NEAR_EXPIRY_AT = "nearExpiryAt";
    /** Cross-rollup message: the hash of the batch transaction that carries its relay. */
    public static final String BATCH_TX = "batchTx";
    /**
     * Forced withdrawal (the deposit that starts it, and the withdrawal it initiates): the account whose funds it
     * takes out through L1.
     */
    public static final String EXIT_ACCOUNT = "exitAccount";
    /** Forced withdrawal: the finding (its dedupe key) that made the monitor start it. */
    public static final String EXIT_INCIDENT = "exitIncident";
    /** Forced withdrawal, on the withdrawal: the deposit (its id, the L2 transaction's hash) that initiated it. */
    public static final String EXIT_DEPOSIT = "exitDeposit";
    /** Forced withdrawal, on the deposit: the withdrawal (its id, the withdrawal hash) it initiated on the L2. */
    public static final String EXIT_WITHDRAWAL = "exitWithdrawal";
}
