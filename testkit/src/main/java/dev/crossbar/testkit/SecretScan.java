package dev.crossbar.testkit;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Looks for secrets in what a running service shows (its logs, metrics, API answers, Kafka records, store rows):
 * each private key in hex with or without 0x in any case and as base64 of its 32 bytes, each token as written (in any
 * case). A finding names where and which secret, never the secret itself. Counts what it scanned per source, so a
 * test can show that the scan saw something.
 */
public final class SecretScan {
    /** Per secret's name, the forms looked for in lower-cased text (hex, tokens). */
    private final Map<String, List<String>> anyCase = new LinkedHashMap<>();
    /** Per secret's name, the forms looked for as they are (base64). */
    private final Map<String, List<String>> exact = new LinkedHashMap<>();
    private final List<String> findings = new ArrayList<>();
    private final Map<String, Integer> scanned = new TreeMap<>();

    /** A private key, by a name for the findings (e.g. its role). */
    public SecretScan privateKey(String name, BigInteger key) {
        String hex = String.format("%064x", key);
        byte[] bytes = new byte[32];
        byte[] raw = key.toByteArray();
        int n = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - n, bytes, 32 - n, n);
        anyCase.computeIfAbsent(name, k -> new ArrayList<>()).add(hex);
        exact.computeIfAbsent(name, k -> new ArrayList<>()).add(Base64.getEncoder().encodeToString(bytes));
        exact.get(name).add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        return this;
    }

    /** A token or password, by a name for the findings. */
    public SecretScan token(String name, String token) {
        if (token.length() < 8) {
            throw new IllegalArgumentException("token " + name + " is too short to look for without false findings");
        }
        anyCase.computeIfAbsent(name, k -> new ArrayList<>()).add(token.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Scans one text: {@code source} counts it (e.g. "kafka"), {@code where} names it in a finding. */
    public void scan(String source, String where, String text) {
        scanned.merge(source, 1, Integer::sum);
        if (text == null || text.isEmpty()) {
            return;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        anyCase.forEach((name, forms) -> {
            if (forms.stream().anyMatch(lower::contains)) {
                findings.add(where + ": " + name);
            }
        });
        exact.forEach((name, forms) -> {
            if (forms.stream().anyMatch(text::contains)) {
                findings.add(where + ": " + name + " (base64)");
            }
        });
    }

    /** What was found, as "where: which secret"; empty when nothing. */
    public List<String> findings() {
        return List.copyOf(findings);
    }

    /** How many texts each source gave. */
    public Map<String, Integer> scanned() {
        return Map.copyOf(scanned);
    }
}
