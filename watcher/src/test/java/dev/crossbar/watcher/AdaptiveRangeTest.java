package dev.crossbar.watcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.rpc.RpcException;
import org.junit.jupiter.api.Test;

/** The eth_getLogs range: sized to the node's refusals and to the logs a step should bring. */
class AdaptiveRangeTest {
    private static RpcException.Remote refusal() {
        return new RpcException.Remote("eth_getLogs", -32005, "query returned more than 10000 results", null);
    }

    @Test
    void startsSmallAndDoublesWhileTheLogsAreSparse() {
        AdaptiveRange range = new AdaptiveRange(2_000, 3, 2_000, 16);

        assertThat(range.current()).isEqualTo(16);
        range.succeeded(16, 10);
        assertThat(range.current()).isEqualTo(32);
        range.succeeded(32, 0);
        assertThat(range.current()).isEqualTo(64);
    }

    @Test
    void aRangeWithTooManyLogsShrinksToTheBlocksThatHoldAboutTheTarget() {
        AdaptiveRange range = new AdaptiveRange(2_000, 3, 2_000, 2_000);

        range.succeeded(2_000, 50_000);

        assertThat(range.current()).isEqualTo(80);
    }

    @Test
    void aDenseEnoughRangeOrOneCutShortByTheHeadStaysAsItIs() {
        AdaptiveRange range = new AdaptiveRange(2_000, 3, 2_000, 16);

        range.succeeded(16, 1_600);
        assertThat(range.current()).isEqualTo(16);
        range.succeeded(3, 0);
        assertThat(range.current()).isEqualTo(16);
    }

    @Test
    void growthStopsAtTheMaximumAndAtWhatTheDensityAllows() {
        AdaptiveRange range = new AdaptiveRange(100, 3, 2_000, 64);

        range.succeeded(64, 0);
        assertThat(range.current()).isEqualTo(100);

        AdaptiveRange dense = new AdaptiveRange(2_000, 3, 2_000, 64);
        dense.succeeded(64, 800); // 12.5 logs a block: 160 blocks would hold the target, doubling gives 128
        assertThat(dense.current()).isEqualTo(128);
        dense.succeeded(128, 900); // 7 a block: 284 would, doubling gives 256
        assertThat(dense.current()).isEqualTo(256);
    }

    @Test
    void aRefusalHalvesTheRangeWhichGrowsAgainOnlyAfterSuccessesInARow() {
        AdaptiveRange range = new AdaptiveRange(2_000, 3, 2_000, 2_000);

        assertThat(range.shrinkOn(refusal())).isTrue();
        assertThat(range.current()).isEqualTo(1_000);
        range.succeeded(1_000, 0);
        range.succeeded(1_000, 0);
        assertThat(range.current()).isEqualTo(1_000);
        range.succeeded(1_000, 0);
        assertThat(range.current()).isEqualTo(2_000);
    }

    @Test
    void aFailureThatIsNotAboutTheRangeOrAOneBlockRangeDoesNotShrink() {
        AdaptiveRange range = new AdaptiveRange(2_000, 3, 2_000, 1);

        assertThat(range.shrinkOn(refusal())).isFalse();
        assertThat(new AdaptiveRange(2_000, 3, 2_000, 16).shrinkOn(new IllegalStateException("no"))).isFalse();
    }
}
