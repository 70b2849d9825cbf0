package dev.crossbar.app.config;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.store.ChainTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The whole configuration of a Crossbar process: one immutable tree, loaded from one YAML file plus
 * environment overrides and validated once at start ({@link ConfigLoader}). The settings are declared once,
 * with their types, defaults and docs, next to the records below; {@code docs/configuration.md} is generated
 * from those declarations ({@code crossbar config docs}).
 */
public record Config(List<ChainConfig> chains, StoreSettings store, KafkaSettings kafka, RelayerSettings relayer,
        MonitorSettings monitor, HttpSettings http, LogSettings log) {

    /** The schema: every section and setting, in the order of the docs. */
    static final Section SCHEMA = Section.mapping("", "The configuration file.", ChainSettings.SECTION,
            StoreSettings.SECTION, KafkaSettings.SECTION, RelayerSettings.SECTION, MonitorSettings.SECTION,
            HttpSettings.SECTION, LogSettings.SECTION);

    public Config {
        chains = List.copyOf(chains);
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(relayer, "relayer");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(log, "log");
    }

    /**
     * Loads {@code file} with the process environment's overrides.
     *
     * @throws ConfigException listing every problem, each with its key path
     */
    public static Config load(Path file) {
        return ConfigLoader.load(file, System.getenv()).config();
    }

    /**
     * The dev-mode configuration of a running devnet: its chains (0 confirmations: anvil reorgs only when told
     * to; heads polled every 500ms besides the subscriptions), the SQLite store under {@code dataDir}, the
     * relayer's and the monitor's keys by the manifest's {@code file:} references. Kafka's bootstrap servers are
     * left unset until dev mode's broker runs ({@link #withKafkaBootstrap}). Environment overrides apply, as
     * for a file.
     */
    public static Config fromDevnet(DevnetManifest manifest, Path dataDir) {
        return loadDevnet(manifest, dataDir, System.getenv()).config();
    }

    /** {@link #fromDevnet} with its effective settings (e.g. to write them to a file), environment given. */
    public static LoadedConfig loadDevnet(DevnetManifest manifest, Path dataDir, Map<String, String> env) {
        return ConfigLoader.read(DevnetTree.of(manifest, dataDir), "devnet manifest", env, ConfigLoader.Mode.DEV);
    }

    /** Which L1 each L2 settles on, as the store needs it. */
    public ChainTopology topology() {
        Map<Long, Long> settlement = new HashMap<>();
        chains.stream().filter(c -> c.role() == ChainRole.L2).forEach(c -> settlement.put(c.chainId(), c.settlesOn()));
        return new ChainTopology(settlement, relayer.signerSlots());
    }

    public Optional<ChainConfig> chain(long chainId) {
        return chains.stream().filter(c -> c.chainId() == chainId).findFirst();
    }

    /** The chain called {@code nameOrId} (its name, or its chain id in decimal). */
    public Optional<ChainConfig> chain(String nameOrId) {
        return chains.stream().filter(c -> c.name().equals(nameOrId) || Long.toString(c.chainId()).equals(nameOrId))
                .findFirst();
    }

    public Config withKafkaBootstrap(String bootstrapServers) {
        return new Config(chains, store, kafka.withBootstrapServers(bootstrapServers), relayer, monitor, http, log);
    }

    public Config withHttp(HttpSettings newHttp) {
        return new Config(chains, store, kafka, relayer, monitor, newHttp, log);
    }

    public Config withStore(StoreSettings newStore) {
        return new Config(chains, newStore, kafka, relayer, monitor, http, log);
    }

    /** Reads the whole tree, then the rules across sections. */
    static Config read(SectionReader root, ConfigLoader.Mode mode) {
        List<ChainConfig> chains = ChainSettings.read(root);
        boolean chainsKnown = !chains.isEmpty() && chains.stream().allMatch(Objects::nonNull);
        Set<Long> ids = chainsKnown ? chains.stream().map(ChainConfig::chainId).collect(Collectors.toCollection(
                java.util.TreeSet::new)) : null;
        Set<Long> l2s = chainsKnown ? chains.stream().filter(c -> c.role() == ChainRole.L2).map(ChainConfig::chainId)
                .collect(Collectors.toCollection(java.util.TreeSet::new)) : null;
        StoreSettings store = StoreSettings.read(root);
        KafkaSettings kafka = KafkaSettings.read(root, mode == ConfigLoader.Mode.SERVICE);
        RelayerSettings relayer = RelayerSettings.read(root, ids);
        MonitorSettings monitor = MonitorSettings.read(root, l2s, ids);
        HttpSettings http = HttpSettings.read(root);
        LogSettings log = LogSettings.read(root);
        if (root.hasProblems()) {
            return null;
        }
        return new Config(chains, store, kafka, relayer, monitor, http, log);
    }

    /** The devnet's chains and keys as a configuration tree, read like a file. */
    private static final class DevnetTree {
        static ConfigNode.Obj of(DevnetManifest m, Path dataDir) {
            ConfigNode.Obj root = obj();
            ConfigNode.Arr chains = new ConfigNode.Arr("devnet manifest");
            for (ChainConfig c : DevnetChains.of(m, Confirmations.blocks(0), Duration.ofMillis(500))) {
                chains.items().add(chain(c));
            }
            root.fields().put("chains", chains);
            ConfigNode.Obj store = obj();
            ConfigNode.Obj sqlite = obj();
            sqlite.fields().put("path", scalar(dataDir.resolve("store.db").toString()));
            store.fields().put("sqlite", sqlite);
            root.fields().put("store", store);

            ConfigNode.Obj relayer = obj();
            ConfigNode.Arr signers = new ConfigNode.Arr("devnet manifest");
            for (DevnetManifest.Chain c : allChains(m)) {
                ConfigNode.Obj signer = obj();
                signer.fields().put("chainId", scalar(Long.toString(c.chainId())));
                ConfigNode.Arr keys = new ConfigNode.Arr("devnet manifest");
                for (String role : List.of("relayer", "relayer-2")) {
                    if (m.keys().containsKey(role)) {
                        keys.items().add(scalar(m.keys().get(role).keyRef()));
                    }
                }
                signer.fields().put("keys", keys);
                signers.items().add(signer);
            }
            relayer.fields().put("signers", signers);
            root.fields().put("relayer", relayer);

            ConfigNode.Obj monitor = obj();
            monitor.fields().put("challengerKey", scalar(m.keys().get("challenger").keyRef()));
            monitor.fields().put("guardianKey", scalar(m.keys().get("guardian").keyRef()));
            if (m.keys().containsKey("monitor")) {
                monitor.fields().put("reclaimerKey", scalar(m.keys().get("monitor").keyRef()));
            }
            root.fields().put("monitor", monitor);
            return root;
        }

        private static List<DevnetManifest.Chain> allChains(DevnetManifest m) {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of(m.l1()), m.l2s().stream()).toList();
        }

        private static ConfigNode.Obj chain(ChainConfig c) {
            ConfigNode.Obj o = obj();
            o.fields().put("name", scalar(c.name()));
            o.fields().put("chainId", scalar(Long.toString(c.chainId())));
            o.fields().put("role", scalar(c.role().name()));
            o.fields().put("rpc", list(c.rpc().stream().map(Object::toString).toList()));
            o.fields().put("ws", list(c.ws().stream().map(Object::toString).toList()));
            o.fields().put("confirmations", scalar(c.confirmations().toString()));
            o.fields().put("pollInterval", scalar(c.pollInterval().toMillis() + "ms"));
            if (c.role() == ChainRole.L1) {
                ConfigNode.Arr settlements = new ConfigNode.Arr("devnet manifest");
                c.settlements().forEach(s -> {
                    ConfigNode.Obj so = obj();
                    so.fields().put("l2ChainId", scalar(Long.toString(s.l2ChainId())));
                    so.fields().put("outputOracle", scalar(s.outputOracle()));
                    so.fields().put("portal", scalar(s.portal()));
                    so.fields().put("l1Messenger", scalar(s.l1Messenger()));
                    settlements.items().add(so);
                });
                o.fields().put("settlements", settlements);
            } else {
                o.fields().put("settlesOn", scalar(Long.toString(c.settlesOn())));
                ConfigNode.Obj contracts = obj();
                contracts.fields().put("messagePasser", scalar(c.l2Contracts().messagePasser()));
                contracts.fields().put("l2Messenger", scalar(c.l2Contracts().l2Messenger()));
                contracts.fields().put("l2ToL2Messenger", scalar(c.l2Contracts().l2ToL2Messenger()));
                if (c.l2Contracts().depositExecutor() != null) {
                    contracts.fields().put("depositExecutor", scalar(c.l2Contracts().depositExecutor()));
                }
                o.fields().put("contracts", contracts);
            }
            return o;
        }

        private static ConfigNode.Obj obj() {
            return new ConfigNode.Obj("devnet manifest");
        }

        private static ConfigNode.Scalar scalar(String text) {
            return new ConfigNode.Scalar(text, "devnet manifest");
        }

        private static ConfigNode.Arr list(List<String> items) {
            ConfigNode.Arr a = new ConfigNode.Arr("devnet manifest");
            items.forEach(i -> a.items().add(scalar(i)));
            return a;
        }
    }
}
