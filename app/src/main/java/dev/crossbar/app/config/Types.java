package dev.crossbar.app.config;

import dev.crossbar.app.Durations;
import dev.crossbar.core.config.Confirmations;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The value types settings are declared with. Each error says what was written and what is expected. */
final class Types {
    private static final Pattern NAME_PATTERN = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern ADDRESS_PATTERN = Pattern.compile("0x[0-9a-fA-F]{40}");
    private static final Pattern AMOUNT_PATTERN = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(wei|gwei|ether)");
    private static final Pattern PATH_SEGMENT_PATTERN = Pattern.compile("[A-Za-z0-9._~-]+");
    private static final Pattern TOPIC_PATTERN = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    private static final BigInteger GWEI = BigInteger.TEN.pow(9);
    private static final BigInteger ETHER = BigInteger.TEN.pow(18);

    private Types() {}

    static final ValueType<String> TEXT = ValueType.scalar("text", t -> {
        if (t.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return t;
    }, t -> t);

    /** A short name used in logs and metric tags. */
    static final ValueType<String> NAME = ValueType.scalar("name (lower-case letters, digits, '.', '_', '-')", t -> {
        if (!NAME_PATTERN.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + t + "' is not a valid name (lower-case letters, digits, '.', '_'"
                    + " and '-', starting with a letter or digit, at most 63)");
        }
        return t;
    }, t -> t);

    static final ValueType<Long> CHAIN_ID = ValueType.scalar("chain id (a positive integer)", t -> {
        long v = parseLong(t, "a chain id");
        if (v < 1) {
            throw new IllegalArgumentException("'" + t + "' is not a chain id (a positive integer)");
        }
        return v;
    }, v -> v);

