package dev.crossbar.app.http;

import dev.crossbar.store.GameClaim;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chess clocks of a dispute game in progress, worked out from its claims as the game contract does
 * ({@code getChallengerDuration}): the clock of the side that would counter an uncountered claim {@code c} has run
 * for the duration in the clock of {@code c}'s parent (0 for the root claim) plus the time since {@code c} was made.
 * The defender of the root claim makes the claims at even depths, challengers those at odd depths.
 *
 * @param challengerUsedSeconds the longest a challenger's clock has run on a branch where it runs now (an
 *     uncountered defender claim); null when it runs on none
 * @param defenderUsedSeconds the same for the defender's clock (uncountered challenger claims)
 * @param timeLeftSeconds with the game's maximum clock duration known: the time until the first running clock
 *     runs out (0 once one has), else null
 */
record GameClocks(Long challengerUsedSeconds, Long defenderUsedSeconds, Long timeLeftSeconds) {

    /**
     * @param maxClockDuration the game's {@code maxClockDuration} in seconds, or null when unknown
     * @param now the current time, in seconds
     */
    static GameClocks of(List<GameClaim> claims, Long maxClockDuration, long now) {
        Map<Long, GameClaim> byIndex = new HashMap<>();
        Set<Long> countered = new HashSet<>();
        for (GameClaim c : claims) {
            byIndex.put(c.claimIndex(), c);
            if (c.parentIndex() != null) {
                countered.add(c.parentIndex());
            }
        }
        Long challenger = null;
        Long defender = null;
        for (GameClaim c : claims) {
            if (countered.contains(c.claimIndex())) {
                continue;
            }
            GameClaim parent = c.parentIndex() == null ? null : byIndex.get(c.parentIndex());
            long used = (parent == null ? 0 : parent.clockDurationSeconds()) + Math.max(0, now - c.clockTimestamp());
            if (c.byDefender()) {
                challenger = challenger == null ? used : Math.max(challenger, used);
            } else {
                defender = defender == null ? used : Math.max(defender, used);
            }
        }
        Long longest = challenger == null ? defender : defender == null ? challenger : Math.max(challenger, defender);
        Long left = maxClockDuration == null || longest == null ? null : Math.max(0, maxClockDuration - longest);
        return new GameClocks(challenger, defender, left);
    }
}
