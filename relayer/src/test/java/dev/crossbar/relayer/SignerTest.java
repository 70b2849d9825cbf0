package dev.crossbar.relayer;

import dev.crossbar.core.chain.ChainClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.store.ChainTopology;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.SqliteMessageStore;
import dev.crossbar.store.TxRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The transaction manager of one key against a real node. */
class SignerTest {
    static Devnet devnet;
    static Vertx vertx;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("crossbar-signer-test");
        devnet = Devnet.start(DevnetConfig.forTests(dir.resolve("devnet")));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        devnet.close();
    }

    private Signer signer(MessageStore store, FeePolicy fees) {
        var l1 = devnet.l1();
        JsonRpcClient rpc = new JsonRpcClient(vertx, "l1", List.of(URI.create(l1.rpcUrl())));
        return new Signer(new ChainClient(l1.chainId(), "l1", rpc), DevKeys.RELAYER_2.credentials(), fees, store, 1,
                new RelayerMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void consecutiveSendsUseConsecutiveNoncesAndConfirm() throws Exception {
        try (MessageStore store = SqliteMessageStore.open(dir.resolve("a.db"), new ChainTopology(Map.of()))) {
            Signer s = signer(store, FeePolicy.defaults());
            s.reconcile();
            BigInteger first = s.nextNonce();
            List<TxRecord> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(s.submit(new Signer.Intent("TEST", null, DevKeys.USER.address(), "0x", BigInteger.ONE,
                        BigInteger.valueOf(21_000))));
            }
            assertThat(sent).extracting(TxRecord::nonce).containsExactly(first, first.add(BigInteger.ONE),
                    first.add(BigInteger.TWO), first.add(BigInteger.valueOf(3)), first.add(BigInteger.valueOf(4)));
            List<Signer.Outcome> done = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                done.addAll(s.poll());
                return done.size() == 5;
            });
            assertThat(done).allMatch(Signer.Outcome::succeeded);
        }
    }
}