    static final ValueType<Boolean> BOOLEAN = ValueType.scalar("true or false", t -> switch (t) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("'" + t + "' is neither true nor false");
    }, v -> v);

    /** A duration longer than zero. */
    static final ValueType<Duration> DURATION = ValueType.scalar("duration (500ms, 2s, 5m, 1h, 1d)", t -> {
        Duration d;
        try {
            d = Durations.parse("", t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + t + "' is not a duration (examples: 500ms, 2s, 5m, 1h)");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("'" + t + "' must be longer than zero");
        }
        return d;
    }, Types::formatDuration);

    static final ValueType<URI> HTTP_URL = url("http(s) URL", "http", "https");

    static final ValueType<URI> WS_URL = url("ws(s) URL", "ws", "wss");

    /** A 20-byte address, kept lower-case. */
    static final ValueType<String> ADDRESS = ValueType.scalar("address (0x and 40 hex digits)", Types::address,
            t -> t);

    /** An address, or {@code none} for a contract the chain does not have. */
    static final ValueType<Optional<String>> ADDRESS_OR_NONE = ValueType.scalar(
            "address (0x and 40 hex digits) or none", t -> t.equals("none") ? Optional.empty()
                    : Optional.of(address(t)), a -> a.orElse("none"));

    /** An amount of ether in wei, written with its unit. */
    static final ValueType<BigInteger> AMOUNT = ValueType.scalar("amount (30gwei, 0.1ether, 1000wei)", t -> {
        Matcher m = AMOUNT_PATTERN.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + t + "' is not an amount (examples: 30gwei, 0.1ether, 1000wei)");
        }
        BigInteger unit = switch (m.group(2)) {
            case "ether" -> ETHER;
            case "gwei" -> GWEI;
            default -> BigInteger.ONE;
        };
        BigDecimal wei = new BigDecimal(m.group(1)).multiply(new BigDecimal(unit));
        try {
            return wei.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + t + "' is not a whole number of wei");
        }
    }, Types::formatAmount);

    /** A fraction between 0 and 1 inclusive. */
    static final ValueType<Double> FRACTION = ValueType.scalar("fraction (0 to 1)", t -> {
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is not a number");
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException("'" + t + "' is not a fraction between 0 and 1");
        }
        return v;
    }, v -> v);

    static final ValueType<Confirmations> CONFIRMATIONS = ValueType.scalar("block count, safe or finalized", t -> {
        if (t.equals("safe") || t.equals("finalized")) {
            return Confirmations.tag(t);
        }
        try {
            int blocks = Integer.parseInt(t);
            if (blocks >= 0) {
                return Confirmations.blocks(blocks);
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("'" + t + "' is neither a block count (0 or more) nor safe/finalized");
    }, c -> c.usesTag() ? c.tag() : (Object) c.blocks());

    static final ValueType<Path> PATH = ValueType.scalar("file path", t -> {
        if (t.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return Path.of(t);
    }, Path::toString);

    /** {@code host:port}; port 0 picks a free one. */
    static final ValueType<HostPort> HOST_PORT = ValueType.scalar("host:port", t -> {
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("'" + t + "' is not host:port (e.g. 127.0.0.1:8080)");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        long port = parseLong(t.substring(colon + 1), "a port");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + t + "' has no valid port (0 to 65535)");
        }
        return new HostPort(host, (int) port);
    }, HostPort::toString);

    /** A Kafka topic name or prefix. */
    static final ValueType<String> TOPIC = ValueType.scalar("topic name (letters, digits, '.', '_', '-')", t -> {
        if (!TOPIC_PATTERN.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + t + "' is not a legal topic name (letters, digits, '.', '_',"
                    + " '-'; at most 200)");
        }
        return t;
    }, t -> t);

    /**
     * A path prefix to serve under ({@code /crossbar}, {@code /ops/bridge}), or empty for none: it starts with
     * {@code /}, has no trailing slash, and its segments hold only characters that mean the same in a URL and in a
     * route (letters, digits, {@code - . _ ~}), none of them {@code .} or {@code ..}.
     */
    static final ValueType<String> PATH_PREFIX = ValueType.scalar("path prefix (/name[/name...]) or empty", t -> {
        if (t.isEmpty()) {
            return t;
        }
        String example = " (e.g. /crossbar)";
        if (!t.startsWith("/")) {
            throw new IllegalArgumentException("'" + t + "' does not start with '/'" + example);
        }
        if (t.equals("/")) {
            throw new IllegalArgumentException("'/' is the root: leave the prefix empty to serve at /");
        }
        if (t.endsWith("/")) {
            throw new IllegalArgumentException("'" + t + "' ends with '/': write it without the trailing slash"
                    + " (" + t.replaceAll("/+$", "") + "; the console is then served at " + t.replaceAll("/+$", "")
                    + "/)");
        }
        if (t.contains("..")) {
            throw new IllegalArgumentException("'" + t + "' contains '..'");
        }
        for (String segment : t.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("'" + t + "' has an empty segment ('//')");
            }
            if (segment.equals(".")) {
                throw new IllegalArgumentException("'" + t + "' has a '.' segment");
            }
            if (!PATH_SEGMENT_PATTERN.matcher(segment).matches()) {
                int bad = segment.codePoints().filter(c -> !(c < 128 && PATH_SEGMENT_PATTERN.matcher(
                        Character.toString(c)).matches())).findFirst().orElse('?');
                String shown = Character.isISOControl(bad) || Character.isWhitespace(bad)
                        ? String.format("U+%04X", bad) : "'" + Character.toString(bad) + "'";
                throw new IllegalArgumentException("'" + t + "' has a character a path prefix cannot hold: "
                        + shown + " (allowed: letters, digits, '-', '.', '_', '~', and '/'"
                        + " between segments)");
            }
        }
        return t;
    }, t -> t);

    /** {@code host:port[,host:port...]}. */
    static final ValueType<String> BOOTSTRAP = ValueType.scalar("host:port[,host:port...]", t -> {
        for (String part : t.split(",")) {
            HOST_PORT.read(new ConfigNode.Scalar(part.trim(), ""), "");
        }
        return t.replace(" ", "");
    }, t -> t);

    /** A PostgreSQL JDBC URL that carries no password (the password is a secret reference). */
    static final ValueType<String> JDBC_URL = ValueType.scalar("jdbc:postgresql://host:port/database", t -> {
        if (!t.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("'" + t + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.contains("password") || lower.matches("jdbc:postgresql://[^/]*:[^/]*@.*")) {
            throw new IllegalArgumentException("carries a password; set store.postgres.password to a reference"
                    + " instead ({env: NAME} or {file: /path})");
        }
        return t;
    }, t -> t);

    static ValueType<Integer> integer(int min, int max) {
        String range = max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max;
        return ValueType.scalar("integer, " + range, t -> {
            long v = parseLong(t, "an integer");
            if (v < min || v > max) {
                throw new IllegalArgumentException("'" + t + "' is out of range (" + range + ")");
            }
            return (int) v;
        }, v -> v);
    }

    static ValueType<Long> longAtLeast(long min) {
        return ValueType.scalar("integer, at least " + min, t -> {
            long v = parseLong(t, "an integer");
            if (v < min) {
                throw new IllegalArgumentException("'" + t + "' is out of range (at least " + min + ")");
            }
            return v;
        }, v -> v);
    }

    /** One of an enum's constants, written in lower case (any case is accepted). */
    static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type) {
        return oneOf(type, false);
    }

    /** One of an enum's constants, shown as declared ({@code upperCase}) or in lower case. */
    static <E extends Enum<E>> ValueType<E> oneOf(Class<E> type, boolean upperCase) {
        E[] values = type.getEnumConstants();
        java.util.function.Function<E, String> show = e -> upperCase ? e.name() : e.name().toLowerCase(Locale.ROOT);
        String names = String.join(" | ", Arrays.stream(values).map(show).toList());
        return ValueType.scalar("one of " + names, t -> {
            for (E e : values) {
                if (e.name().equalsIgnoreCase(t)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("'" + t + "' is not one of " + names);
        }, show::apply);
    }

    /** One of an enum's constants, written by the name {@code name} gives it (any case is accepted). */
    static <E extends Enum<E>> ValueType<E> named(Class<E> type, Function<E, String> name) {
        E[] values = type.getEnumConstants();
        String names = String.join(" | ", Arrays.stream(values).map(name).toList());
        return ValueType.scalar("one of " + names, t -> {
            for (E e : values) {
                if (name.apply(e).equalsIgnoreCase(t)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("'" + t + "' is not one of " + names);
        }, name::apply);
    }

    private static String address(String t) {
        if (!ADDRESS_PATTERN.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + t + "' is not an address (0x and 40 hex digits)");
        }
        return t.toLowerCase(Locale.ROOT);
    }

    private static ValueType<URI> url(String what, String... schemes) {
        return ValueType.scalar(what, t -> {
            try {
                URI u = new URI(t);
                if (u.getScheme() != null && Arrays.asList(schemes).contains(u.getScheme().toLowerCase(Locale.ROOT))
                        && u.getHost() != null) {
                    return u;
                }
            } catch (URISyntaxException e) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("'" + t + "' is not a" + (what.startsWith("http") ? "n " : " ") + what);
        }, URI::toString);
    }

    private static long parseLong(String t, String what) {
        try {
            return Long.parseLong(t.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is not " + what);
        }
    }

    /** The shortest exact way to write a duration: 2s, 5m, 1h, 500ms. */
    static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The shortest exact way to write an amount: 1ether, 200gwei, 1000wei. */
    static String formatAmount(BigInteger wei) {
        if (wei.signum() > 0 && wei.mod(ETHER).signum() == 0) {
            return wei.divide(ETHER) + "ether";
        }
        if (wei.signum() > 0 && wei.mod(GWEI).signum() == 0) {
            return wei.divide(GWEI) + "gwei";
        }
        return wei + "wei";
    }
}
