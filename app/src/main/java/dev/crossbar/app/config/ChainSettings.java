package dev.crossbar.app.config;

import static dev.crossbar.app.config.Types.ADDRESS;
import static dev.crossbar.app.config.Types.CHAIN_ID;
import static dev.crossbar.app.config.ValueType.listOf;

import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.ChainRole;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.config.Settlement;
import dev.crossbar.core.config.SettlementKind;
import dev.crossbar.core.protocol.Predeploys;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code chains} section: read into core's {@link ChainConfig}, the chain model every service uses. */
final class ChainSettings {
    static final Key<String> NAME = Key.required("name", Types.NAME,
            "short name of the chain, used in logs, metric tags and the API (e.g. l1, base)");
    static final Key<Long> CHAIN_ID_KEY = Key.required("chainId", CHAIN_ID, "the chain's id, as eth_chainId reports it");
    static final Key<ChainRole> ROLE = Key.required("role", Types.oneOf(ChainRole.class, true),
            "L1 (the settlement chain) or L2 (a rollup settling on an L1)");
    static final Key<List<URI>> RPC = Key.required("rpc", listOf(Types.HTTP_URL, 1),
            "HTTP JSON-RPC endpoints, most preferred first; calls fail over in this order");
    static final Key<List<URI>> WS = Key.of("ws", listOf(Types.WS_URL, 0), "",
            "WebSocket endpoints for new-head subscriptions; without them the head is polled");
    static final Key<Confirmations> CONFIRMATIONS = Key.of("confirmations", Types.CONFIRMATIONS, "2",
            "how final a block must be before its events count: a number of blocks on top of it, or the node's"
                    + " safe or finalized block");
    static final Key<Long> START_BLOCK = Key.of("startBlock", Types.longAtLeast(0), "0",
            "first block to read when the store has no cursor for this chain yet (backfill from here)");
    static final Key<Duration> POLL_INTERVAL = Key.of("pollInterval", Types.DURATION, "2s",
            "how often the head is polled when no subscription delivers it");
    static final Key<Integer> MAX_BLOCK_RANGE = Key.of("maxBlockRange", Types.integer(1, 1_000_000), "2000",
            "largest block range asked of eth_getLogs; it shrinks by itself when a node refuses a range");

    static final Key<Integer> QUORUM = Key.of("quorum", Types.integer(1, 16), "1",
            "how many of the rpc endpoints must give the watcher the same logs, and the same hash of the range's last"
                    + " block, before it records a block range: 1 reads each range from one endpoint; 2 or more"
                    + " cross-checks them, so that an endpoint that lies about logs gets nothing recorded (on"
                    + " disagreement nothing is recorded, the watcher logs both answers' difference, counts it in"
                    + " crossbar_watcher_disagreements_total and tries again); at most the number of rpc endpoints");

    static final Key<Long> L2_CHAIN_ID = Key.required("l2ChainId", CHAIN_ID, "the L2 these contracts settle");
    static final Key<SettlementKind> KIND = Key.required("kind", Types.named(SettlementKind.class,
            SettlementKind::configName), "how the L2 settles: disputeGames (OP's fault proofs: OptimismPortal2 and a"
                    + " DisputeGameFactory, every OP Stack chain of the Superchain today) or outputOracle (the Bedrock"
                    + " v1 L2OutputOracle, legacy chains)");
    static final Key<String> PORTAL = Key.required("portal", ADDRESS,
            "the L2's portal on this L1: OptimismPortal2 (disputeGames) or OptimismPortal (outputOracle)");
    static final Key<String> L1_MESSENGER = Key.required("l1Messenger", ADDRESS,
            "the L2's L1CrossDomainMessenger on this L1");
    static final Key<String> OUTPUT_ORACLE = Key.optional("outputOracle", ADDRESS, "required for outputOracle",
            "outputOracle only: the L2's OutputOracle (L2OutputOracle) on this L1");
    static final Key<String> DISPUTE_GAME_FACTORY = Key.optional("disputeGameFactory", ADDRESS,
            "required for disputeGames", "disputeGames only: the DisputeGameFactory that creates the L2's games");
    static final Key<String> ANCHOR_STATE_REGISTRY = Key.optional("anchorStateRegistry", ADDRESS,
            "required for disputeGames", "disputeGames only: the AnchorStateRegistry (the games' starting anchors)");
    static final Key<String> SUPERCHAIN_CONFIG = Key.optional("superchainConfig", ADDRESS,
            "required for disputeGames", "disputeGames only: the SuperchainConfig whose pause stops the portal");
    static final Section SETTLEMENTS = Section.list("settlements",
            "L1 only: the contracts, on this L1, of each L2 that settles on it (one entry per L2), by the kind of"
                    + " its settlement. At start the services check them on the L1: code at every address; for"
                    + " disputeGames an OptimismPortal2 of a version the relayer knows, using the configured"
                    + " DisputeGameFactory and SuperchainConfig, and a game implementation for its respected game"
                    + " type.", false,
            L2_CHAIN_ID, KIND, PORTAL, L1_MESSENGER, OUTPUT_ORACLE, DISPUTE_GAME_FACTORY, ANCHOR_STATE_REGISTRY,
            SUPERCHAIN_CONFIG);

