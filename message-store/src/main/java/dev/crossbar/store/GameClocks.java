package dev.crossbar.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The chess clocks of a dispute game in progress, worked out from its claims as the game contract does
 * ({@code getChallengerDuration}): the clock of the side that would counter an uncountered claim {@code c} has run
 * for the duration in the clock of {@code c}'s parent (0 for the root claim) plus the time since {@code c} was made.
 * The defender of the root claim makes the claims at even depths, challengers those at odd depths. The API shows a
 * game's clocks with it; the monitor watches the clocks of the games it must win.
 *
 * @param challengerUsedSeconds the longest a challenger's clock has run on a branch where it runs now (an
 *     uncountered defender claim); null when it runs on none
 * @param defenderUsedSeconds the same for the defender's clock (uncountered challenger claims)
 * @param timeLeftSeconds with the game's maximum clock duration known: the time until the first running clock
 *     runs out (0 once one has), else null
 */
public record GameClocks(Long challengerUsedSeconds, Long defenderUsedSeconds, Long timeLeftSeconds) {

    /**
     * The clocks running against every uncountered claim.
     *
     * @param maxClockDuration the game's {@code maxClockDuration} in seconds, or null when unknown
     * @param now the current time on the game's chain, in seconds
     */
    public static GameClocks of(List<GameClaim> claims, Long maxClockDuration, long now) {
        return of(claims, maxClockDuration, now, c -> true);
    }

    /**
     * The clocks running against the uncountered claims that {@code running} accepts (the others are left out, as if
     * their clocks did not run): e.g. only the claims a side must still counter.
     *
     * @param maxClockDuration the game's {@code maxClockDuration} in seconds, or null when unknown
     * @param now the current time on the game's chain, in seconds
     */
    public static GameClocks of(List<GameClaim> claims, Long maxClockDuration, long now,
            Predicate<GameClaim> running) {
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
            if (countered.contains(c.claimIndex()) || !running.test(c)) {
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
        Long longest = challenger == null ? defender
                : defender == null ? challenger : Long.valueOf(Math.max(challenger, defender));
        Long left = maxClockDuration == null || longest == null ? null
                : Long.valueOf(Math.max(0, maxClockDuration - longest));
        return new GameClocks(challenger, defender, left);
    }
}
