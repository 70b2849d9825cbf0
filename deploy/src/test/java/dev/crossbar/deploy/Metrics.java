package dev.crossbar.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Metric names and labels: those PromQL expressions use, and those a Prometheus scrape exports. */
final class Metrics {
    /** Labels Prometheus adds to every scraped series (target labels), not the application. */
    static final Set<String> TARGET_LABELS = Set.of("namespace", "job", "pod", "instance", "service", "endpoint",
            "container");
    /** Series Prometheus makes itself: allowed in expressions without being exported. */
    static final Set<String> PROMETHEUS_SERIES = Set.of("up");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    private Metrics() {}

    /** The metric names an expression reads (not functions, keywords, label names or durations). */
    static Set<String> namesIn(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        s = s.replaceAll("\\{[^}]*}", " ");           // label matchers
        s = s.replaceAll("\\[[^]]*]", " ");           // ranges and subqueries
        s = GROUPING.matcher(s).replaceAll(" ");      // by (...), on (...), ...
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) {
                after++;
            }
            boolean call = after < s.length() && s.charAt(after) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1))
                    || s.charAt(m.start() - 1) == '.');
            if (!call && !number && !KEYWORDS.contains(id.toLowerCase())) {
                names.add(id);
            }
        }
        return names;
    }

    /** For each metric in a selector ({@code name{...}}), the label names its matchers use. */
    static Map<String, Set<String>> selectorLabels(String expr) {
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = SELECTOR.matcher(expr);
        while (m.find()) {
            Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            Matcher l = MATCHER.matcher(m.group(2));
            while (l.find()) {
                labels.add(l.group(1));
            }
        }
        return out;
    }

    /**
     * For each aggregation {@code op by (labels) (argument)}, the metrics in its argument and the labels it
     * groups by: each of those metrics must carry each label.
     */
    static Map<String, Set<String>> groupingLabels(String expr) {
        Map<String, Set<String>> out = new TreeMap<>();
        Matcher m = Pattern.compile("\\bby\\s*\\(([^)]*)\\)\\s*\\(").matcher(expr);
        while (m.find()) {
            int open = m.end() - 1;
            int depth = 0;
            int close = -1;
            for (int i = open; i < expr.length(); i++) {
                char c = expr.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    close = i;
                    break;
                }
            }
            if (close < 0) {
                throw new IllegalArgumentException("unbalanced parentheses in " + expr);
            }
            Set<String> labels = new TreeSet<>();
            for (String l : m.group(1).split(",")) {
                if (!l.isBlank()) {
                    labels.add(l.trim());
                }
            }
            for (String name : namesIn(expr.substring(open + 1, close))) {
                out.computeIfAbsent(name, k -> new TreeSet<>()).addAll(labels);
            }
        }
        return out;
    }

    /** Whether every (, [ and { is closed, in order (a cheap syntax check). */
    static boolean balanced(String expr) {
        String s = STRING.matcher(expr).replaceAll("\"\"");
        StringBuilder stack = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '(', '[', '{' -> stack.append(c);
                case ')', ']', '}' -> {
                    if (stack.isEmpty()) {
                        return false;
                    }
                    char o = stack.charAt(stack.length() - 1);
                    if ((c == ')' && o != '(') || (c == ']' && o != '[') || (c == '}' && o != '{')) {
                        return false;
                    }
                    stack.setLength(stack.length() - 1);
                }
                default -> { }
            }
        }
        return stack.isEmpty();
    }

    /** What a scrape exports: each sample name with the union of its label names. */
    static Map<String, Set<String>> exported(String scrape) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return out;
    }

    /** The sample names of a scrape that have at least one value other than NaN. */
    static Set<String> withValues(String scrape) {
        Set<String> out = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String l = line.strip();
            String name = l.split("[{ ]", 2)[0];
            String value = l.substring(l.lastIndexOf('}') + 1).trim().split("\\s+")[l.contains("}") ? 0 : 1];
            if (!value.equalsIgnoreCase("NaN")) {
                out.add(name);
            }
        }
        return out;
    }

    /**
     * The exported series a used name stands for: itself, or for a histogram or summary named by its base name,
     * its {@code _bucket}, {@code _count} and {@code _sum} series.
     */
    static List<String> seriesFor(String used, Map<String, Set<String>> exported) {
        List<String> out = new ArrayList<>();
        for (String candidate : List.of(used, used + "_bucket", used + "_count", used + "_sum")) {
            if (exported.containsKey(candidate)) {
                out.add(candidate);
            }
        }
        return out;
    }

    /** Union of several scrapes. */
    static Map<String, Set<String>> union(List<Map<String, Set<String>>> scrapes) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Map<String, Set<String>> s : scrapes) {
            s.forEach((k, v) -> out.computeIfAbsent(k, x -> new LinkedHashSet<>()).addAll(v));
        }
        return out;
    }
}
