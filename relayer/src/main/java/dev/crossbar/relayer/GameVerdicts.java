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
    static final String BY = "relayer";
    private final MessageStore store;
    /** The verdicts this relayer recorded: recording again adds nothing. */
    private final Map<String, Boolean> recorded = new ConcurrentHashMap<>();

    GameVerdicts(MessageStore store) {
        this.store = store;
    }

    /** Whether the game's root claim is known to be invalid (by the relayer's own check or the monitor's). */
    boolean invalid(String game) {
        Boolean mine = recorded.get(game.toLowerCase());
        if (mine != null) {
            return !mine;
        }
        return store.gameAt(game).map(g -> "INVALID".equals(g.verdict())).orElse(false);
    }

    /** Records what the relayer's own check of the game's root claim found (once per game and verdict). */
    void record(String game, boolean valid, String detail) {
        Boolean before = recorded.put(game.toLowerCase(), valid);
        if (before == null || before != valid) {
            try {
                store.recordGameVerdict(game, valid, detail, BY);
            } catch (java.util.NoSuchElementException notYet) {
                recorded.remove(game.toLowerCase()); // the watcher has not recorded the game yet: next time
            }
        }
    }
}
