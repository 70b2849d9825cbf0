package dev.crossbar.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.Main;
import dev.crossbar.app.config.ConfigProblem;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.testkit.TempDirs;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settlements of the configuration checked on a real fault-proof devnet (one for the class: l2a and l2b settle
 * through OP's contracts as deployed from contracts-bedrock): what the devnet deployed passes; an account without code,
 * a DisputeGameFactory given as the portal, and a respected game type the factory has no game for are refused with the
 * key path and the reason; an L1 that does not answer is not checked.
 */
class SettlementCheckTest {
    static Path dataDir;
    static Devnet devnet;
    static Vertx vertx;
    static EthApi l1;
    static List<ChainConfig> chains;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        dataDir = TempDirs.create("settlement-check-test");
        devnet = Devnet.start(DevnetConfig.forTests(dataDir).withSettlement(SettlementKind.FAULT_PROOFS));
        vertx = Vertx.vertx();
        chains = DevnetChains.of(devnet.manifest(), Confirmations.blocks(0), Duration.ofSeconds(1));
        l1 = EthApi.connect(vertx, chains.getFirst());
    }

    @AfterAll
    static void stop() throws Exception {
        if (l1 != null) {
            l1.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (devnet != null) {
            devnet.close();
        }
        TempDirs.delete(dataDir);
    }

    static List<String> problems(List<Settlement> settlements) {
        List<ChainConfig> changed = new ArrayList<>(chains);
        ChainConfig c = chains.getFirst();
        changed.set(0, new ChainConfig(c.name(), c.chainId(), c.role(), c.rpc(), c.ws(), c.confirmations(),
                c.startBlock(), c.pollInterval(), c.maxBlockRange(), settlements, c.l2Contracts(), c.settlesOn()));
        return SettlementCheck.problems(changed, id -> l1).stream().map(ConfigProblem::toString).toList();
    }

    static Settlement withPortal(Settlement s, String portal) {
        return Settlement.disputeGames(s.l2ChainId(), portal, s.l1Messenger(), s.disputeGameFactory(),
                s.anchorStateRegistry(), s.superchainConfig());
    }

    @Test
    void theContractsTheDevnetDeployedPass() {
        assertThat(chains.getFirst().settlements()).hasSize(2).allSatisfy(s -> assertThat(s.disputeGames()).isTrue());
        assertThat(problems(chains.getFirst().settlements())).isEmpty();
    }

    @Test
    void anAccountWithoutCodeOrAFactoryAsThePortalIsRefusedWithTheKeyAndTheReason() {
        List<Settlement> deployed = chains.getFirst().settlements();
        Settlement a = deployed.get(0);
        Settlement b = deployed.get(1);
        String eoa = DevKeys.RELAYER.address().toLowerCase();
        String factoryVersion = ProtocolViews.view(FaultProofViews.factory(l1, b.disputeGameFactory(),
                ProtocolViews.LATEST).version());
        assertThat(problems(List.of(withPortal(a, eoa), withPortal(b, b.disputeGameFactory())))).containsExactly(
                "chains[0].settlements[0].portal: no contract at " + eoa + " on chain l1",
                "chains[0].settlements[1].portal: OptimismPortal2 version " + factoryVersion + " is not one the "
                        + "relayer knows (3.10.0)");
        // The contracts of the other settlement, and an output oracle without code.
        assertThat(problems(List.of(Settlement.disputeGames(a.l2ChainId(), a.portal(), a.l1Messenger(),
                b.disputeGameFactory(), a.anchorStateRegistry(), a.superchainConfig()),
                new Settlement(b.l2ChainId(), eoa, b.portal(), b.l1Messenger())))).containsExactly(
                "chains[0].settlements[0].disputeGameFactory: the portal's DisputeGameFactory is "
                        + a.disputeGameFactory().toLowerCase() + ", not " + b.disputeGameFactory(),
                "chains[0].settlements[1].outputOracle: no contract at " + eoa + " on chain l1");
    }

    @Test
    void aRespectedGameTypeTheFactoryHasNoGameForIsRefused() throws Exception {
        Settlement b = chains.getFirst().settlements().get(1);
        DevChain chain = devnet.l1();
        OptimismPortal2 portal = OptimismPortal2.load(b.portal(), chain.web3j(),
                chain.txManager(DevKeys.GUARDIAN.credentials()), DevChain.GAS);
        BigInteger respected = portal.respectedGameType().send();
        portal.setRespectedGameType(BigInteger.valueOf(42)).send();
        try {
            assertThat(problems(chains.getFirst().settlements())).containsExactly(
                    "chains[0].settlements[1].disputeGameFactory: DisputeGameFactory has no implementation for the "
                            + "respected game type 42");
        } finally {
            portal.setRespectedGameType(respected).send();
        }
    }

    @Test
    void anL1ThatDoesNotAnswerIsNotChecked() {
        ChainConfig c = chains.getFirst();
        ChainConfig silent = new ChainConfig(c.name(), c.chainId(), c.role(), List.of(URI.create(
                "http://127.0.0.1:1")), List.of(), c.confirmations(), 0, c.pollInterval(), 2000,
                List.of(withPortal(c.settlements().getFirst(), DevKeys.RELAYER.address())), null, null);
        try (EthApi down = EthApi.connect(vertx, silent, Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            assertThat(SettlementCheck.problems(List.of(silent), id -> down)).isEmpty();
        }
    }

    @Test
    void theServicesDoNotStartAndExitWithTheConfigurationErrorCode() throws Exception {
        DevnetManifest m = devnet.manifest();
        DevnetManifest.FaultProofSettlement a = m.l2s().get(0).faultProofs();
        DevnetManifest.FaultProofSettlement b = m.l2s().get(1).faultProofs();
        Path file = dir.resolve("crossbar.yaml");
        Files.writeString(file, """
                chains:
                  - name: l1
                    chainId: 900
                    role: L1
                    rpc: [%s]
                    settlements:
                      - {l2ChainId: 901, kind: disputeGames, portal: "%s", l1Messenger: "%s", disputeGameFactory: "%s",
                         anchorStateRegistry: "%s", superchainConfig: "%s"}
                      - {l2ChainId: 902, kind: disputeGames, portal: "%s", l1Messenger: "%s", disputeGameFactory: "%s",
                         anchorStateRegistry: "%s", superchainConfig: "%s"}
                  - {name: l2a, chainId: 901, role: L2, rpc: [%s], settlesOn: 900, contracts: {l2ToL2Messenger: none}}
                  - {name: l2b, chainId: 902, role: L2, rpc: [%s], settlesOn: 900, contracts: {l2ToL2Messenger: none}}
                store: {sqlite: {path: "%s"}}
                kafka: {bootstrapServers: "127.0.0.1:9"}
                http: {address: "127.0.0.1:0"}
                """.formatted(m.l1().rpcUrl(), a.portal(), a.l1CrossDomainMessenger(), a.disputeGameFactory(),
                a.anchorStateRegistry(), a.superchainConfig(), DevKeys.RELAYER.address(), b.l1CrossDomainMessenger(),
                b.disputeGameFactory(), b.anchorStateRegistry(), b.superchainConfig(), m.l2s().get(0).rpcUrl(),
                m.l2s().get(1).rpcUrl(), dir.resolve("store.db")));
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true)).execute("watcher", "--config", file.toString());
        assertThat(code).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("crossbar: the configuration: chains[0].settlements[1].portal: no "
                + "contract at " + DevKeys.RELAYER.address().toLowerCase() + " on chain l1" + System.lineSeparator());
        assertThat(dir.resolve("store.db")).as("nothing was started").doesNotExist();
    }
}
