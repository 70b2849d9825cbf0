package dev.crossbar.monitor;

/** The checks the monitor runs; each can be switched off per chain ({@link ChainChecks}). */
public enum Check {
    /**
     * Every output root proposed on L1 (an output-oracle output, or a dispute game's root claim), recomputed from the
     * L2 (header and message passer storage root).
     */
    OUTPUTS,
    /**
     * Every proven withdrawal against the L2's {@code sentMessages}, at the block of the output or the dispute game it
     * was proven against.
     */
    WITHDRAWAL_PROOFS,
    /** Every relayed cross-rollup message against its source chain's {@code SentMessage} log. */
    RELAYS,
    /** Every L1 deposit executed on its L2 within the inclusion window. */
    DEPOSITS,
    /**
     * An output (or, on a dispute-game chain, a game of the respected type) proposed at least every liveness timeout
     * while the L2 moves on.
     */
    PROPOSER_LIVENESS,
    /** Every finalized withdrawal finalized only after its challenge windows. */
    FINALIZATIONS,
    /** The chain produces blocks. */
    HALTS,
    /** The chain does not reorg deeper than its safe depth. */
    REORGS;

    /**
     * Whether this check reads the output-oracle contracts (OutputOracle, our Portal): on an L2 that settles through
     * dispute games it does not apply (the games are watched by their own checks). DEPOSITS applies to both: on a
     * dispute-game L2 it looks for the deposit transaction itself.
     */
    public boolean outputOracleOnly() {
        return switch (this) {
            case FINALIZATIONS -> true;
            default -> false;
        };
    }

    /** The name used in metrics ({@code check} tag) and configuration. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
