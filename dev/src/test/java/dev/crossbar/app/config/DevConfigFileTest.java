package dev.crossbar.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.app.DevConfigFile;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.store.StoreConfig;
import java.nio.file.Path;
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
        assertThat(c.monitor().instanceId()).isEqualTo("monitor-crossbar-dev");
        assertThat(c.monitor().alerts().generatorUrl()).hasToString("http://127.0.0.1:0/api/findings");
    }

    @Test
    void environmentOverridesApplyInDevModeToo() {
        String yaml = DevConfigFile.render(manifest(), Path.of("/data/dev"), new DevConfigFile.Options(
                "127.0.0.1:39092", "127.0.0.1:8080", null));
        Config c = ConfigLoader.parse(yaml, "dev", Map.of("CROSSBAR_HTTP_ADDRESS", "127.0.0.1:0")).config();
        assertThat(c.http().address()).isEqualTo(new HostPort("127.0.0.1", 0));
    }
}
