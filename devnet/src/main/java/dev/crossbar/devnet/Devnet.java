package dev.crossbar.devnet;

import dev.crossbar.core.process.FolderLock;
import dev.crossbar.devnet.faultproof.FaultProofDeployer;
import dev.crossbar.devnet.faultproof.FaultProofDeployment;
import dev.crossbar.devnet.faultproof.OpPredeploys;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.utils.Numeric;

/**
 * A running devnet: one L1 and the configured L2s as anvil nodes, with the protocol deployed and a
 * manifest written. {@link #close()} stops every node; nothing is left running.
 */
public final class Devnet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Devnet.class);

    private final DevnetConfig config;
    private final List<AnvilNode> nodes;
    private final DevChain l1;
    private final List<DevChain> l2s;
    private volatile DevnetManifest manifest;
    private FolderLock lock;

    private Devnet(DevnetConfig config, List<AnvilNode> nodes, DevChain l1, List<DevChain> l2s,
            DevnetManifest manifest) {
        this.config = config;
        this.nodes = nodes;
        this.l1 = l1;
        this.l2s = l2s;
        this.manifest = manifest;
    }

    /**
     * Starts the nodes, deploys the protocol and writes the manifest and key files; or, for a persistent devnet
     * whose folder holds the chains of an earlier run, starts the nodes on those chains and keeps their contracts.
     */
    public static Devnet start(DevnetConfig config) throws IOException {
        Files.createDirectories(config.dataDir());
        FolderLock lock = config.detached() ? lock(config.dataDir()) : null;
        try {
            Devnet devnet = startLocked(config);
            devnet.lock = lock;
            return devnet;
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
    }

    /**
     * Stops the detached nodes a crashed launcher left running in {@code dataDir} (they save their state files
     * first) and deletes their descriptors; refused while a launcher runs on that folder.
     *
     * @return the nodes that were stopped
     */
    public static List<AnvilNode.Descriptor> stopLeftovers(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return List.of();
        }
        try (FolderLock ignored = lock(dataDir)) {
            return AnvilNode.stopLeftovers(dataDir);
        }
    }

    /**
     * One launcher per devnet folder whose nodes are detached ({@code <dataDir>/devnet.lock}), so that a second
     * launcher on the same folder neither reattaches to nor stops the first one's nodes; the lock goes with the
     * launcher, crash included, which is when its nodes may be reattached or stopped as leftovers.
     *
     * @throws IOException naming the folder when another launcher holds it
     */
    private static FolderLock lock(Path dataDir) throws IOException {
        Path file = dataDir.resolve("devnet.lock");
        return FolderLock.tryAcquire(file).orElseThrow(() -> new IOException("another devnet launcher is running on "
                + dataDir.toAbsolutePath() + " (it holds " + file + "): stop it first, or use another data folder"));
    }

    private static Devnet startLocked(DevnetConfig config) throws IOException {
        List<AnvilNode> nodes = new ArrayList<>();
        List<DevChain> chains = new ArrayList<>();
        // Detached nodes of an earlier run that crashed: reattach to them when the chains are to be continued,
        // stop them otherwise.
        Map<String, AnvilNode> running = new LinkedHashMap<>();
        if (config.detached() && config.persistent()) {
            for (String name : nodeNames(config)) {
                AnvilNode.reattach(name, chainId(config, name), config.dataDir()).ifPresent(n -> running.put(name, n));
            }
        }
        DevnetManifest previous = config.persistent() ? resumable(config, running.keySet()) : null;
        if (previous == null) {
            running.values().forEach(AnvilNode::close);
            running.clear();
            AnvilNode.stopLeftovers(config.dataDir());
        }
        if (config.persistent() && previous == null) {
            for (String name : nodeNames(config)) {
                Files.deleteIfExists(stateFile(config, name));
            }
        }
        try {
            // Deploy on automining nodes (a block per transaction: fast), then switch to the configured block
            // time. Sub-second block times cannot be set on a running node, so those start with it.
            int port = config.basePort();
            List<String> names = nodeNames(config);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                AnvilNode alive = running.remove(name);
                if (alive != null) {
                    nodes.add(alive);
                    continue;
                }
                int p = port == 0 ? 0 : port + i;
                Duration blockTime = startBlockTime(i == 0 ? config.l1BlockTime() : config.l2BlockTime());
                Path state = config.persistent() ? stateFile(config, name) : null;
                AnvilNode.Network network = i == 0 ? AnvilNode.Network.ETHEREUM : config.l2Network();
                nodes.add(config.detached()
                        ? AnvilNode.startDetached(name, chainId(config, name), p, blockTime, config.dataDir(), state,
                                network)
                        : AnvilNode.start(name, chainId(config, name), p, blockTime, config.dataDir(), state,
                                network));
            }
            for (AnvilNode n : nodes) {
                chains.add(new DevChain(n.name(), n.chainId(), n.rpcUrl().toString(), n.wsUrl().toString()));
            }
            DevnetManifest manifest = previous == null ? deploy(config, chains) : reattach(previous, chains, nodes);
            setIntervalMining(chains.getFirst(), config.l1BlockTime());
            for (DevChain l2 : chains.subList(1, chains.size())) {
                setIntervalMining(l2, config.l2BlockTime());
            }
            manifest.write(config.dataDir());
            log.info("devnet started dataDir={} l1={} l2s={}", config.dataDir(), nodes.getFirst().rpcUrl(),
                    nodes.subList(1, nodes.size()).stream().map(AnvilNode::rpcUrl).toList());
            return new Devnet(config, nodes, chains.getFirst(), List.copyOf(chains.subList(1, chains.size())),
                    manifest);
        } catch (Exception e) {
            chains.forEach(DevChain::close);
            nodes.forEach(AnvilNode::close);
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException("devnet deployment failed: " + e.getMessage(), e);
        }
    }

    private static List<String> nodeNames(DevnetConfig config) {
        List<String> names = new ArrayList<>(List.of("l1"));
        for (int i = 0; i < config.l2ChainIds().size(); i++) {
            names.add(DevnetConfig.l2Name(i));
        }
        return names;
    }

    private static long chainId(DevnetConfig config, String name) {
        int i = nodeNames(config).indexOf(name);
        return i == 0 ? config.l1ChainId() : config.l2ChainIds().get(i - 1);
    }

    private static Path stateFile(DevnetConfig config, String name) {
        return config.dataDir().resolve(name + ".state.json");
    }

    /**
     * The manifest of an earlier run whose chains can be continued (each from its running node or its state file,
     * settled the same way), or null.
     */
    private static DevnetManifest resumable(DevnetConfig config, java.util.Set<String> running) {
        try {
            DevnetManifest m = DevnetManifest.read(config.dataDir());
            boolean sameChains = m.l1().chainId() == config.l1ChainId()
                    && m.l2s().stream().map(DevnetManifest.Chain::chainId).toList().equals(config.l2ChainIds());
            boolean statesThere = nodeNames(config).stream()
                    .allMatch(n -> running.contains(n) || Files.exists(stateFile(config, n)));
            boolean sameSettlement = m.settlementKind() == config.settlement();
            return sameChains && statesThere && sameSettlement ? m : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The earlier run's manifest with the restarted nodes' endpoints. */
    private static DevnetManifest reattach(DevnetManifest m, List<DevChain> chains, List<AnvilNode> nodes) {
        java.util.function.Function<DevnetManifest.Chain, DevnetManifest.Chain> moved = c -> {
            DevChain now = chains.stream().filter(d -> d.chainId() == c.chainId()).findFirst().orElseThrow();
            return c.at(now.rpcUrl(), now.wsUrl());
        };
        List<String> reattached = nodes.stream().filter(AnvilNode::reattached).map(AnvilNode::name).toList();
        List<String> reloaded = nodes.stream().filter(n -> !n.reattached()).map(AnvilNode::name).toList();
        if (reloaded.isEmpty()) {
            log.info("devnet resumed: reattached to its running nodes {}: l1 at block {}", reattached,
                    safeBlock(chains.getFirst()));
        } else {
            log.info("devnet resumed from its state files {}{}: l1 at block {}", reloaded,
                    reattached.isEmpty() ? "" : " and its running nodes " + reattached, safeBlock(chains.getFirst()));
        }
        // Written back in the current format: a version-1 file has no fault-proof sections, which version 2 allows.
        return new DevnetManifest(DevnetManifest.VERSION, m.createdAt(), moved.apply(m.l1()),
                m.l2s().stream().map(moved).toList(), m.keys(), null);
    }

    private static String safeBlock(DevChain c) {
        try {
            return c.blockNumber().toString();
        } catch (IOException e) {
            return "?";
        }
    }

    private static Duration startBlockTime(Duration blockTime) {
        return wholeSeconds(blockTime) ? Duration.ZERO : blockTime;
    }

    private static boolean wholeSeconds(Duration d) {
        return d.toMillis() % 1000 == 0;
    }

    private static void setIntervalMining(DevChain chain, Duration blockTime) throws IOException {
        if (!blockTime.isZero() && wholeSeconds(blockTime)) {
            chain.anvil().setAutomine(false);
            chain.anvil().setIntervalMining(blockTime.toSeconds());
        }
    }

    private static DevnetManifest deploy(DevnetConfig config, List<DevChain> chains) throws Exception {
        if (config.settlement() == SettlementKind.FAULT_PROOFS) {
            return deployFaultProofs(config, chains);
        }
        DevnetDeployer deployer = new DevnetDeployer(config);
        DevChain l1 = chains.getFirst();
        DevnetManifest.Chain l1Entry = new DevnetManifest.Chain(l1.name(), l1.chainId(), l1.rpcUrl(), l1.wsUrl(),
                deployer.deployCommon(l1), null);
        List<DevnetManifest.Chain> l2Entries = new ArrayList<>();
        for (DevChain l2 : chains.subList(1, chains.size())) {
            EthBlock.Block genesis = l2.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                    .getBlock();
            // The oracle wants its starting timestamp not after the L1's time: nodes started a second apart
            // may disagree by that second.
            long l1Time = l1.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
                    .getTimestamp().longValueExact();
            DevnetManifest.Settlement settlement = deployer.deploySettlement(l1, genesis.getNumber().longValueExact(),
                    Math.min(genesis.getTimestamp().longValueExact(), l1Time));
            Map<String, String> contracts = new LinkedHashMap<>(deployer.deployPredeploys(l2, settlement));
            contracts.putAll(deployer.deployCommon(l2));
            l2Entries.add(new DevnetManifest.Chain(l2.name(), l2.chainId(), l2.rpcUrl(), l2.wsUrl(), contracts,
                    settlement));
        }
        return new DevnetManifest(DevnetManifest.VERSION, Instant.now().toString(), l1Entry, l2Entries,
                writeKeyFiles(config.dataDir()), null);
    }

    /**
     * OP's fault-proof contracts ({@link FaultProofDeployer}) with the OP predeploys on each L2, then the common
     * contracts on every chain. The predeploys go first: anvil applies them to the state of the L2's latest block,
     * which must be block 0 (the games' anchor) and must hold nothing else.
     */
    private static DevnetManifest deployFaultProofs(DevnetConfig config, List<DevChain> chains) throws Exception {
        DevnetDeployer deployer = new DevnetDeployer(config);
        DevChain l1 = chains.getFirst();
        List<DevChain> l2s = chains.subList(1, chains.size());
        FaultProofDeployment deployment = FaultProofDeployer.deploy(l1, l2s, config.faultProofs());
        Map<String, String> l1Contracts = new LinkedHashMap<>(deployer.deployCommon(l1));
        l1Contracts.put("proxyAdmin", deployment.shared().proxyAdmin());
        l1Contracts.put("superchainConfig", deployment.shared().superchainConfig().proxy());
        l1Contracts.put("preimageOracle", deployment.shared().preimageOracle());
        l1Contracts.put("alphabetVm", deployment.shared().alphabetVm());
        DevnetManifest.Chain l1Entry = new DevnetManifest.Chain(l1.name(), l1.chainId(), l1.rpcUrl(), l1.wsUrl(),
                l1Contracts, null);
        List<DevnetManifest.Chain> l2Entries = new ArrayList<>();
        for (DevChain l2 : l2s) {
            Map<String, String> contracts = new LinkedHashMap<>();
            for (OpPredeploys.Predeploy d : OpPredeploys.INSTALLED) {
                contracts.put(Character.toLowerCase(d.contract().charAt(0)) + d.contract().substring(1), d.address());
            }
            contracts.putAll(InteropPredeploys.CONTRACTS);
            contracts.putAll(deployer.deployCommon(l2));
            l2Entries.add(new DevnetManifest.Chain(l2.name(), l2.chainId(), l2.rpcUrl(), l2.wsUrl(), contracts, null,
                    DevnetManifest.FaultProofSettlement.of(deployment, l2.chainId(), config.faultProofs(),
                            config.submissionInterval())));
        }
        return new DevnetManifest(DevnetManifest.VERSION, Instant.now().toString(), l1Entry, l2Entries,
                writeKeyFiles(config.dataDir()), null);
    }

    /** Writes each role's key to {@code keys/<role>.key}, readable by the owner only. */
    private static Map<String, DevnetManifest.KeyRef> writeKeyFiles(Path dataDir) throws IOException {
        Path dir = dataDir.resolve("keys").toAbsolutePath();
        Files.createDirectories(dir);
        Map<String, DevnetManifest.KeyRef> refs = new LinkedHashMap<>();
        for (DevKeys key : DevKeys.values()) {
            Path file = dir.resolve(key.roleName() + ".key");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Numeric.toHexStringWithPrefixZeroPadded(
                    key.credentials().getEcKeyPair().getPrivateKey(), 64) + "\n");
            refs.put(key.roleName(), new DevnetManifest.KeyRef(key.address(), "file:" + file));
        }
        return refs;
    }

    public DevnetConfig config() {
        return config;
    }

    public DevnetManifest manifest() {
        return manifest;
    }

    /** Records where the operator listens, in memory and in the manifest file. */
    public void publishOperatorAdmin(String url) throws IOException {
        manifest = manifest.withOperatorAdminUrl(url);
        manifest.write(config.dataDir());
    }

    public DevChain l1() {
        return l1;
    }

    public List<DevChain> l2s() {
        return l2s;
    }

    public DevChain l2(int index) {
        return l2s.get(index);
    }

    public List<AnvilNode> nodes() {
        return nodes;
    }

    /** Where {@link #revert} takes the chains back to: a snapshot id per node and its next block's base fee. */
    public record Snapshot(List<String> ids, List<BigInteger> nextBaseFees) {}

    /** Takes a snapshot of every chain (for tests that reuse one devnet with a clean chain each). */
    public Snapshot snapshot() throws IOException {
        List<String> ids = new ArrayList<>();
        List<BigInteger> fees = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            // eth_feeHistory gives the base fee of the block after the newest too
            fees.add(chain(i).web3j().ethFeeHistory(1, DefaultBlockParameterName.LATEST, List.of()).send()
                    .getFeeHistory().getBaseFeePerGas().getLast());
            ids.add(nodes.get(i).snapshot());
        }
        return new Snapshot(List.copyOf(ids), List.copyOf(fees));
    }

    /**
     * Puts every chain back to {@code snapshot} as a devnet at that moment was: its blocks and state, its clock
     * (anvil's revert sets it back to the snapshot's block and lets it run from there, so the chains' time since the
     * snapshot is what a fresh devnet's would be; it is behind the wall clock by the snapshot's age), and what anvil's
     * revert keeps put right: nothing pending, the next block's base fee and the configured mining (but a sub-second
     * block time, which only a node's start sets). The snapshot is used up: take a new one to come back again.
     */
    public void revert(Snapshot snapshot) throws IOException {
        for (int i = 0; i < nodes.size(); i++) {
            AnvilNode node = nodes.get(i);
            DevChain chain = chain(i);
            node.revert(snapshot.ids().get(i));
            node.call("anvil_dropAllTransactions", "[]");
            chain.anvil().setNextBlockBaseFeePerGas(snapshot.nextBaseFees().get(i));
            Duration blockTime = i == 0 ? config.l1BlockTime() : config.l2BlockTime();
            if (blockTime.isZero()) {
                chain.anvil().setAutomine(true);
            } else {
                setIntervalMining(chain, blockTime);
            }
        }
    }

    private DevChain chain(int nodeIndex) {
        return nodeIndex == 0 ? l1 : l2s.get(nodeIndex - 1);
    }

    @Override
    public void close() {
        l1.close();
        l2s.forEach(DevChain::close);
        nodes.forEach(AnvilNode::close);
        if (lock != null) {
            lock.close();
        }
        log.info("devnet stopped dataDir={}", config.dataDir());
    }
}
