package dev.crossbar.devnet;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.crossbar.devnet.faultproof.FaultProofDeployment;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a running devnet is: its chains with their endpoints and contract addresses, and its role keys
 * by reference (a key file path, never the key). Written to {@code <dataDir>/manifest.json}; the
 * services and the CLI read it.
 *
 * @param version format version of this file: 2 (fault-proof settlements); files of version 1 (output-oracle
 *     settlements only) still read
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

    public static final int VERSION = 2;
    /** The oldest format {@link #read} takes. */
    public static final int OLDEST_VERSION = 1;
    public static final String FILE_NAME = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One chain.
     *
     * @param contracts contract name to address on this chain
     * @param settlement for an L2 of an output-oracle devnet: its contracts on the L1 and their parameters; null
     *     for the L1 and on a fault-proof devnet
     * @param faultProofs for an L2 of a fault-proof devnet: its contracts on the L1 and their parameters; null
     *     otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Chain(String name, long chainId, String rpcUrl, String wsUrl, Map<String, String> contracts,
            Settlement settlement, FaultProofSettlement faultProofs) {

        /** A chain with no fault-proof settlement: the L1, or an L2 of an output-oracle devnet. */
        public Chain(String name, long chainId, String rpcUrl, String wsUrl, Map<String, String> contracts,
                Settlement settlement) {
            this(name, chainId, rpcUrl, wsUrl, contracts, settlement, null);
        }

        /** This chain at other endpoints (a restarted node). */
        public Chain at(String newRpcUrl, String newWsUrl) {
            return new Chain(name, chainId, newRpcUrl, newWsUrl, contracts, settlement, faultProofs);
        }

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

    /**
     * An L2's settlement through OP's fault-proof system (contracts-bedrock 0.17.3): every L1 contract by role, and
     * the parameters the contracts were built with. Proxies are named by their proxy address; {@code
     * implementations} names what is behind each.
     *
     * @param superchainConfig the pause switch shared by every L2 (guardian: the devnet's guardian key)
     * @param proxyAdmin admin of every proxy, owned by the deployer key
     * @param preimageOracle the PreimageOracle the AlphabetVM uses (shared)
     * @param alphabetVm the VM of the game implementations (shared)
     * @param gameImplementations game type (decimal) to the implementation the factory clones for it
     * @param implementations proxy role to the implementation behind that proxy
     * @param respectedGameType the game type the portal accepted proofs against at deployment (the guardian may
     *     change it on chain)
     * @param anchorRoot the starting anchor of every game type: the output root of L2 block 0
     * @param proposalInterval the operator's proposal interval, in L2 blocks
     * @param initBond what creating a game costs, in wei (the same for every type)
     * @param sequencingWindowSeconds how long (L1 time) after its L1 block a censored deposit is forced into the L2
     *     by the devnet's sequencer, with the deposits held behind it (0 in a manifest written before it existed:
     *     never)
     */
    public record FaultProofSettlement(String portal, String disputeGameFactory, String anchorStateRegistry,
            String delayedWeth, String systemConfig, String l1CrossDomainMessenger, String l1StandardBridge,
            String superchainConfig, String proxyAdmin, String preimageOracle, String alphabetVm,
            Map<String, String> gameImplementations, Map<String, String> implementations, int respectedGameType,
            String anchorRoot, long maxClockDurationSeconds, long clockExtensionSeconds, int maxGameDepth,
            int splitDepth, long proofMaturityDelaySeconds, long disputeGameFinalityDelaySeconds,
            long delayedWethDelaySeconds, BigInteger initBond, long proposalInterval, long sequencingWindowSeconds) {

        /** The section for one L2 of {@code deployment}, deployed with {@code params}. */
        public static FaultProofSettlement of(FaultProofDeployment deployment, long l2ChainId,
                FaultProofParams params, long proposalInterval) {
            FaultProofDeployment.Shared shared = deployment.shared();
            FaultProofDeployment.L2 l2 = deployment.l2(l2ChainId);
            Map<String, String> games = new LinkedHashMap<>();
            games.put(Integer.toString(FaultProofParams.ALPHABET), l2.faultDisputeGame());
            games.put(Integer.toString(FaultProofParams.PERMISSIONED), l2.permissionedDisputeGame());
            Map<String, String> impls = new LinkedHashMap<>();
            impls.put("portal", l2.portal().implementation());
            impls.put("disputeGameFactory", l2.disputeGameFactory().implementation());
            impls.put("anchorStateRegistry", l2.anchorStateRegistry().implementation());
            impls.put("delayedWeth", l2.delayedWeth().implementation());
            impls.put("systemConfig", l2.systemConfig().implementation());
            impls.put("l1CrossDomainMessenger", l2.l1CrossDomainMessenger().implementation());
            impls.put("l1StandardBridge", l2.l1StandardBridge().implementation());
            impls.put("superchainConfig", shared.superchainConfig().implementation());
            return new FaultProofSettlement(l2.portal().proxy(), l2.disputeGameFactory().proxy(),
                    l2.anchorStateRegistry().proxy(), l2.delayedWeth().proxy(), l2.systemConfig().proxy(),
                    l2.l1CrossDomainMessenger().proxy(), l2.l1StandardBridge().proxy(),
                    shared.superchainConfig().proxy(), shared.proxyAdmin(), shared.preimageOracle(),
                    shared.alphabetVm(), games, impls, l2.respectedGameType(), l2.anchorRoot(),
                    params.maxClockDuration().toSeconds(), params.clockExtension().toSeconds(), params.maxGameDepth(),
                    params.splitDepth(), params.proofMaturityDelay().toSeconds(),
                    params.disputeGameFinalityDelay().toSeconds(), params.delayedWethDelay().toSeconds(),
                    params.initBond(), proposalInterval, params.sequencingWindow().toSeconds());
        }

        /** How many L2 blocks past the anchor a game may claim: {@code 2^splitDepth}. */
        public long outputWindow() {
            return 1L << splitDepth;
        }
    }

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

    /** How the L2s settle: through fault proofs when any L2 has a fault-proof section. */
    @JsonIgnore
    public SettlementKind settlementKind() {
        return l2s.stream().anyMatch(c -> c.faultProofs() != null) ? SettlementKind.FAULT_PROOFS
                : SettlementKind.OUTPUT_ORACLE;
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
        if (m.version() < OLDEST_VERSION || m.version() > VERSION) {
            throw new IOException("devnet manifest " + file + " has version " + m.version() + ", expected "
                    + OLDEST_VERSION + " to " + VERSION);
        }
        return m;
    }
}
