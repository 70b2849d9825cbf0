package dev.crossbar.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.DevConfigFile;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.store.StoreConfig;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Dev mode's configuration file is written from the devnet's manifest (keys by the manifest's file references) and
 * read by the normal loader.
 */
class DevConfigFileTest {
    static final String ORACLE = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    static final String PORTAL = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    static final String MESSENGER = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
    static final String FACTORY = "0xe5965ab5962edc7477c8520243a95517cd252fa9";
    static final String ANCHORS = "0x18dac71c228d1c32c99489b7323d441e1175e443";
    static final String SUPERCHAIN = "0x95703e0982140d16f8eba6d158fccede42f04a4c";

    static DevnetManifest manifest() {
        Map<String, String> l2Contracts = new LinkedHashMap<>();
        l2Contracts.put("l2ToL1MessagePasser", "0x4200000000000000000000000000000000000016");
        l2Contracts.put("l2CrossDomainMessenger", "0x4200000000000000000000000000000000000007");
        l2Contracts.put("l2ToL2CrossDomainMessenger", "0x4200000000000000000000000000000000000023");
        l2Contracts.put("depositExecutor", "0x42000000000000000000000000000000000000d0");
        var settlement = new DevnetManifest.Settlement(ORACLE, PORTAL,
                MESSENGER, 3600, 1, 7200);
        return new DevnetManifest(DevnetManifest.VERSION, "now",
                new DevnetManifest.Chain("l1", 900, "http://127.0.0.1:8545", "ws://127.0.0.1:8545", Map.of(), null),
                List.of(new DevnetManifest.Chain("l2a", 901, "http://127.0.0.1:8546", "ws://127.0.0.1:8546",
                        l2Contracts, settlement)),
                Map.of("relayer", new DevnetManifest.KeyRef("0xabc", "file:/dev/keys/relayer.key"),
                        "relayer-2", new DevnetManifest.KeyRef("0xdef", "file:/dev/keys/relayer-2.key"),
                        "challenger", new DevnetManifest.KeyRef("0x123", "file:/dev/keys/challenger.key"),
                        "guardian", new DevnetManifest.KeyRef("0x456", "file:/dev/keys/guardian.key")),
                null);
    }

    @Test
    void theDevModeConfigurationFollowsTheManifest() {
        String yaml = DevConfigFile.render(manifest(), Path.of("/data/dev"), new DevConfigFile.Options(
                "127.0.0.1:39092", "127.0.0.1:0", "crossbar-dev"));
        assertThat(yaml).doesNotContain("0xabc", "0xdef").contains("file:/dev/keys/relayer.key");
        Config c = ConfigLoader.parse(yaml, "dev", Map.of()).config();
        assertThat(c.chains()).extracting(ch -> ch.name() + ":" + ch.role()).containsExactly("l1:L1", "l2a:L2");
        assertThat(c.chain("l1").orElseThrow().settlements()).singleElement()
                .satisfies(s -> assertThat(s.outputOracle()).isEqualTo(ORACLE));
        assertThat(c.chain("l2a").orElseThrow().l2Contracts().depositExecutor())
                .isEqualTo("0x42000000000000000000000000000000000000d0");
        assertThat(c.chain("l2a").orElseThrow().confirmations()).isEqualTo(Confirmations.blocks(0));
        assertThat(c.chain("l2a").orElseThrow().role()).isEqualTo(ChainRole.L2);
        assertThat(c.store().storeConfig()).isEqualTo(StoreConfig.sqlite(Path.of("/data/dev/store.db")));
        assertThat(c.keys().relayer()).hasSize(2).allSatisfy(s -> assertThat(s.keys()).containsExactly(
                new SecretRef.FromFile(Path.of("/dev/keys/relayer.key")),
                new SecretRef.FromFile(Path.of("/dev/keys/relayer-2.key"))));
        assertThat(c.keys().challenger()).isEqualTo(new SecretRef.FromFile(Path.of("/dev/keys/challenger.key")));
        assertThat(c.keys().guardian()).isEqualTo(new SecretRef.FromFile(Path.of("/dev/keys/guardian.key")));
        assertThat(c.kafka().bootstrapServers()).isEqualTo("127.0.0.1:39092");
        assertThat(c.relayer().instanceId()).isEqualTo("relayer-crossbar-dev");
        assertThat(c.relayer().interop().depthOf(901, 902))
                .as("cross-unsafe is a block on the devnet").isEqualTo(Confirmations.blocks(1));
        assertThat(c.relayer().interop().depths().get(dev.crossbar.core.config.SafetyLevel.SAFE))
                .as("anvil's safe tag trails by epochs: a block count stands for it").isEqualTo(Confirmations.blocks(4));
        assertThat(c.monitor().instanceId()).isEqualTo("monitor-crossbar-dev");
        assertThat(c.monitor().alerts().generatorUrl()).hasToString("http://127.0.0.1:0/api/findings");
    }

    /** A fault-proof devnet's manifest: its L2 has OP's predeploys only and a fault-proof section. */
    static DevnetManifest faultProofManifest() {
        DevnetManifest m = manifest();
        Map<String, String> l2Contracts = new LinkedHashMap<>();
        l2Contracts.put("l2CrossDomainMessenger", "0x4200000000000000000000000000000000000007");
        l2Contracts.put("l2ToL1MessagePasser", "0x4200000000000000000000000000000000000016");
        l2Contracts.put("l1Block", "0x4200000000000000000000000000000000000015");
        var faultProofs = new DevnetManifest.FaultProofSettlement(PORTAL, FACTORY, ANCHORS,
                "0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000a2", MESSENGER,
                "0x00000000000000000000000000000000000000a3", SUPERCHAIN, "0x00000000000000000000000000000000000000a4",
                "0x00000000000000000000000000000000000000a5", "0x00000000000000000000000000000000000000a6", Map.of(),
                Map.of(), 255, "0x" + "00".repeat(32), 1200, 60, 8, 4, 30, 10, 60, BigInteger.TEN, 4, 60);
        DevnetManifest.Chain l2 = m.l2s().getFirst();
        return new DevnetManifest(m.version(), m.createdAt(), m.l1(), List.of(new DevnetManifest.Chain(l2.name(),
                l2.chainId(), l2.rpcUrl(), l2.wsUrl(), l2Contracts, null, faultProofs)), m.keys(), null);
    }

    @Test
    void aFaultProofDevnetsL2sSettleThroughDisputeGamesAndHaveNoL2ToL2Messenger() {
        DevnetManifest m = faultProofManifest();
        String yaml = DevConfigFile.render(m, Path.of("/data/dev"), new DevConfigFile.Options("127.0.0.1:39092", null,
                null));
        assertThat(yaml).contains("kind: disputeGames", "l2ToL2Messenger: none").doesNotContain("outputOracle");
        Config c = ConfigLoader.parse(yaml, "dev", Map.of()).config();
        assertThat(c.chain("l1").orElseThrow().settlements()).singleElement().isEqualTo(Settlement.disputeGames(901,
                PORTAL, MESSENGER, FACTORY, ANCHORS, SUPERCHAIN));
        assertThat(c.chain("l2a").orElseThrow().l2Contracts()).isEqualTo(new ChainConfig.L2Contracts(
                Predeploys.L2_TO_L1_MESSAGE_PASSER, Predeploys.L2_CROSS_DOMAIN_MESSENGER, null, null));
    }

    @Test
    void onAFaultProofDevnetTheMonitorSeesCensorshipBeforeTheSequencingWindowForcesTheDepositIn() {
        DevnetManifest m = faultProofManifest();
        long window = m.l2s().getFirst().faultProofs().sequencingWindowSeconds();
        Config c = ConfigLoader.parse(DevConfigFile.render(m, Path.of("/data/dev"), new DevConfigFile.Options(
                "127.0.0.1:39092", null, null)), "dev", Map.of()).config();
        assertThat(c.monitor().checks(901).depositInclusionWindow()).isLessThan(Duration.ofSeconds(window))
                .isEqualTo(Duration.ofSeconds(window / 2));
    }

    @Test
    void theFileLoadsIntoTheChainsTheDevnetDescribes() {
        for (DevnetManifest m : List.of(manifest(), faultProofManifest())) {
            String yaml = DevConfigFile.render(m, Path.of("/data/dev"), new DevConfigFile.Options("127.0.0.1:39092",
                    null, null));
            assertThat(ConfigLoader.parse(yaml, "dev", Map.of()).config().chains()).isEqualTo(DevnetChains.of(m,
                    Confirmations.blocks(0), Duration.ofMillis(500)));
        }
    }

    @Test
    void environmentOverridesApplyInDevModeToo() {
        String yaml = DevConfigFile.render(manifest(), Path.of("/data/dev"), new DevConfigFile.Options(
                "127.0.0.1:39092", "127.0.0.1:8080", null));
        Config c = ConfigLoader.parse(yaml, "dev", Map.of("CROSSBAR_HTTP_ADDRESS", "127.0.0.1:0")).config();
        assertThat(c.http().address()).isEqualTo(new HostPort("127.0.0.1", 0));
    }

    @Test
    void theAdminTokenIsReferencedByItsFileNeverWrittenIntoTheConfiguration(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dev.crossbar.app.DevData.adminToken(dir);
        String token = java.nio.file.Files.readString(file).trim();
        assertThat(token).matches("[0-9a-f]{48}");
        assertThat(dev.crossbar.app.DevData.adminToken(dir)).as("kept between runs").isEqualTo(file);
        assertThat(java.nio.file.Files.readString(file).trim()).isEqualTo(token);
        assertThat(java.nio.file.Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String yaml = DevConfigFile.render(manifest(), dir, new DevConfigFile.Options("127.0.0.1:39092",
                "127.0.0.1:8080", null, file));
        assertThat(yaml).contains("file:" + file).doesNotContain(token);
        Config c = ConfigLoader.parse(yaml, "dev", Map.of()).config();
        assertThat(new String(c.http().adminToken().resolve(k -> null))).isEqualTo(token);
    }
}
