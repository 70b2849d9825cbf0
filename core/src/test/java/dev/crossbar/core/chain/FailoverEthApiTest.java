package dev.crossbar.core.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.rpc.RpcException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Failover as a decorator: an endpoint that does not answer cools down, a node's answer is the answer. */
class FailoverEthApiTest {
    private static final Duration COOLDOWN = Duration.ofSeconds(15);
    private final AtomicLong now = new AtomicLong();
    private final List<String> asked = new ArrayList<>();

    /** A fake endpoint of chain 1 whose blockNumber answers {@code answer} or throws what {@code failure} holds. */
    private final class FakeEndpoint {
        final String name;
        volatile long answer;
        volatile RuntimeException failure;

        FakeEndpoint(String name, long answer) {
            this.name = name;
            this.answer = answer;
        }

        EthApi api() {
            return (EthApi) Proxy.newProxyInstance(EthApi.class.getClassLoader(), new Class<?>[] {EthApi.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "chainId" -> 1L;
                        case "name" -> name;
                        case "blockNumber" -> {
                            asked.add(name);
                            if (failure != null) {
                                throw failure;
                            }
                            yield answer;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    private final FakeEndpoint a = new FakeEndpoint("l1#0", 100);
    private final FakeEndpoint b = new FakeEndpoint("l1#1", 101);
    private final FakeEndpoint c = new FakeEndpoint("l1#2", 102);
    private final EthApi chain = new FailoverEthApi("l1", List.of(a.api(), b.api(), c.api()), COOLDOWN, now::get);

    @Test
    void callsGoToTheMostPreferredEndpoint() {
        assertThat(chain.blockNumber()).isEqualTo(100);
        assertThat(chain.name()).isEqualTo("l1");
        assertThat(chain.chainId()).isEqualTo(1);
        assertThat(asked).containsExactly("l1#0");
    }

    @Test
    void anEndpointThatDoesNotAnswerCoolsDownWhileTheNextAnswers() {
        a.failure = new RpcException.Transport("l1#0: no answer", null);
        assertThat(chain.blockNumber()).isEqualTo(101);
        a.failure = null;
        now.addAndGet(COOLDOWN.toNanos() - 1);
        assertThat(chain.blockNumber()).as("still cooling down").isEqualTo(101);
        assertThat(asked).containsExactly("l1#0", "l1#1", "l1#1");

        now.addAndGet(1);
        assertThat(chain.blockNumber()).as("back after the cooldown").isEqualTo(100);
    }

    @Test
    void anEndpointStuckOnAnOldHeadIsSetAsideAtTheNextComparisonOfHeads() {
        c.answer = 100 + FailoverEthApi.BEHIND_TOLERANCE + 1;
        assertThat(chain.blockNumber()).as("heads not compared before a cooldown passed").isEqualTo(100);
        now.addAndGet(COOLDOWN.toNanos());
        assertThat(chain.blockNumber()).as("l1#0 is more than the tolerance behind l1#2; l1#1 is not").isEqualTo(101);
        now.addAndGet(COOLDOWN.toNanos() / 2);
        assertThat(chain.blockNumber()).isEqualTo(101);
        a.answer = c.answer;
        now.addAndGet(COOLDOWN.toNanos() / 2);
        assertThat(chain.blockNumber()).as("caught up: preferred again").isEqualTo(c.answer);
    }

    @Test
    void everyEndpointFailingFailsTheCallNamingEachProblem() {
        a.failure = new RpcException.Transport("l1#0: HTTP 500", null);
        b.failure = new RpcException.Transport("l1#1: no answer within 500 ms", null);
        c.failure = new RpcException.Transport("l1#2: connection refused", null);
        assertThatThrownBy(chain::blockNumber).isInstanceOf(RpcException.Transport.class)
                .hasMessageContaining("l1: eth_blockNumber failed on every endpoint")
                .hasMessageContaining("l1#0: HTTP 500").hasMessageContaining("l1#1: no answer within 500 ms")
                .hasMessageContaining("l1#2: connection refused");
        assertThat(asked).containsExactly("l1#0", "l1#1", "l1#2");
    }

    @Test
    void endpointsCoolingDownAreAskedLastRatherThanNotAtAll() {
        a.failure = new RpcException.Transport("l1#0: no answer", null);
        b.failure = new RpcException.Transport("l1#1: no answer", null);
        assertThat(chain.blockNumber()).isEqualTo(102);
        c.failure = new RpcException.Transport("l1#2: no answer", null);
        b.failure = null;
        asked.clear();
        assertThat(chain.blockNumber()).as("all cooling down: asked once each, in order").isEqualTo(101);
        assertThat(asked).containsExactly("l1#2", "l1#0", "l1#1");
    }

    @Test
    void aNodesErrorAnswerOrARevertDoesNotFailOver() {
        a.failure = new RpcException.Remote("eth_blockNumber", -32005, "limit exceeded", null);
        assertThatThrownBy(chain::blockNumber).isInstanceOf(RpcException.Remote.class);
        a.failure = new EthApi.Reverted("execution reverted", "0x");
        assertThatThrownBy(chain::blockNumber).isInstanceOf(EthApi.Reverted.class);
        a.failure = new RpcException.Malformed("l1#0: expected a hex quantity", null);
        assertThatThrownBy(chain::blockNumber).isInstanceOf(RpcException.Malformed.class);
        assertThat(asked).containsExactly("l1#0", "l1#0", "l1#0");

        a.failure = null;
        assertThat(chain.blockNumber()).as("an answer is no reason to cool down").isEqualTo(100);
    }

    @Test
    void endpointsMustBeGivenAndOfOneChain() {
        assertThatThrownBy(() -> new FailoverEthApi("l1", List.of(), COOLDOWN))
                .hasMessageContaining("chain l1: at least one endpoint is needed");
        EthApi other = (EthApi) Proxy.newProxyInstance(EthApi.class.getClassLoader(), new Class<?>[] {EthApi.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "chainId" -> 2L;
                    case "name" -> "l2#0";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        assertThatThrownBy(() -> new FailoverEthApi("l1", List.of(a.api(), other), COOLDOWN))
                .hasMessageContaining("endpoint l2#0 is of chain 2, not 1");
    }
}
