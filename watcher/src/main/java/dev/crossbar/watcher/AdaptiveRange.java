package dev.crossbar.watcher;

import dev.crossbar.core.rpc.RpcException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The block range asked of {@code eth_getLogs}, sized to what the node accepts.
 *
 * <p>Starts at {@code max}. When a node refuses a range (too many results, a range limit, a timeout) the
 * range halves, down to one block; after {@code growAfter} successes in a row it doubles again, up to
 * {@code max}. A single block that is still refused is not a range problem and fails the step.
 */
final class AdaptiveRange {
    private static final Pattern REFUSAL = Pattern.compile(
            "range|too many|limit|exceed|more than|timeout|timed out|response size|query returned|too large|"
                    + "max results|block range");

    private final int max;
    private final int growAfter;
    private int current;
    private int successes;

    AdaptiveRange(int max, int growAfter) {
        if (max < 1) {
            throw new IllegalArgumentException("max block range must be at least 1, was " + max);
        }
        if (growAfter < 1) {
            throw new IllegalArgumentException("growAfter must be at least 1, was " + growAfter);
        }
        this.max = max;
        this.growAfter = growAfter;
        this.current = max;
    }

    int current() {
        return current;
    }

    void succeeded() {
        if (++successes >= growAfter && current < max) {
            current = (int) Math.min(max, current * 2L);
            successes = 0;
        }
    }

    /**
     * Records a failed {@code eth_getLogs}.
     *
     * @return true when the range shrank and the step should be retried; false when the failure is not about
     *     the range (or the range is already one block)
     */
    boolean shrinkOn(Throwable failure) {
        successes = 0;
        if (!isRangeRefusal(failure) || current == 1) {
            return false;
        }
        current = Math.max(1, current / 2);
        return true;
    }

    /** Shrinks because an answer was too large to handle comfortably, even though the node gave it. */
    void shrink() {
        successes = 0;
        current = Math.max(1, current / 2);
    }

    static boolean isRangeRefusal(Throwable failure) {
        if (failure instanceof RpcException.Remote remote) {
            return REFUSAL.matcher(remote.remoteMessage().toLowerCase(Locale.ROOT)).find();
        }
        if (failure instanceof RpcException.Transport) {
            String m = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
            return m.contains("timeout") || m.contains("timed out");
        }
        return false;
    }
}
