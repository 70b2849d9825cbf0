package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.store.Finding;
import dev.crossbar.store.OutputRecord;
import dev.crossbar.testkit.JsonRpcProxy;
import io.micrometer.core.instrument.Gauge;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An output whose block's state the L2 node has dropped (anvil pruned, or restarted without its history): the monitor
 * has two endpoints for l2a, each a {@link JsonRpcProxy} in front of the real node. While one of them still has the
 * state, the output is verified there. When neither has it, the output cannot be verified: a warning "state
 * unavailable" naming each endpoint's answer, and no WINDOW_CLOSING_UNCHECKED past its act-by time (issue #10, item
 * 4). Real detection stays: when the endpoints fail for another reason past the act-by time, the critical alarm is
 * raised; once an endpoint serves the state again the output is checked and the warning resolved.
 */
class StateUnavailableTest {

    @Test
    void anOutputWhoseStateTheNodeDroppedIsCheckedElsewhereOrReportedAsUnverifiable() throws Exception {
        try (Watchtower w = new Watchtower();
                JsonRpcProxy first = JsonRpcProxy.start(w.vertx, URI.create(w.l2(0).rpcUrl()));
                JsonRpcProxy second = JsonRpcProxy.start(w.vertx, URI.create(w.l2(0).rpcUrl()))) {
            long window = w.devnet.config().finalizationPeriod().toSeconds();
            w.startMonitor(w.settings(), Map.of(Watchtower.L2A, List.of(first.httpUrl())),
                    Map.of(Watchtower.L2A, List.of(second.httpUrl())));

            // the configured endpoint has dropped the state of the output's block, the extra one has it
            first.keepStateOf(2);
            BigInteger checkedElsewhere = proposeOldBlock(w);
            await().atMost(Duration.ofSeconds(30)).until(() -> "VALID".equals(output(w, checkedElsewhere).verdict()));
            assertThat(first.refused()).as("l2a#0 could not serve the state").isPositive();
            assertThat(stateUnavailable(w)).isEmpty();

            // neither has it any more: cannot verify, a warning naming the cause
            second.keepStateOf(2);
            BigInteger unverifiable = proposeOldBlock(w);
            OutputRecord o = output(w, unverifiable);
            await().atMost(Duration.ofSeconds(30)).until(() -> !stateUnavailable(w).isEmpty());
            Finding warning = stateUnavailable(w).getFirst();
            assertThat(warning.severity()).isEqualTo("warning");
            assertThat(warning.chainId()).isEqualTo(Watchtower.L2A);
            assertThat(warning.summary()).contains("cannot verify", "state unavailable");
            assertThat(warning.evidence()).containsEntry("outputIndex", unverifiable.toString())
                    .containsEntry("reason", "state unavailable").containsKeys("actBy", "deadline");
            assertThat(warning.evidence().get("endpoints")).contains("l2a#0", "l2a#1",
                    "BlockOutOfRangeError: block height is");
            assertThat(output(w, unverifiable).verdict()).isNull();

            // its act-by time passes: still "cannot verify", not a missed deadline
            w.l1().anvil().increaseTime(window * 6 / 10);
            w.l1().anvil().mine(1);
            assertThat(w.l1Timestamp()).isLessThan(o.l1Timestamp() + window);
            await().atMost(Duration.ofSeconds(20)).until(() -> windowLeft(w) < window / 2.0);
            MonitorRestartTest.awaitNextRound(w);
            assertThat(w.findings("WINDOW_CLOSING_UNCHECKED")).as("an unverifiable output is no missed deadline")
                    .isEmpty();
            assertThat(w.store.findings(null, 1000)).noneMatch(f -> f.severity().equals("critical"));

            // endpoints failing for another reason (not missing state) past the act-by time: the critical alarm
            first.failing("eth_getProof", -32603, "internal error");
            second.failing("eth_getProof", -32603, "internal error");
            Finding unchecked = w.awaitFinding("WINDOW_CLOSING_UNCHECKED", Duration.ofSeconds(20));
            assertThat(unchecked.severity()).isEqualTo("critical");
            assertThat(unchecked.evidence()).containsEntry("outputIndex", unverifiable.toString());

            // an endpoint serves the state again: checked, and the warning is over
            second.off("eth_getProof").keepAllState();
            first.off("eth_getProof");
            await().atMost(Duration.ofSeconds(30)).until(() -> "VALID".equals(output(w, unverifiable).verdict()));
            await().atMost(Duration.ofSeconds(10)).until(() -> stateUnavailable(w).getFirst().status()
                    .equals("RESOLVED"));
            assertThat(w.findings("BAD_OUTPUT")).isEmpty();
        }
    }

    /** Proposes an honest output for an L2 block of l2a a few blocks below its head, as a late proposer would. */
    private static BigInteger proposeOldBlock(Watchtower w) throws Exception {
        BigInteger index = w.nextOutputIndex(0);
        w.l2(0).anvil().mine(1);
        long block = w.l2(0).blockNumber().longValueExact();
        w.l2(0).anvil().mine(6);
        w.operator.proposer("l2a").propose(block);
        await().atMost(Duration.ofSeconds(30)).until(() -> w.store.outputs(Watchtower.L2A, 50).stream()
                .anyMatch(o -> o.outputIndex().equals(index)));
        return index;
    }

    private static OutputRecord output(Watchtower w, BigInteger index) {
        return w.store.outputs(Watchtower.L2A, 50).stream().filter(o -> o.outputIndex().equals(index)).findFirst()
                .orElseThrow();
    }

    private static List<Finding> stateUnavailable(Watchtower w) {
        return w.findings("CHECK_INCONCLUSIVE").stream().filter(f -> f.dedupeKey().startsWith("STATE_UNAVAILABLE:"))
                .toList();
    }

    /** The monitor's seconds left of l2a's nearest open window needing it (set each time it judges deadlines). */
    private static double windowLeft(Watchtower w) {
        Gauge g = w.meters.find("crossbar.monitor.challenge.window.seconds.left").tag("chain", "l2a").gauge();
        return g == null ? Double.NaN : g.value();
    }
}
