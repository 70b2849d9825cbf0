package dev.crossbar.devnet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a running devnet is: its chains with their endpoints and contract addresses, and its role keys
 * by reference (a key file path, never the key). Written to {@code <dataDir>/manifest.json}; the
 * services and the CLI read it.
 *
 * @param version format version of this file
 * @param l1 the settlement chain
 * @param l2s the rollups, each with the L1 contracts it settles through
 * @param keys role name to key reference
 * @param operatorAdminUrl where the devnet operator takes its misbehaviour switches, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DevnetManifest(
        int version,
        String createdAt,
        Chain l1,
        List<Chain> l2s,
        Map<String, KeyRef> keys,
        String operatorAdminUrl) {

    public static final int VERSION = 1;
    public static final String FILE_NAME = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One chain.
     *
     * @param contracts contract name to address on this chain
     * @param settlement for an L2: its contracts on the L1 and their parameters; null for the L1
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chain(String name, long chainId, String rpcUrl, String wsUrl, Map<String, String> contracts,
            Settlement settlement) {

        public String contract(String contractName) {
            String address = contracts.get(contractName);
            if (address == null) {
                throw new NoSuchElementException("chain " + name + " has no contract '" + contractName + "'");
            }
            return address;
        }
    }

    /** An L2's settlement on the L1: its oracle, portal and messenger, and the oracle's parameters. */
    public record Settlement(String outputOracle, String portal, String l1Messenger, long finalizationPeriodSeconds,
            long submissionInterval, long livenessTimeoutSeconds) {}

    /** A role's address and where its key is kept ({@code file:<path>}). */
    public record KeyRef(String address, String keyRef) {}

    public Chain l2(String name) {
        return l2s.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("devnet has no L2 named '" + name + "'"));
    }

    public Chain chain(long chainId) {
        if (l1.chainId() == chainId) {
            return l1;
        }
        return l2s.stream().filter(c -> c.chainId() == chainId).findFirst()
                .orElseThrow(() -> new NoSuchElementException("devnet has no chain with id " + chainId));
    }

    public DevnetManifest withOperatorAdminUrl(String url) {
        return new DevnetManifest(version, createdAt, l1, l2s, keys, url);
    }

    /** Writes the manifest atomically (a reader never sees half a file). */
    public void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, dataDir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    public static DevnetManifest read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            throw new IOException("no devnet manifest at " + file + ": is a devnet running with that data directory?");
        }
        DevnetManifest m = JSON.readValue(file.toFile(), DevnetManifest.class);
        if (m.version() != VERSION) {
            throw new IOException("devnet manifest " + file + " has version " + m.version() + ", expected " + VERSION);
        }
        return m;
    }
}
