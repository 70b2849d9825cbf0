package dev.crossbar.core.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.policy.Backoff;
import dev.crossbar.core.rpc.RpcException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retries as a decorator: transport failures are tried again, a node's answer never is. */
class RetryingEthApiTest {
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), 0);

    /** A fake chain whose blockNumber fails {@code failures} times with {@code failure}, then answers 42. */
    private static EthApi failing(AtomicInteger calls, int failures, RuntimeException failure) {
        return (EthApi) Proxy.newProxyInstance(EthApi.class.getClassLoader(), new Class<?>[] {EthApi.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("blockNumber")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    if (calls.incrementAndGet() <= failures) {
                        throw failure;
                    }
                    return 42L;
                });
    }

    @Test
    void aCallNoEndpointAnsweredIsTriedAgainUpToTheAttempts() {
        AtomicInteger calls = new AtomicInteger();
        EthApi api = new RetryingEthApi(failing(calls, 2, new RpcException.Transport("l1: no answer", null)), QUICK, 3);
        assertThat(api.blockNumber()).isEqualTo(42);
        assertThat(calls).hasValue(3);

        AtomicInteger more = new AtomicInteger();
        EthApi exhausted = new RetryingEthApi(failing(more, 3, new RpcException.Transport("l1: no answer", null)),
                QUICK, 3);
        assertThatThrownBy(exhausted::blockNumber).isInstanceOf(RpcException.Transport.class);
        assertThat(more).hasValue(3);
    }

    @Test
    void aNodesAnswerIsNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        EthApi api = new RetryingEthApi(failing(calls, 5, new EthApi.Reverted("execution reverted", null)), QUICK, 3);
        assertThatThrownBy(api::blockNumber).isInstanceOf(EthApi.Reverted.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void atLeastOneAttemptIsRequired() {
        assertThatThrownBy(() -> new RetryingEthApi(failing(new AtomicInteger(), 0, null), QUICK, 0))
                .hasMessageContaining("attempts");
    }
}