    static final Key<Long> SETTLES_ON = Key.optional("settlesOn", CHAIN_ID, "required for an L2",
            "L2 only: the chain id of the L1 this rollup settles on");
    static final Key<String> MESSAGE_PASSER = Key.of("messagePasser", ADDRESS, Predeploys.L2_TO_L1_MESSAGE_PASSER,
            "L2ToL1MessagePasser (OP Stack predeploy)");
    static final Key<String> L2_MESSENGER = Key.of("l2Messenger", ADDRESS, Predeploys.L2_CROSS_DOMAIN_MESSENGER,
            "L2CrossDomainMessenger (OP Stack predeploy)");
    static final Key<Optional<String>> L2_TO_L2_MESSENGER = Key.of("l2ToL2Messenger", Types.ADDRESS_OR_NONE,
            Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, "L2ToL2CrossDomainMessenger (OP Stack interop predeploy); none"
                    + " for a rollup without one (no L2-to-L2 messages to or from it)");
    static final Key<String> DEPOSIT_EXECUTOR = Key.optional("depositExecutor", ADDRESS, "none",
            "devnet only: the devnet sequencer's DepositExecutor, whose events mark deposits executed on the L2");
    static final Section CONTRACTS = Section.mapping("contracts",
            "L2 only: the rollup's contracts on the L2; the OP Stack predeploy addresses by default.",
            MESSAGE_PASSER, L2_MESSENGER, L2_TO_L2_MESSENGER, DEPOSIT_EXECUTOR);

    static final Section SECTION = Section.list("chains",
            "The chains to follow: at least one L1, and the L2s that settle on it.", true,
            NAME, CHAIN_ID_KEY, ROLE, RPC, WS, CONFIRMATIONS, START_BLOCK, POLL_INTERVAL, MAX_BLOCK_RANGE,
            QUORUM, SETTLEMENTS, SETTLES_ON, CONTRACTS);

    private ChainSettings() {}

    /** Every chain, then the rules across chains; null entries where a chain had problems. */
    static List<ChainConfig> read(SectionReader root) {
        List<SectionReader> readers = root.list(SECTION);
        List<ChainConfig> chains = new ArrayList<>();
        for (SectionReader r : readers) {
            chains.add(readOne(r));
        }
        if (!readers.isEmpty() && !root.hasProblems()) {
            checkAcross(root, readers, chains);
        }
        return chains;
    }

    private static ChainConfig readOne(SectionReader r) {
        String name = r.get(NAME);
        Long chainId = r.get(CHAIN_ID_KEY);
        ChainRole role = r.get(ROLE);
        List<URI> rpc = r.get(RPC);
        List<URI> ws = r.get(WS);
        Confirmations confirmations = r.get(CONFIRMATIONS);
        Long startBlock = r.get(START_BLOCK);
        Duration pollInterval = r.get(POLL_INTERVAL);
        Integer maxBlockRange = r.get(MAX_BLOCK_RANGE);
        Integer quorum = r.get(QUORUM);
        List<Settlement> settlements = List.of();
        ChainConfig.L2Contracts contracts = null;
        Long settlesOn = null;
        if (role == ChainRole.L1) {
            notFor(r, "an L1", SETTLES_ON, CONTRACTS);
            settlements = r.list(SETTLEMENTS).stream().map(ChainSettings::readSettlement).toList();
        } else if (role == ChainRole.L2) {
            notFor(r, "an L2", SETTLEMENTS);
            settlesOn = r.get(SETTLES_ON);
            if (settlesOn == null && !r.has(SETTLES_ON)) {
                r.problem(SETTLES_ON, "required for an L2 (the chain id of the L1 it settles on)");
            }
            SectionReader c = r.section(CONTRACTS);
            Optional<String> l2ToL2 = c.get(L2_TO_L2_MESSENGER);
            contracts = new ChainConfig.L2Contracts(c.get(MESSAGE_PASSER), c.get(L2_MESSENGER),
                    l2ToL2 == null ? null : l2ToL2.orElse(null), c.get(DEPOSIT_EXECUTOR));
        }
        if (r.hasProblems()) {
            return null;
        }
        try {
            return new ChainConfig(name, chainId, role, rpc, ws, confirmations, startBlock, pollInterval,
                    maxBlockRange, settlements, contracts, settlesOn, quorum);
        } catch (IllegalArgumentException e) {
            r.problem(e.getMessage());
            return null;
        }
    }

