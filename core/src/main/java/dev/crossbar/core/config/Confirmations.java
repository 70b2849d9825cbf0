package dev.crossbar.core.config;

/**
 * How final a block must be before its events count: a number of blocks on top of it, or a block tag the
 * node maintains ({@code safe}, {@code finalized}).
 */
public record Confirmations(int blocks, String tag) {
    public Confirmations {
        if (tag != null && !tag.equals("safe") && !tag.equals("finalized")) {
            throw new IllegalArgumentException("confirmations tag must be 'safe' or 'finalized', was '" + tag + "'");
        }
        if (tag == null && blocks < 0) {
            throw new IllegalArgumentException("confirmations must be zero or more blocks, was " + blocks);
        }
    }

    public static Confirmations blocks(int n) {
        return new Confirmations(n, null);
    }

    public static Confirmations tag(String tag) {
        return new Confirmations(0, tag);
    }

    /** Parses "12", "safe" or "finalized". */
    public static Confirmations parse(String key, String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("safe") || t.equals("finalized")) {
            return tag(t);
        }
        try {
            return blocks(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + text + "' is neither a block count nor safe/finalized");
        }
    }

    public boolean usesTag() {
        return tag != null;
    }

    @Override
    public String toString() {
        return tag != null ? tag : Integer.toString(blocks);
    }
}
