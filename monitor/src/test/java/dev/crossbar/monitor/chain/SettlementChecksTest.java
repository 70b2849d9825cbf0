package dev.crossbar.monitor.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.monitor.Check;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The monitor's checks of the output-oracle contracts do not run on an L2 that settles through dispute games (they
 * would read contracts it does not have); the checks of the chain itself, of its root claims and of its withdrawal
 * proofs run on every chain.
 */
class SettlementChecksTest {
    private static final List<URI> RPC = List.of(URI.create("http://127.0.0.1:9"));

    @Test
    void outputOracleChecksApplyOnlyToOutputOracleL2s() {
        ChainConfig l1 = new ChainConfig("l1", 900, ChainRole.L1, RPC, List.of(), Confirmations.blocks(0), 0,
                Duration.ofSeconds(1), 100, List.of(new Settlement(901, "0x01", "0x02", "0x03"),
                        Settlement.disputeGames(902, "0x11", "0x12", "0x13", "0x14", "0x15")), null, null);
        MonitoredChains chains = MonitoredChains.of(List.of(l1, l2("l2a", 901), l2("l2b", 902)),
                Map.<Long, EthApi>of(), Map.of());

        for (Check c : Check.values()) {
            assertThat(chains.applies(901, c)).as("%s on the output-oracle L2", c).isTrue();
            assertThat(chains.applies(900, c)).as("%s on the L1", c).isTrue();
        }
        EnumSet<Check> onGames = EnumSet.noneOf(Check.class);
        for (Check c : Check.values()) {
            if (chains.applies(902, c)) {
                onGames.add(c);
            }
        }
        assertThat(onGames).as("every check but the output-oracle finalization windows")
                .containsExactlyInAnyOrder(Check.OUTPUTS, Check.WITHDRAWAL_PROOFS, Check.RELAYS, Check.DEPOSITS,
                        Check.PROPOSER_LIVENESS, Check.HALTS, Check.REORGS);
    }

    private static ChainConfig l2(String name, long id) {
        return new ChainConfig(name, id, ChainRole.L2, RPC, List.of(), Confirmations.blocks(0), 0,
                Duration.ofSeconds(1), 100, List.of(), new ChainConfig.L2Contracts("0x04", "0x05", null, null), 900L);
    }
}