    /** One entry of {@code settlements}: the keys of its kind, required, and none of the other kind's. */
    private static Settlement readSettlement(SectionReader s) {
        int problemsBefore = s.problemCount();
        Long l2ChainId = s.get(L2_CHAIN_ID);
        SettlementKind kind = s.get(KIND);
        String portal = s.get(PORTAL);
        String l1Messenger = s.get(L1_MESSENGER);
        String oracle = s.get(OUTPUT_ORACLE);
        String factory = s.get(DISPUTE_GAME_FACTORY);
        String anchors = s.get(ANCHOR_STATE_REGISTRY);
        String superchain = s.get(SUPERCHAIN_CONFIG);
        if (kind == SettlementKind.OUTPUT_ORACLE) {
            requiredFor(s, "kind " + kind.configName(), OUTPUT_ORACLE);
            notFor(s, "kind " + kind.configName(), DISPUTE_GAME_FACTORY, ANCHOR_STATE_REGISTRY, SUPERCHAIN_CONFIG);
        } else if (kind == SettlementKind.DISPUTE_GAMES) {
            requiredFor(s, "kind " + kind.configName(), DISPUTE_GAME_FACTORY, ANCHOR_STATE_REGISTRY,
                    SUPERCHAIN_CONFIG);
            notFor(s, "kind " + kind.configName(), OUTPUT_ORACLE);
        }
        if (s.problemCount() > problemsBefore) {
            return null;
        }
        return kind == SettlementKind.DISPUTE_GAMES
                ? Settlement.disputeGames(l2ChainId, portal, l1Messenger, factory, anchors, superchain)
                : new Settlement(l2ChainId, oracle, portal, l1Messenger);
    }

    /** A problem for each of {@code keys} not set (keys whose value has a problem already have theirs). */
    private static void requiredFor(SectionReader r, String what, Key<?>... keys) {
        for (Key<?> k : keys) {
            if (!r.has(k)) {
                r.problem(k, "required for " + what);
            }
        }
    }

    private static void notFor(SectionReader r, String what, Entry... entries) {
        for (Entry e : entries) {
            if (r.has(e)) {
                r.problem(e, "does not apply to " + what);
            }
        }
    }

    /** Names and ids are unique; every L2 settles on a configured L1 that lists its contracts. */
    private static void checkAcross(SectionReader root, List<SectionReader> readers, List<ChainConfig> chains) {
        Map<String, Integer> names = new HashMap<>();
        Map<Long, Integer> ids = new HashMap<>();
        boolean anyL1 = false;
        for (int i = 0; i < chains.size(); i++) {
            ChainConfig c = chains.get(i);
            Integer other = names.putIfAbsent(c.name(), i);
            if (other != null) {
                readers.get(i).problem(NAME, "'" + c.name() + "' is already the name of chains[" + other + "]");
            }
            other = ids.putIfAbsent(c.chainId(), i);
            if (other != null) {
                readers.get(i).problem(CHAIN_ID_KEY, c.chainId() + " is already the id of chains[" + other + "]");
            }
            anyL1 |= c.role() == ChainRole.L1;
        }
        if (!anyL1) {
            root.problem(SECTION, "needs an L1 (a chain with role: L1)");
        }
        for (int i = 0; i < chains.size(); i++) {
            ChainConfig c = chains.get(i);
            if (c.role() == ChainRole.L2) {
                Integer l1 = ids.get(c.settlesOn());
                if (l1 == null || chains.get(l1).role() != ChainRole.L1) {
                    readers.get(i).problem(SETTLES_ON, c.settlesOn() + " is not the id of a configured L1");
                } else if (chains.get(l1).settlements().stream().noneMatch(s -> s.l2ChainId() == c.chainId())) {
                    readers.get(l1).problem(SETTLEMENTS, "has no entry for L2 " + c.name() + " (l2ChainId "
                            + c.chainId() + "), which settles on this chain");
                }
            } else {
                for (Settlement s : c.settlements()) {
                    Integer l2 = ids.get(s.l2ChainId());
                    if (l2 == null || chains.get(l2).role() != ChainRole.L2
                            || chains.get(l2).settlesOn() != c.chainId()) {
                        readers.get(i).problem(SETTLEMENTS, "l2ChainId " + s.l2ChainId()
                                + " is not a configured L2 settling on this chain");
                    }
                }
            }
        }
    }
}
