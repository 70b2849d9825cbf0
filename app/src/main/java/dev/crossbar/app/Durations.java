package dev.crossbar.app;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written the way operators write them: 500ms, 2s, 5m, 1h, 1d, or ISO-8601 (PT2S). */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {}

    /**
     * @param what the option or key being parsed, named in the error
     * @throws IllegalArgumentException naming {@code what} when the text is not a duration
     */
    public static Duration parse(String what, String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(t);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a duration (examples: 500ms, 2s, 5m, 1h)");
        }
    }
}
