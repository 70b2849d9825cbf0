package dev.crossbar.app.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean": the declared name closest to a mistyped one, when it is close enough to be the intent. */
final class Suggestions {
    private Suggestions() {}

    /** The closest of {@code candidates} to {@code given}, if within a third of its length (at least 2 edits). */
    static Optional<String> closest(String given, Collection<String> candidates) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(g, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, given.length() / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** The unknown-key message: {@code unknown key (did you mean 'x'?; known: a, b, c)}. */
    static String unknownKey(String given, Collection<String> known) {
        return "unknown key" + closest(given, known).map(s -> " (did you mean '" + s + "'?)").orElse("")
                + "; known here: " + String.join(", ", known);
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
