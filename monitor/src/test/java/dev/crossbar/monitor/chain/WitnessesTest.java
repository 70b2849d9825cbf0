package dev.crossbar.monitor.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rule that only endpoints that agree make an answer, and a lagging one holds it back. */
class WitnessesTest {
    private final FakeEndpoint a = new FakeEndpoint("a", 100);
    private final FakeEndpoint b = new FakeEndpoint("b", 100);
    private final Witnesses both = new Witnesses("l2", List.of(a, b));

    @Test
    void endpointsThatAgreeGiveTheAnswer() {
        Consensus<String> c = both.at(50, true, e -> "root");
        assertThat(c).isEqualTo(new Consensus.Agreed<>("root", List.of("a", "b")));
    }

    @Test
    void anEndpointBehindTheBlockHoldsTheAnswerBackWhileItIsWaitedFor() {
        b.head = 40;
        assertThat(both.at(50, true, e -> "root")).isInstanceOf(Consensus.Pending.class);
        assertThat(both.at(50, false, e -> "root")).isEqualTo(new Consensus.Agreed<>("root", List.of("a")));
    }

    @Test
    void anEndpointWithoutTheBlockCountsAsBehind() {
        assertThat(both.at(50, true, e -> e.name().equals("b") ? null : "root"))
                .isInstanceOf(Consensus.Pending.class);
    }

    @Test
    void endpointsThatDisagreeGiveNoAnswerEvenAfterWaiting() {
        Consensus<String> c = both.at(50, false, e -> e.name().equals("a") ? "root" : "other");
        assertThat(c).isEqualTo(new Consensus.Disagreed<>(Map.of("a", "root", "b", "other")));
    }

    @Test
    void aFailingEndpointIsLeftOutButNoneAnsweringIsNoAnswer() {
        b.down = true;
        assertThat(both.at(50, true, e -> "root")).isEqualTo(new Consensus.Agreed<>("root", List.of("a")));
        a.down = true;
        assertThat(both.at(50, true, e -> "root")).isInstanceOf(Consensus.Pending.class);
    }
}
