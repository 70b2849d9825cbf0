package dev.crossbar.store;

import java.util.Set;

/**
 * A filter over dispute games; null or empty fields do not filter. Results are ordered by factory index, newest
 * first.
 *
 * @param l2ChainId the L2 the games settle
 * @param statuses any of these statuses
 * @param gameType the game type
 * @param limit at most this many (1..1000)
 */
public record GameQuery(Long l2ChainId, Set<GameRecord.Status> statuses, Integer gameType, int limit) {

    public GameQuery {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
        }
    }

    public static GameQuery all() {
        return new GameQuery(null, null, null, 1000);
    }
}
