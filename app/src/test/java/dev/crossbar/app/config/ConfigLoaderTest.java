package dev.crossbar.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.store.StoreConfig;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Loading the configuration file: defaults, overrides, and errors that name the key and the problem. */
class ConfigLoaderTest {
    static final String ORACLE = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
    static final String PORTAL = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
    static final String MESSENGER = "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0";
    static final String FACTORY = "0xe5965ab5962edc7477c8520243a95517cd252fa9";
    static final String ANCHORS = "0x18dac71c228d1c32c99489b7323d441e1175e443";
    static final String SUPERCHAIN = "0x95703e0982140d16f8eba6d158fccede42f04a4c";
    static final String KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    /** An L1 (900) and an L2 (901) settling on it, and Kafka: the least a valid file needs. */
    static final String MINIMAL = """
            chains:
              - name: l1
                chainId: 900
                role: L1
                rpc: [http://127.0.0.1:8545]
                settlements:
                  - l2ChainId: 901
                    kind: outputOracle
                    outputOracle: "%s"
                    portal: "%s"
                    l1Messenger: "%s"
              - name: l2a
                chainId: 901
                role: L2
                rpc: [http://127.0.0.1:8546]
                settlesOn: 900
            kafka:
              bootstrapServers: 127.0.0.1:9092
            """.formatted(ORACLE, PORTAL, MESSENGER);

    static LoadedConfig load(String yaml) {
        return load(yaml, Map.of());
    }

