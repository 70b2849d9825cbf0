package dev.crossbar.watcher;

import dev.crossbar.core.rpc.RpcException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The block range asked of {@code eth_getLogs}, sized to what the node accepts and to the logs a step can hold.
 *
 * <p>Starts at {@code initial} (a few blocks: the first answer of a busy chain is not allowed to be huge). After a
 * read, a range that brought more than {@code logTarget} logs shrinks to the blocks that would have held about that
 * many; one that brought at most half of them doubles, up to {@code max} and to what the logs' density allows. When
 * a node refuses a range (too many results, a range limit, a timeout) the range halves, down to one block, and grows
 * again only after {@code growAfter} successes in a row. A single block that is still refused is not a range problem
 * and fails the step.
 */
final class AdaptiveRange {
    private static final Pattern REFUSAL = Pattern.compile(
            "range|too many|limit|exceed|more than|timeout|timed out|response size|query returned|too large|"
                    + "max results|block range");

    private final int max;
    private final int growAfter;
    private final int logTarget;
    private int current;
    private int successes;
    /** A node refused a range since the range was last at its maximum: grow only after growAfter successes. */
    private boolean cautious;

    /**
     * @param max the largest range asked
     * @param growAfter successes in a row after a refusal before the range grows again
     * @param logTarget the logs a step should bring, about
     * @param initial the first range (at most {@code max})
     */
    AdaptiveRange(int max, int growAfter, int logTarget, int initial) {
        if (max < 1) {
            throw new IllegalArgumentException("max block range must be at least 1, was " + max);
        }
        if (growAfter < 1) {
            throw new IllegalArgumentException("growAfter must be at least 1, was " + growAfter);
        }
        if (logTarget < 1 || initial < 1) {
            throw new IllegalArgumentException("the logs per step and the initial range must be at least 1, were "
                    + logTarget + " and " + initial);
        }
        this.max = max;
        this.growAfter = growAfter;
        this.logTarget = logTarget;
        this.current = Math.min(max, initial);
    }

    int current() {
        return current;
    }

    /** Records a range the node answered: {@code blocks} blocks that held {@code logs} logs. */
    void succeeded(int blocks, int logs) {
        successes++;
        if (logs > logTarget) {
            current = (int) Math.max(1, (long) Math.max(1, blocks) * logTarget / logs);
            return;
        }
        if (current >= max || logs > logTarget / 2 || blocks < current) {
            return; // full, dense enough, or a range cut short by the head says nothing about the next one
        }
        if (cautious && successes < growAfter) {
            return;
        }
        long byDensity = logs == 0 ? max : (long) blocks * logTarget / logs;
        current = (int) Math.min(max, Math.min(current * 2L, Math.max(current, byDensity)));
        successes = 0;
        cautious = current < max && cautious;
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
        cautious = true;
        return true;
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
