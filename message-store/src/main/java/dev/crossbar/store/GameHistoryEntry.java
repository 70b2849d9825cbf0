package dev.crossbar.store;

import java.time.Instant;

/**
 * One line of a dispute game's history.
 *
 * @param what what happened
 * @param cause what happened, in words (where on the chain, the verdict's detail, ...)
 * @param at when the store recorded it
 */
public record GameHistoryEntry(String gameAddress, What what, String cause, Instant at) {

    /** What a history line is about. */
    public enum What {
        /** The factory created the game. */
        CREATED,
        /** A claim was added. */
        MOVE,
        /** The game resolved. */
        RESOLVED,
        /** The guardian blacklisted it. */
        BLACKLISTED,
        /** Crossbar's verdict on its root claim was given or changed. */
        VERDICT,
        /** A reorg removed the event of an earlier line (that line is gone; this one says what it was). */
        ROLLED_BACK
    }
}
