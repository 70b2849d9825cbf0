package dev.crossbar.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.crossbar.app.config.ChainEntries;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Dev mode's configuration: a normal {@code crossbar.yaml} written from the devnet's manifest, which dev mode then
 * loads like any other file (so {@code crossbar config check --config <dir>/crossbar.yaml} and a service started on
 * it see exactly what dev mode runs). Chains with 0 confirmations (anvil reorgs only when told to) and heads polled
 * every 500 ms besides the subscriptions; the SQLite store in the data folder; keys by the manifest's {@code file:}
 * references (never the keys themselves). Each L2 settles as the devnet deployed it (dispute games or an output
 * oracle).
 */
public final class DevConfigFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /**
     * @param kafkaBootstrap the broker's address, or null to leave it to the environment
     * @param http where the HTTP API listens, or null for the default
     * @param instance the name the relayer and the monitor join their groups by (static members), or null
     * @param adminTokenFile a file holding the HTTP admin token (for the console's and the API's admin actions),
     *     or null: admin actions refused
     */
    public record Options(String kafkaBootstrap, String http, String instance, Path adminTokenFile) {
        public Options(String kafkaBootstrap, String http, String instance) {
            this(kafkaBootstrap, http, instance, null);
        }
    }

    private DevConfigFile() {}

    /** Writes the file to {@code dataDir/crossbar.yaml} and returns its path. */
    public static Path write(DevnetManifest manifest, Path dataDir, Options options) throws IOException {
        Path file = dataDir.resolve("crossbar.yaml");
        Files.createDirectories(dataDir);
        Files.writeString(file, "# written by `crossbar dev` from the devnet's manifest; rewritten at each start\n"
                + render(manifest, dataDir, options));
        return file;
    }

    /** The configuration as YAML text. */
    public static String render(DevnetManifest m, Path dataDir, Options options) {
        return yaml(tree(m, dataDir, options));
    }

    /** A configuration tree (maps, lists and strings) as YAML text. */
    public static String yaml(Map<String, Object> tree) {
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render dev mode's configuration", e);
        }
    }

    /** The configuration as a tree, for a caller that changes it before writing it ({@link #yaml}). */
    public static Map<String, Object> tree(DevnetManifest m, Path dataDir, Options options) {
        Map<String, Object> root = new LinkedHashMap<>();
        List<Object> chains = new ArrayList<>();
        for (ChainConfig c : DevnetChains.of(m, Confirmations.blocks(0), Duration.ofMillis(500))) {
            chains.add(chain(c));
        }
        root.put("chains", chains);
        root.put("store", Map.of("sqlite", Map.of("path", dataDir.resolve("store.db").toString())));
        if (options.kafkaBootstrap() != null) {
            root.put("kafka", Map.of("bootstrapServers", options.kafkaBootstrap()));
        }
        Map<String, Object> relayer = new LinkedHashMap<>();
        List<Object> signers = new ArrayList<>();
        for (DevnetManifest.Chain c : Stream.concat(Stream.of(m.l1()), m.l2s().stream()).toList()) {
            List<String> keys = Stream.of("relayer", "relayer-2").filter(m.keys()::containsKey)
                    .map(role -> m.keys().get(role).keyRef()).toList();
            signers.add(Map.of("chainId", c.chainId(), "keys", keys));
        }
        relayer.put("signers", signers);
        // The devnet's L2s have no supervisor and anvil's safe/finalized tags trail by epochs: OP Stack interop's
        // safety levels stand for block counts on its one-second blocks here.
        relayer.put("interop", Map.of("safety", "cross-unsafe", "levels", Map.of("unsafe", "0", "crossUnsafe", "1",
                "safe", "4", "finalized", "10")));
        Map<String, Object> monitor = new LinkedHashMap<>();
        monitor.put("challengerKey", m.keys().get("challenger").keyRef());
        monitor.put("guardianKey", m.keys().get("guardian").keyRef());
        if (m.keys().containsKey("monitor")) {
            monitor.put("reclaimerKey", m.keys().get("monitor").keyRef());
        }
        if (m.l2s().stream().anyMatch(l2 -> l2.faultProofs() != null)) {
            // the devnet's games run on OP's AlphabetVM: the monitor plays them
            monitor.put("alphabetGameTypes", m.l2s().stream().filter(l2 -> l2.faultProofs() != null)
                    .flatMap(l2 -> l2.faultProofs().gameImplementations().keySet().stream()).map(Integer::valueOf)
                    .distinct().sorted().toList());
            // The devnet's sequencer forces a censored deposit in after its sequencing window: the monitor must
            // see the censorship (and start forced withdrawals) well before, so its window is half of that one.
            m.l2s().stream().filter(l2 -> l2.faultProofs() != null)
                    .mapToLong(l2 -> l2.faultProofs().sequencingWindowSeconds()).filter(w -> w > 1).min()
                    .ifPresent(w -> monitor.put("depositInclusionWindow", (w / 2) + "s"));
        }
        if (options.instance() != null) {
            relayer.put("instanceId", "relayer-" + options.instance());
            monitor.put("instanceId", "monitor-" + options.instance());
        }
        root.put("relayer", relayer);
        root.put("monitor", monitor);
        Map<String, Object> http = new LinkedHashMap<>();
        if (options.http() != null) {
            http.put("address", options.http());
        }
        if (options.adminTokenFile() != null) {
            http.put("adminToken", "file:" + options.adminTokenFile());
        }
        if (!http.isEmpty()) {
            root.put("http", http);
        }
        return root;
    }

    private static Map<String, Object> chain(ChainConfig c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", c.name());
        o.put("chainId", c.chainId());
        o.put("role", c.role().name());
        o.put("rpc", c.rpc().stream().map(Object::toString).toList());
        o.put("ws", c.ws().stream().map(Object::toString).toList());
        o.put("confirmations", c.confirmations().toString());
        o.put("pollInterval", c.pollInterval().toMillis() + "ms");
        if (c.role() == ChainRole.L1) {
            o.put("settlements", c.settlements().stream().map(ChainEntries::settlement).toList());
        } else {
            o.put("settlesOn", c.settlesOn());
            o.put("contracts", ChainEntries.contracts(c.l2Contracts()));
        }
        return o;
    }
}
