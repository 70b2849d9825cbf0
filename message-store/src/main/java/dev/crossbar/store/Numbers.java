package dev.crossbar.store;

import java.math.BigInteger;

/** Conversions of on-chain integers the store compares (block numbers, output indexes, nonces) to long. */
final class Numbers {
    private Numbers() {}

    /** Whether {@code value} is an integer from 0 to 2^63-1. */
    static boolean fits(BigInteger value) {
        return value != null && value.signum() >= 0 && value.bitLength() <= 63;
    }

    static long exact(BigInteger value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (!fits(value)) {
            throw new IllegalArgumentException(what + " " + value + " is out of range (0 to 2^63-1)");
        }
        return value.longValueExact();
    }
}
