package dev.crossbar.app.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The admin token, kept only as its SHA-256 digest; a presented token is compared in constant time (both sides
 * are digests of equal length, compared with {@link MessageDigest#isEqual}), so neither its content nor its
 * length leaks through timing.
 */
final class BearerToken {
    private final byte[] digest;

    private BearerToken(byte[] digest) {
        this.digest = digest;
    }

    /** From the resolved token, which this wipes. */
    static BearerToken of(char[] token) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(token));
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        try {
            return new BearerToken(sha256(raw));
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(token, '\0');
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
        }
    }

    /** Whether an {@code Authorization} header carries this token as {@code Bearer <token>}. */
    boolean matches(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = sha256(authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(digest, presented);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "BearerToken[redacted]";
    }
}
