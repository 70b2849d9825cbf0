package dev.crossbar.txmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pricing rule as its doc states it, and the node rule a bump must meet. */
class FeePolicyTest {
    private static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000L);
    private final FeePolicy policy = new FeePolicy(gwei(2), gwei(100), 15, 3, Duration.ofSeconds(30));

    @Test
    void aFirstTryLeavesRoomForTheBaseFeeToDouble() {
        assertThat(policy.initial(gwei(10))).contains(new FeePolicy.Fees(gwei(22), gwei(2)));
    }

    @Test
    void aFirstTryIsCappedAndRefusedWhenTheCapCannotPayTheBaseFeeAndTheTip() {
        assertThat(policy.initial(gwei(60))).contains(new FeePolicy.Fees(gwei(100), gwei(2)));
        assertThat(policy.initial(gwei(98))).contains(new FeePolicy.Fees(gwei(100), gwei(2)));
        assertThat(policy.initial(gwei(99))).isEmpty();
    }

    @Test
    void aBumpRaisesBothPricesByAtLeastTheBumpPercentRoundedUp() {
        FeePolicy.Fees bumped = policy.bump(new FeePolicy.Fees(gwei(22), gwei(2)), gwei(10)).orElseThrow();
        assertThat(bumped.maxPriorityFeePerGas()).isEqualTo(new BigInteger("2300000000"));
        assertThat(bumped.maxFeePerGas()).isEqualTo(new BigInteger("25300000000"));
        FeePolicy.Fees odd = policy.bump(new FeePolicy.Fees(BigInteger.valueOf(101), BigInteger.ONE), BigInteger.ONE)
                .orElseThrow();
        assertThat(odd.maxFeePerGas()).as("ceil(101 * 1.15)").isEqualTo(BigInteger.valueOf(117));
        assertThat(odd.maxPriorityFeePerGas()).as("ceil(1 * 1.15)").isEqualTo(BigInteger.TWO);
    }

    @Test
    void aBumpFollowsARisingBaseFee() {
        FeePolicy.Fees bumped = policy.bump(new FeePolicy.Fees(gwei(22), gwei(2)), gwei(30)).orElseThrow();
        assertThat(bumped.maxFeePerGas()).isEqualTo(new BigInteger("62300000000"));
    }

    @Test
    void aBumpThatTheCapCannotAffordIsRefused() {
        assertThat(policy.bump(new FeePolicy.Fees(gwei(90), gwei(2)), gwei(10))).isEmpty();
        assertThat(policy.bump(new FeePolicy.Fees(gwei(60), gwei(2)), gwei(10))).isPresent();
    }

    @Test
    void badParametersAreRefusedByName() {
        assertThatThrownBy(() -> new FeePolicy(gwei(1), gwei(100), 5, 3, Duration.ofSeconds(1)))
                .hasMessageContaining("bumpPercent");
        assertThatThrownBy(() -> new FeePolicy(gwei(1), BigInteger.ZERO, 15, 3, Duration.ofSeconds(1)))
                .hasMessageContaining("maxFeeCap");
        assertThatThrownBy(() -> new FeePolicy(gwei(1), gwei(100), 15, 3, Duration.ZERO))
                .hasMessageContaining("stuckAfter");
    }

    @Test
    void nodeRefusalsAreClassifiedFromOneTable() {
        assertThat(SendRefusal.of("already known")).isEqualTo(SendRefusal.ALREADY_KNOWN);
        assertThat(SendRefusal.of("Nonce too low: next nonce 8, tx nonce 6")).isEqualTo(SendRefusal.NONCE_USED);
        assertThat(SendRefusal.of("replacement transaction underpriced")).isEqualTo(SendRefusal.UNDERPRICED);
        assertThat(SendRefusal.of("max fee per gas less than block base fee")).isEqualTo(SendRefusal.UNDERPRICED);
        assertThat(SendRefusal.belowBaseFee("max fee per gas less than block base fee")).isTrue();
        assertThat(SendRefusal.of("insufficient funds for gas * price + value")).isEqualTo(SendRefusal.OTHER);
        assertThat(SendRefusal.of(null)).isEqualTo(SendRefusal.OTHER);
    }

    private static BigInteger gwei(long n) {
        return GWEI.multiply(BigInteger.valueOf(n));
    }
}