    static LoadedConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.parse(yaml, "test.yaml", env);
    }

    static ConfigException problems(String yaml, Map<String, String> env) {
        try {
            load(yaml, env);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("the configuration was accepted");
    }

    static ConfigException problems(String yaml) {
        return problems(yaml, Map.of());
    }

    static List<String> messages(ConfigException e) {
        return e.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
    }

    @Test
    void aMinimalFileGetsEveryDefault() {
        Config c = load(MINIMAL).config();
        ChainConfig l1 = c.chain("l1").orElseThrow();
        ChainConfig l2 = c.chain(901).orElseThrow();
        assertThat(l1.role()).isEqualTo(ChainRole.L1);
        assertThat(l1.confirmations()).isEqualTo(Confirmations.blocks(2));
        assertThat(l1.pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(l1.maxBlockRange()).isEqualTo(2000);
        assertThat(l1.startBlock()).isZero();
        assertThat(l1.ws()).isEmpty();
        assertThat(l1.quorum()).as("ranges read from one endpoint").isEqualTo(1);
        assertThat(l1.settlements()).singleElement().satisfies(s -> {
            assertThat(s.l2ChainId()).isEqualTo(901);
            assertThat(s.portal()).isEqualTo(PORTAL);
        });
        assertThat(l2.settlesOn()).isEqualTo(900);
        assertThat(l2.l2Contracts().messagePasser()).isEqualTo(Predeploys.L2_TO_L1_MESSAGE_PASSER);
        assertThat(l2.l2Contracts().l2ToL2Messenger()).isEqualTo(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER);
        assertThat(l2.l2Contracts().depositExecutor()).isNull();
        assertThat(c.topology().l1Of(901)).isEqualTo(900);

        assertThat(c.store().storeConfig()).isEqualTo(StoreConfig.sqlite(java.nio.file.Path.of(".crossbar/store.db")));
        assertThat(c.kafka().topics().events().name()).isEqualTo("crossbar.events");
        assertThat(c.kafka().topics().control().partitions()).isEqualTo(1);
        assertThat(c.kafka().clientConfig(n -> null).bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.relayer().group()).isEqualTo("crossbar-relayer");
        assertThat(c.relayer().fees().maxFeeCap()).isEqualTo(BigInteger.valueOf(200_000_000_000L));
        assertThat(c.relayer().fees().priorityFee()).isEqualTo(BigInteger.valueOf(1_000_000_000L));
        assertThat(c.relayer().retry().max()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.relayer().retry().jitter()).isEqualTo(0.2);
        assertThat(c.relayer().batching().gasCap()).isEqualTo(8_000_000);
        assertThat(c.keys().challenger()).isNull();
        assertThat(c.monitor().challengeMargin()).isEqualTo(0.5);
        assertThat(c.monitor().chainDefaults().safeReorgDepth()).isEqualTo(16);
        assertThat(c.http().address()).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(c.http().adminToken()).isNull();
        assertThat(c.http().readToken()).as("the read API is open unless a token is configured").isNull();
        assertThat(c.http().pathPrefix()).as("served at /").isEmpty();
        assertThat(c.log()).isEqualTo(new LogSettings(LogSettings.Format.TEXT, LogSettings.Level.INFO));
    }

    @Test
    void anUnknownKeyIsAnErrorWithASuggestion() {
        ConfigException e = problems(MINIMAL.replace("    rpc: [http://127.0.0.1:8545]",
                "    rpc: [http://127.0.0.1:8545]\n    confirmation: 3") + "htp:\n  address: 127.0.0.1:9\n");
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("chains[0].confirmation: unknown key")
                .contains("did you mean 'confirmations'?"));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("htp: unknown key")
                .contains("did you mean 'http'?"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p.origin()).isEqualTo("line 6"));
    }

    @Test
    void aBadUrlNamesItsPath() {
        ConfigException e = problems(MINIMAL.replace("rpc: [http://127.0.0.1:8546]",
                "rpc: [http://127.0.0.1:8546, htp://x]"));
        assertThat(messages(e)).containsExactly("chains[1].rpc[1]: 'htp://x' is not an http(s) URL");
        assertThat(e.getMessage()).contains("chains[1].rpc[1]: 'htp://x' is not an http(s) URL (line 15)");
    }

    @Test
    void aBadDurationAmountAndNumberNameTheirPaths() {
        ConfigException e = problems(MINIMAL + """
                relayer:
                  fees: {maxFeeCap: 5 gwie, stuckAfter: 30 seconds, bumpPercent: 5}
                  retry: {jitter: 1}
                monitor:
                  challengeMargin: 1.5
                """);
        assertThat(messages(e)).containsExactlyInAnyOrder(
                "relayer.fees.maxFeeCap: '5 gwie' is not an amount (examples: 30gwei, 0.1ether, 1000wei)",
                "relayer.fees.stuckAfter: '30 seconds' is not a duration (examples: 500ms, 2s, 5m, 1h)",
                "relayer.fees.bumpPercent: '5' is out of range (10 to 1000)",
                "relayer.retry.jitter: '1.0' must be below 1 (a delay is never negative)",
                "monitor.challengeMargin: '1.5' is not a fraction between 0 and 1");
    }

    @Test
    void interopRulesAreReadPerRouteAndTheirMistakesNamed() {
        Config c = load(MINIMAL + """
                relayer:
                  interop:
                    safety: unsafe
                    levels: {crossUnsafe: 2, safe: 6}
                    routes: [{from: 901, to: 900, safety: safe}]
                    expiry: 2d
                """).config();
        var rules = c.relayer().interop();
        assertThat(rules.levelOf(900, 901)).isEqualTo(dev.crossbar.core.config.SafetyLevel.UNSAFE);
        assertThat(rules.levelOf(901, 900)).isEqualTo(dev.crossbar.core.config.SafetyLevel.SAFE);
        assertThat(rules.depthOf(901, 900)).isEqualTo(Confirmations.blocks(6));
        assertThat(rules.depths().get(dev.crossbar.core.config.SafetyLevel.FINALIZED))
                .isEqualTo(Confirmations.tag("finalized"));
        assertThat(rules.expiry()).isEqualTo(Duration.ofDays(2));
        assertThat(rules.expiryWarning()).isEqualTo(Duration.ofDays(1));
        assertThat(load(MINIMAL).config().relayer().interop().levelOf(900, 901))
                .as("the default level").isEqualTo(dev.crossbar.core.config.SafetyLevel.CROSS_UNSAFE);

        ConfigException e = problems(MINIMAL + """
                relayer:
                  interop:
                    safety: soft
                    routes: [{from: 901, to: 999, safety: safe}, {from: 901, to: 999, safety: unsafe}]
                    expiry: 1h
                    expiryWarning: 2h
                """);
        assertThat(messages(e)).containsExactlyInAnyOrder(
                "relayer.interop.safety: 'soft' is not one of unsafe | cross-unsafe | safe | finalized",
                "relayer.interop.routes[0].to: 999 is not a configured chain ([900, 901])",
                "relayer.interop.routes[1].to: 999 is not a configured chain ([900, 901])",
                "relayer.interop.routes[1].from: the route 901 -> 999 is listed twice",
                "relayer.interop.expiryWarning: 2h is not shorter than expiry (1h)");
    }

    @Test
    void aMissingRequiredSettingIsNamed() {
        ConfigException e = problems(MINIMAL.replace("    chainId: 901\n", "").replace("kafka:\n  bootstrapServers: "
                + "127.0.0.1:9092\n", ""));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("chains[1].chainId: required but not set"));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("kafka.bootstrapServers: required but not set"));
        assertThat(messages(problems("kafka: {bootstrapServers: 'k:9092'}\n"))).singleElement().asString()
                .startsWith("chains: required but not set");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = problems(MINIMAL.replace("chainId: 900", "chainId: nine hundred")
                .replace("role: L2", "role: L3") + "log: {format: xml}\n");
        assertThat(messages(e)).containsExactlyInAnyOrder(
                "chains[0].chainId: 'nine hundred' is not a chain id",
                "chains[1].role: 'L3' is not one of L1 | L2",
                "log.format: 'xml' is not one of text | json");
        assertThat(e.getMessage()).startsWith("configuration test.yaml has 3 problems:");
    }

    @Test
    void aRawPrivateKeyIsRefusedWithoutBeingEchoed() {
        ConfigException e = problems(MINIMAL + """
                relayer:
                  signers:
                    - chainId: 901
                      keys: ["%s"]
                monitor:
                  challengerKey: %s
                store:
                  postgres: {password: hunter2}
                something:
                  key: %s
                """.formatted(KEY, KEY, KEY));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("relayer.signers[0].keys[0]: a secret is "
                + "written as a reference, never as its value: use {file: /path}, {env: NAME}"));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("monitor.challengerKey: a secret is written"));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("store.postgres.password: a secret is written"));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("something: unknown key"));
        assertThat(e.getMessage()).doesNotContain(KEY.substring(2, 20)).doesNotContain("hunter2");
    }

    @Test
    void watchedAccountsForForcedWithdrawalsAreKeyReferencesNeverKeys() {
        Config c = load(MINIMAL + """
                monitor:
                  exits:
                    accounts: [{env: EXIT_KEY_1}, {file: /run/secrets/exit-2}]
                """).config();
        assertThat(c.keys().exitAccounts()).containsExactly(new SecretRef.FromEnv("EXIT_KEY_1"),
                new SecretRef.FromFile(java.nio.file.Path.of("/run/secrets/exit-2")));
        assertThat(load(MINIMAL).config().keys().exitAccounts()).isEmpty();

        ConfigException e = problems(MINIMAL + """
                monitor:
                  exits:
                    accounts: ["%s"]
                """.formatted(KEY));
        assertThat(messages(e)).anySatisfy(m -> assertThat(m).startsWith("monitor.exits.accounts[0]: a secret is"
                + " written as a reference, never as its value"));
        assertThat(e.getMessage()).doesNotContain(KEY.substring(2, 20));
    }

    @Test
    void aPrivateKeyInAnyPlainSettingIsRefusedWithoutBeingEchoed() {
        ConfigException e = problems(MINIMAL.replace("name: l2a", "name: \"" + KEY + "\""));
        assertThat(messages(e)).singleElement().asString().startsWith("chains[1].name: looks like a private key");
        assertThat(e.getMessage()).doesNotContain(KEY.substring(2, 20));
    }

    @Test
    void secretReferencesAreReadInEveryForm() {
        Config c = load(MINIMAL + """
                relayer:
                  signers:
                    - chainId: 901
                      keys: [{file: /run/secrets/relayer}, "env:RELAYER_KEY", {keystore: /k.json, passwordEnv: PW}]
                http:
                  adminToken: {env: ADMIN_TOKEN}
                """).config();
        assertThat(c.keys().relayer().getFirst().keys()).containsExactly(
                new SecretRef.FromFile(java.nio.file.Path.of("/run/secrets/relayer")),
                new SecretRef.FromEnv("RELAYER_KEY"),
                new SecretRef.FromKeystore(java.nio.file.Path.of("/k.json"), "PW"));
        assertThat(c.http().adminToken()).hasToString("{env: ADMIN_TOKEN}");
        assertThat(messages(problems(MINIMAL + "http:\n  adminToken: {keystore: /k.json}\n"))).containsExactly(
                "http.adminToken: a keystore needs passwordEnv (the environment variable holding its password)");
        assertThat(messages(problems(MINIMAL + "http:\n  adminToken: {file: /a, env: B}\n"))).singleElement()
                .asString().startsWith("http.adminToken: a secret reference names exactly one of file, env or keystore");
    }

    @Test
    void anEnvironmentOverrideIsAppliedAndValidated() {
        String postgres = MINIMAL + "store:\n  backend: postgres\n  postgres: {jdbcUrl: 'jdbc:postgresql://db/a', user: u}\n";
        Config c = load(postgres, Map.of(
                "CROSSBAR_STORE_POSTGRES_JDBCURL", "jdbc:postgresql://other:5432/crossbar",
                "CROSSBAR_CHAINS_1_RPC_0", "http://override:8546",
                "CROSSBAR_CHAINS_1_RPC_1", "http://second:8546",
                "CROSSBAR_CHAINS_0_CONFIRMATIONS", "finalized",
                "CROSSBAR_RELAYER_FEES_MAX_FEE_CAP", "0.5ether",
                "CROSSBAR_HTTP_ADMIN_TOKEN_ENV", "MY_TOKEN",
                "CROSSBAR_HTTP_READ_TOKEN", "env:MY_READ_TOKEN",
                "CROSSBAR_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SSL",
                "CROSSBAR_RELAYER_BATCHING_MULTICALL_901", "0xcA11bde05977b3631167028862bE2a173976CA11")).config();
        assertThat(c.store().storeConfig().jdbcUrl()).isEqualTo("jdbc:postgresql://other:5432/crossbar");
        assertThat(c.chain("l2a").orElseThrow().rpc()).containsExactly(URI.create("http://override:8546"),
                URI.create("http://second:8546"));
        assertThat(c.chain("l1").orElseThrow().confirmations()).isEqualTo(Confirmations.tag("finalized"));
        assertThat(c.relayer().fees().maxFeeCap()).isEqualTo(BigInteger.TEN.pow(18).divide(BigInteger.TWO));
        assertThat(c.http().adminToken()).isEqualTo(new SecretRef.FromEnv("MY_TOKEN"));
        assertThat(c.http().readToken()).isEqualTo(new SecretRef.FromEnv("MY_READ_TOKEN"));
        assertThat(c.kafka().properties().plain()).containsEntry("security.protocol", "SSL");
        assertThat(c.relayer().batching().multicall()).containsEntry(901L, "0xca11bde05977b3631167028862be2a173976ca11");

        // The camelCase spelling with underscores works as well, and an override is checked like the file.
        assertThat(load(postgres, Map.of("CROSSBAR_STORE_POSTGRES_JDBC_URL", "jdbc:postgresql://x/y")).config()
                .store().storeConfig().jdbcUrl()).isEqualTo("jdbc:postgresql://x/y");
        ConfigException e = problems(MINIMAL, Map.of("CROSSBAR_CHAINS_0_RPC_0", "htp://x"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("chains[0].rpc[0]");
            assertThat(p.message()).isEqualTo("'htp://x' is not an http(s) URL");
            assertThat(p.origin()).isEqualTo("CROSSBAR_CHAINS_0_RPC_0");
        });
    }

    @Test
    void anEnvironmentVariableNamingNoSettingIsAnErrorButOthersAreLeftAlone() {
        ConfigException e = problems(MINIMAL, Map.of("CROSSBAR_HTTP_ADRESS", "0.0.0.0:80",
                "CROSSBAR_CHAINS_5_NAME", "x", "CROSSBAR_URL", "http://elsewhere", "CROSSBAR_TEST_KAFKA_BOOTSTRAP", "k:1",
                "CROSSBAR_READ_TOKEN", "the CLI's token, not a setting"));
        assertThat(messages(e)).containsExactlyInAnyOrder(
                "CROSSBAR_HTTP_ADRESS: no setting http.adress (did you mean http.address?); known here: address, "
                        + "adminToken, readToken, pathPrefix",
                "CROSSBAR_CHAINS_5_NAME: index 5 skips entries (chains has 2)");
    }

    @Test
    void anEnvironmentVariableCanAddAWholeChain() {
        Config c = load(MINIMAL.replace("      - l2ChainId: 901", "      - l2ChainId: 902\n        kind: outputOracle\n"
                + "        outputOracle: \""
                + ORACLE + "\"\n        portal: \"" + PORTAL + "\"\n        l1Messenger: \"" + MESSENGER + "\"\n"
                + "      - l2ChainId: 901"), Map.of(
                "CROSSBAR_CHAINS_2_NAME", "l2b", "CROSSBAR_CHAINS_2_CHAIN_ID", "902", "CROSSBAR_CHAINS_2_ROLE", "L2",
                "CROSSBAR_CHAINS_2_RPC", "http://a:1,http://b:2", "CROSSBAR_CHAINS_2_SETTLES_ON", "900")).config();
        assertThat(c.chain("l2b").orElseThrow().rpc()).hasSize(2);
    }

    @Test
    void everySignerNeedsAKeyPerSlot() {
        assertThat(messages(problems(MINIMAL + """
                relayer:
                  signerSlots: 2
                  signers: [{chainId: 901, keys: ["env:K1"]}, {chainId: 900, keys: ["env:K2", "env:K3"]}]
                """))).containsExactly("relayer.signers[0].keys: 1 key, fewer than relayer.signerSlots (2)");
        assertThat(messages(problems(MINIMAL + "relayer: {signers: [{chainId: 77, keys: [\"env:K\"]}]}\n")))
                .containsExactly("relayer.signers[0].chainId: 77 is not a configured chain ([900, 901])");
    }

    @Test
    void aQuorumNeedsAsManyEndpoints() {
        String two = MINIMAL.replace("rpc: [http://127.0.0.1:8546]",
                "rpc: [http://127.0.0.1:8546, http://127.0.0.1:9546]\n    quorum: 2");
        assertThat(load(two).config().chain("l2a").orElseThrow().quorum()).isEqualTo(2);
        assertThat(messages(problems(MINIMAL.replace("rpc: [http://127.0.0.1:8546]",
                "rpc: [http://127.0.0.1:8546]\n    quorum: 2")))).containsExactly(
                "chains[1]: chain l2a: quorum must be between 1 and the number of rpc endpoints (1), was 2");
    }

    @Test
    void chainsMustFormOneTopology() {
        assertThat(messages(problems(MINIMAL.replace("settlesOn: 900", "settlesOn: 999")))).containsExactlyInAnyOrder(
                "chains[1].settlesOn: 999 is not the id of a configured L1",
                "chains[0].settlements: l2ChainId 901 is not a configured L2 settling on this chain");
        assertThat(messages(problems(MINIMAL.replace("l2ChainId: 901", "l2ChainId: 903")))).containsExactlyInAnyOrder(
                "chains[0].settlements: has no entry for L2 l2a (l2ChainId 901), which settles on this chain",
                "chains[0].settlements: l2ChainId 903 is not a configured L2 settling on this chain");
        assertThat(messages(problems(MINIMAL.replace("name: l2a", "name: l1")))).containsExactly(
                "chains[1].name: 'l1' is already the name of chains[0]");
        assertThat(messages(problems(MINIMAL.replace("role: L1", "role: L2\n    settlesOn: 901")))).contains(
                "chains[0].settlements: does not apply to an L2");
    }

    /** MINIMAL with its settlement replaced by a dispute-game one, plus {@code extra} lines in it. */
    static String disputeGames(String extra) {
        return MINIMAL.replace("        kind: outputOracle\n        outputOracle: \"" + ORACLE + "\"\n",
                "        kind: disputeGames\n        disputeGameFactory: \"" + FACTORY + "\"\n"
                        + "        anchorStateRegistry: \"" + ANCHORS + "\"\n        superchainConfig: \"" + SUPERCHAIN
                        + "\"\n" + extra);
    }

    @Test
    void aDisputeGameSettlementHasItsFactoryRegistryAndSuperchainConfig() {
        Config c = load(disputeGames("")).config();
        assertThat(c.chain("l1").orElseThrow().settlements()).singleElement().isEqualTo(Settlement.disputeGames(901,
                PORTAL, MESSENGER, FACTORY, ANCHORS, SUPERCHAIN));
        assertThat(load(MINIMAL).config().chain("l1").orElseThrow().settlements()).singleElement().isEqualTo(
                new Settlement(901, ORACLE, PORTAL, MESSENGER));
        assertThat(load(disputeGames("")).effectiveYaml()).contains("kind: disputeGames",
                "disputeGameFactory: " + FACTORY).doesNotContain("outputOracle:");
    }

    @Test
    void aSettlementTakesTheKeysOfItsKindAndNoOther() {
        assertThat(messages(problems(MINIMAL.replace("        kind: outputOracle\n", "")))).containsExactly(
                "chains[0].settlements[0].kind: required but not set (how the L2 settles: disputeGames (OP's fault "
                        + "proofs: OptimismPortal2 and a DisputeGameFactory, every OP Stack chain of the Superchain "
                        + "today) or outputOracle (the Bedrock v1 L2OutputOracle, legacy chains))");
        assertThat(messages(problems(MINIMAL.replace("kind: outputOracle", "kind: faultProofs")))).containsExactly(
                "chains[0].settlements[0].kind: 'faultProofs' is not one of disputeGames | outputOracle");
        assertThat(messages(problems(disputeGames("        outputOracle: \"" + ORACLE + "\"\n")
                .replace("        anchorStateRegistry: \"" + ANCHORS + "\"\n", "")))).containsExactlyInAnyOrder(
                "chains[0].settlements[0].outputOracle: does not apply to kind disputeGames",
                "chains[0].settlements[0].anchorStateRegistry: required for kind disputeGames");
        assertThat(messages(problems(MINIMAL.replace("        outputOracle: \"" + ORACLE + "\"\n", "        "
                + "disputeGameFactory: \"" + FACTORY + "\"\n        superchainConfig: \"" + SUPERCHAIN + "\"\n"))))
                .containsExactlyInAnyOrder(
                        "chains[0].settlements[0].outputOracle: required for kind outputOracle",
                        "chains[0].settlements[0].disputeGameFactory: does not apply to kind outputOracle",
                        "chains[0].settlements[0].superchainConfig: does not apply to kind outputOracle");
    }

    @Test
    void anL2WithoutAnL2ToL2MessengerSaysNone() {
        LoadedConfig loaded = load(MINIMAL.replace("    settlesOn: 900\n", "    settlesOn: 900\n"
                + "    contracts: {l2ToL2Messenger: none}\n"));
        assertThat(loaded.config().chain("l2a").orElseThrow().l2Contracts().l2ToL2Messenger()).isNull();
        assertThat(loaded.effectiveYaml()).contains("l2ToL2Messenger: none");
        assertThat(ConfigLoader.parse(loaded.effectiveYaml(), "again", Map.of()).config()).isEqualTo(loaded.config());
        assertThat(messages(problems(MINIMAL.replace("    settlesOn: 900\n", "    settlesOn: 900\n"
                + "    contracts: {l2ToL2Messenger: nothing}\n")))).containsExactly(
                "chains[1].contracts.l2ToL2Messenger: 'nothing' is not an address (0x and 40 hex digits)");
    }

    @Test
    void postgresNeedsItsUrlAndUserAndNoPasswordInTheUrl() {
        assertThat(messages(problems(MINIMAL + "store: {backend: postgres}\n"))).containsExactlyInAnyOrder(
                "store.postgres.jdbcUrl: required for the postgres backend",
                "store.postgres.user: required for the postgres backend");
        assertThat(messages(problems(MINIMAL + "store:\n  backend: postgres\n  postgres: {user: u, jdbcUrl: "
                + "'jdbc:postgresql://db/x?password=secret'}\n"))).singleElement().asString()
                .startsWith("store.postgres.jdbcUrl: carries a password").doesNotContain("secret'");
    }

    @Test
    void aKafkaPropertyHoldingASecretMustBeAReference() {
        ConfigException e = problems(MINIMAL.replace("bootstrapServers: 127.0.0.1:9092", """
                bootstrapServers: 127.0.0.1:9092
                  properties:
                    sasl.jaas.config: "org.apache.kafka...PlainLoginModule required password=hunter2;"
                """.stripTrailing()));
        assertThat(messages(e)).singleElement().asString().startsWith("kafka.properties.sasl.jaas.config: a secret is "
                + "written as a reference");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void aKeyWrittenTwiceAndBrokenYamlAreErrors() {
        assertThat(messages(problems(MINIMAL + "http: {address: 'a:1'}\nhttp: {address: 'b:2'}\n"))).containsExactly(
                "http: is written twice");
        assertThat(problems("chains: [\n").getMessage()).contains("(file): not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.load(java.nio.file.Path.of("/nonexistent/crossbar.yaml"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("(file): does not exist");
    }

    @Test
    void aPathPrefixIsReadFromTheFileOrTheEnvironmentAndTheAlertLinkFollowsIt() {
        Config c = load(MINIMAL + "http:\n  address: 10.0.0.7:8080\n  pathPrefix: /ops/crossbar-1.x_~\n").config();
        assertThat(c.http().pathPrefix()).isEqualTo("/ops/crossbar-1.x_~");
        assertThat(c.monitor().alerts().generatorUrl()).as("alerts link to the findings under the prefix")
                .isEqualTo(URI.create("http://10.0.0.7:8080/ops/crossbar-1.x_~/api/findings"));
        assertThat(load(MINIMAL + "http:\n  pathPrefix: \"\"\n").config().http().pathPrefix()).as("empty: none")
                .isEmpty();
        assertThat(load(MINIMAL).config().monitor().alerts().generatorUrl())
                .isEqualTo(URI.create("http://127.0.0.1:8080/api/findings"));
        assertThat(load(MINIMAL, Map.of("CROSSBAR_HTTP_PATH_PREFIX", "/crossbar")).config().http().pathPrefix())
                .isEqualTo("/crossbar");
        LoadedConfig loaded = load(MINIMAL + "http:\n  pathPrefix: /crossbar\n");
        assertThat(loaded.effectiveYaml()).contains("pathPrefix: /crossbar");
        assertThat(ConfigLoader.parse(loaded.effectiveYaml(), "again", Map.of()).config()).isEqualTo(loaded.config());
    }

    @Test
    void aBadPathPrefixIsRefusedNamingTheKeyAndTheCause() {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("crossbar", "'crossbar' does not start with '/' (e.g. /crossbar)");
        bad.put("/", "'/' is the root: leave the prefix empty to serve at /");
        bad.put("/crossbar/", "'/crossbar/' ends with '/': write it without the trailing slash (/crossbar; the"
                + " console is then served at /crossbar/)");
        bad.put("/ops/../admin", "'/ops/../admin' contains '..'");
        bad.put("/a..b", "'/a..b' contains '..'");
        bad.put("/ops//crossbar", "'/ops//crossbar' has an empty segment ('//')");
        bad.put("/ops/./crossbar", "'/ops/./crossbar' has a '.' segment");
        String allowed = " (allowed: letters, digits, '-', '.', '_', '~', and '/' between segments)";
        bad.put("'/cross bar'", "'/cross bar' has a character a path prefix cannot hold: U+0020" + allowed);
        bad.put("/:id", "'/:id' has a character a path prefix cannot hold: ':'" + allowed);
        bad.put("/api/*", "'/api/*' has a character a path prefix cannot hold: '*'" + allowed);
        bad.put("/a?b=1", "'/a?b=1' has a character a path prefix cannot hold: '?'" + allowed);
        bad.put("/%2e%2e", "'/%2e%2e' has a character a path prefix cannot hold: '%'" + allowed);
        bad.put("/crossbär", "'/crossbär' has a character a path prefix cannot hold: 'ä'" + allowed);
        bad.forEach((value, cause) -> assertThat(messages(problems(MINIMAL + "http:\n  pathPrefix: " + value + "\n")))
                .as(value).containsExactly("http.pathPrefix: " + cause));
        assertThat(messages(problems(MINIMAL, Map.of("CROSSBAR_HTTP_PATH_PREFIX", "crossbar/")))).as("from the"
                + " environment").containsExactly("http.pathPrefix: 'crossbar/' does not start with '/' (e.g."
                        + " /crossbar)");
    }

    @Test
    void theEffectiveConfigurationShowsDefaultsAndOnlyReferences() {
        LoadedConfig loaded = load(MINIMAL + "http:\n  adminToken: {file: /run/secrets/token}\n");
        String yaml = loaded.effectiveYaml();
        assertThat(yaml).contains("confirmations: 2", "pollInterval: 2s", "maxFeeCap: 200gwei", "name: crossbar.events",
                "file: /run/secrets/token", "messagePasser: " + Predeploys.L2_TO_L1_MESSAGE_PASSER);
        assertThat(ConfigLoader.parse(yaml, "again", Map.of())
                .config()).as("the effective configuration loads as it is").isEqualTo(loaded.config());
    }
}
