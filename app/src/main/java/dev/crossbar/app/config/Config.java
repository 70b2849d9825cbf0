package dev.crossbar.app.config;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.monitor.MonitorSettings;
import dev.crossbar.relayer.RelayerSettings;
import dev.crossbar.store.ChainTopology;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The whole configuration of a Crossbar process: one immutable tree, loaded from one YAML file plus
 * environment overrides and validated once at start ({@link ConfigLoader}). The settings are declared once,
 * with their types, defaults and docs, next to the records below; {@code docs/configuration.md} is generated
 * from those declarations ({@code crossbar config docs}).
 */
public record Config(List<ChainConfig> chains, StoreSettings store, KafkaSettings kafka, RelayerSettings relayer,
        MonitorSettings monitor, SigningKeys keys, HttpSettings http, LogSettings log) {

    /** The schema: every section and setting, in the order of the docs. */
    static final Section SCHEMA = Section.mapping("", "The configuration file.", ChainSettings.SECTION,
            StoreSettings.SECTION, KafkaSettings.SECTION, RelayerSection.SECTION, MonitorSection.SECTION,
            HttpSettings.SECTION, LogSettings.SECTION);

    public Config {
        chains = List.copyOf(chains);
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(relayer, "relayer");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(keys, "keys");
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

    /** Reads the whole tree, then the rules across sections. */
    static Config read(SectionReader root, Function<String, String> env) {
        List<ChainConfig> chains = ChainSettings.read(root);
        boolean chainsKnown = !chains.isEmpty() && chains.stream().allMatch(Objects::nonNull);
        Set<Long> ids = chainsKnown ? chains.stream().map(ChainConfig::chainId).collect(Collectors.toCollection(
                java.util.TreeSet::new)) : null;
        Set<Long> l2s = chainsKnown ? chains.stream().filter(c -> c.role() == ChainRole.L2).map(ChainConfig::chainId)
                .collect(Collectors.toCollection(java.util.TreeSet::new)) : null;
        StoreSettings store = StoreSettings.read(root);
        KafkaSettings kafka = KafkaSettings.read(root);
        RelayerSection.Read relayer = RelayerSection.read(root, ids, env);
        HttpSettings http = HttpSettings.read(root);
        // Alerts link to the findings where this server answers: its address and its path prefix.
        String httpBase = http == null || http.address() == null || http.pathPrefix() == null ? null
                : http.address() + http.pathPrefix();
        MonitorSection.Read monitor = MonitorSection.read(root, l2s, ids, httpBase, env);
        LogSettings log = LogSettings.read(root);
        if (root.hasProblems()) {
            return null;
        }
        return new Config(chains, store, kafka, relayer.settings(), monitor.settings(), new SigningKeys(
                relayer.signers(), monitor.challenger(), monitor.guardian(), monitor.reclaimer(),
                monitor.exitAccounts()), http, log);
    }
}
