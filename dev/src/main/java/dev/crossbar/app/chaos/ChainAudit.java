package dev.crossbar.app.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crossbar.app.chaos.AuditResult.ExtraTx;
import dev.crossbar.app.chaos.AuditResult.FlowRow;
import dev.crossbar.app.chaos.AuditResult.NonceRow;
import dev.crossbar.app.chaos.AuditResult.Problem;
import dev.crossbar.app.chaos.AuditResult.SignerRow;
import dev.crossbar.app.chaos.AuditResult.StoreRow;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.config.ChainConfig;
import dev.crossbar.core.config.Confirmations;
import dev.crossbar.core.event.EventRef;
import dev.crossbar.core.event.ProtocolEvent;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.rpc.JsonRpcClient;
import dev.crossbar.devnet.DevnetChains;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.store.MessageQuery;
import dev.crossbar.store.MessageRecord;
import dev.crossbar.store.MessageStore;
import dev.crossbar.store.TxRecord;
import dev.crossbar.watcher.EventDecoder;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * Checks from the chains themselves, not from any service's records, that every message sent on an output-oracle
 * devnet had exactly one effect, and that the audited signers sent nothing that reverted or changed nothing.
 *
 * <p>It reads each chain's protocol logs (decoded by the watcher's {@link EventDecoder}, the one decoder of the
 * protocol's events, which also checks every hash against the fields it is computed from), from block 0 so that an
 * effect of a message sent before the start block is still explained, and audits what lies between each chain's start
 * block and the head it read first:
 * <ul>
 *   <li>per {@link Flow}: each message sent and its effects on its destination, matched by deposit hash, withdrawal
 *       hash, messenger hash or L2-to-L2 message hash (a deposit or withdrawal that carries a messenger message is
 *       counted once, in the messenger's flow); effects without a message on the chain as it is now are orphans;</li>
 *   <li>every transaction of each signer, read block by block with its receipt: useful (it produced an effect, or a
 *       needed proof), reverted, or without effect (a cancel, a replay whose call failed again, a proof that was not
 *       needed): the last two are extra transactions;</li>
 *   <li>each signer's nonce on each chain (nothing in the pool; with a store, nothing mined it did not record and
 *       nothing recorded it did not mine, nothing open);</li>
 *   <li>with a store, every message row the chains do not explain: a state that disagrees with the chain, a message
 *       not settled although due, a live message the chain does not have.</li>
 * </ul>
 *
 * <p>Whether a message without an effect is lost or not yet due: a deposit, an L1-to-L2 message and a fast L2-to-L2
 * message are due once {@link #grace} has passed since their block (on the L1's or the source's clock); a withdrawal
 * (and an L2-to-L1 or settled message, which a withdrawal carries) once an output still on the oracle covers its block
 * and that output's challenge window and the grace have passed on the L1's clock. A caller may decide instead
 * ({@link #due(Predicate)}). Only output-oracle devnets are supported (fault-proof withdrawals wait on games).
 *
 * <p>Read the chains directly, not through a proxy that injects faults: {@link #rpc(long, URI)}.
 */
public final class ChainAudit {
    private static final int LOG_PAGE = 5_000;
    private static final int BATCH = 100;
    private static final Set<MessageState> SETTLED = Set.of(MessageState.RELAYED, MessageState.EXITED,
            MessageState.ORPHANED);

    /** The flows of messages, each counted once (a messenger message is not counted again as its carrier). */
    public enum Flow {
        /** A Portal deposit that carries no messenger message: executed on its L2 (or reclaimed in escape mode). */
        DEPOSIT("deposit"),
        /** A withdrawal that carries no messenger message: finalized on L1. */
        WITHDRAWAL("withdrawal"),
        /** An L1 messenger's message to its L2 (in a deposit): relayed by the L2's messenger. */
        MESSAGE_L1_TO_L2("message L1->L2"),
        /** An L2 messenger's message to the L1 (in a withdrawal): relayed by the L1 messenger of that L2. */
        MESSAGE_L2_TO_L1("message L2->L1"),
        /** An L2ToL2 messenger message: relayed on its destination L2. */
        FAST_L2_TO_L2("fast L2->L2"),
        /**
         * An L2 messenger's message to another L2's L1 messenger (a withdrawal whose call on L1 sends the message on
         * as a deposit): delivered when its second leg is relayed on the destination L2.
         */
        SETTLED_L2_TO_L2("settled L2->L1->L2");

        private final String label;

        Flow(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * A message sent, as its source chain has it.
     *
     * @param id its hash: deposit hash, withdrawal hash, messenger hash, or L2-to-L2 message hash
     * @param destinationChainId where its effect belongs
     * @param block its block on the source chain
     * @param timestamp that block's time
     */
    public record Sent(Flow flow, String id, long sourceChainId, long destinationChainId, long block, long timestamp,
            String txHash) {}

    private final DevnetManifest manifest;
    private final Map<Long, URI> rpc = new LinkedHashMap<>();
    private final Map<Long, Long> startBlocks = new HashMap<>();
    private final List<String> signers = new ArrayList<>();
    private Duration grace = Duration.ZERO;
    private Predicate<Sent> due;
    private MessageStore store;

    private ChainAudit(DevnetManifest manifest) {
        if (manifest.settlementKind() != SettlementKind.OUTPUT_ORACLE) {
            throw new IllegalArgumentException("the chain audit reads output-oracle devnets only, this one settles"
                    + " through " + manifest.settlementKind());
        }
        this.manifest = manifest;
        rpc.put(manifest.l1().chainId(), URI.create(manifest.l1().rpcUrl()));
        manifest.l2s().forEach(l2 -> rpc.put(l2.chainId(), URI.create(l2.rpcUrl())));
    }

    /** An audit of {@code manifest}'s chains at the endpoints it names, every chain from block 0, no signer. */
    public static ChainAudit of(DevnetManifest manifest) {
        return new ChainAudit(manifest);
    }

    /** Reads chain {@code chainId} at {@code url} (the node itself, not a proxy in front of it). */
    public ChainAudit rpc(long chainId, URI url) {
        manifest.chain(chainId);
        rpc.put(chainId, url);
        return this;
    }

    /**
     * Audits chain {@code chainId} from block {@code block} on: messages sent and signers' transactions before it are
     * not counted (0 by default).
     */
    public ChainAudit from(long chainId, long block) {
        manifest.chain(chainId);
        startBlocks.put(chainId, block);
        return this;
    }

    /** Audits these signers' transactions and nonces on every chain (the relayer's keys, the monitor's). */
    public ChainAudit signers(List<String> addresses) {
        addresses.forEach(a -> signers.add(a.toLowerCase(Locale.ROOT)));
        return this;
    }

    /** How long after it is due (see the class comment) a message may still be without its effect: 0 by default. */
    public ChainAudit grace(Duration grace) {
        this.grace = grace;
        return this;
    }

    /** Decides which messages without an effect are due (lost), instead of the chain's clocks and the grace. */
    public ChainAudit due(Predicate<Sent> isDue) {
        this.due = isDue;
        return this;
    }

    /** Also checks what {@code messageStore} holds against the chains, and the signers' recorded nonces. */
    public ChainAudit store(MessageStore messageStore) {
        this.store = messageStore;
        return this;
    }

    /** Reads the chains and audits them. */
    public AuditResult run() throws Exception {
        Vertx vertx = Vertx.vertx();
        Map<Long, EthApi> apis = new LinkedHashMap<>();
        try {
            for (var e : rpc.entrySet()) {
                apis.put(e.getKey(), EthApi.connect(vertx, e.getKey(), manifest.chain(e.getKey()).name(),
                        List.of(e.getValue()), Duration.ofSeconds(30), Duration.ofSeconds(1)));
            }
            return new Run(apis).audit();
        } finally {
            apis.values().forEach(EthApi::close);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** An effect on a destination: what it was, where, and whether its call succeeded. */
    private record Effect(EventRef ref, boolean success, String what) {}

    /** A chain as read: its audited head, its events (from block 0), and those by transaction. */
    private record ChainRead(long chainId, long head, long headTimestamp, List<ProtocolEvent> events,
            Map<String, List<ProtocolEvent>> byTx) {}

    /** One audit's reads and tallies. */
    private final class Run {
        private final Map<Long, EthApi> apis;
        private final Map<Long, ChainRead> chains = new LinkedHashMap<>();
        private final long l1;
        /** L1 messenger address to the L2 it serves. */
        private final Map<String, Long> l1Messengers = new HashMap<>();
        /** Effects by key ({@code kind:chain:hash}). */
        private final Map<String, List<Effect>> effects = new HashMap<>();
        /** Every message key on a source chain as it is now, before the start blocks included. */
        private final Set<String> sources = new HashSet<>();
        private final Map<Flow, int[]> tallies = new EnumMap<>(Flow.class);
        private final List<Problem> problems = new ArrayList<>();
        private final List<StoreRow> storeRows = new ArrayList<>();
        /** Store ids of the messages seen on the chains. */
        private final Set<String> chainIds = new HashSet<>();
        /** Per L2: output index to its L1 timestamp and L2 block, as the oracle has them now. */
        private final Map<Long, TreeMap<Long, long[]>> outputs = new HashMap<>();

        Run(Map<Long, EthApi> apis) {
            this.apis = apis;
            this.l1 = manifest.l1().chainId();
            manifest.l2s().forEach(l2 -> l1Messengers.put(l2.settlement().l1Messenger().toLowerCase(Locale.ROOT),
                    l2.chainId()));
            for (Flow f : Flow.values()) {
                tallies.put(f, new int[7]);
            }
        }

        AuditResult audit() throws Exception {
            // Every head first, then the logs up to each chain's latest: a message whose effect is at or below a
            // head is on its source chain by the time that chain's logs are read.
            Map<Long, EthApi.Header> heads = new LinkedHashMap<>();
            for (var e : apis.entrySet()) {
                heads.put(e.getKey(), e.getValue().latest());
            }
            Map<Long, ChainConfig> configs = new HashMap<>();
            DevnetChains.of(manifest, Confirmations.blocks(0), Duration.ofSeconds(1))
                    .forEach(c -> configs.put(c.chainId(), c));
            for (var e : apis.entrySet()) {
                EthApi.Header head = heads.get(e.getKey());
                List<ProtocolEvent> events = events(e.getValue(), new EventDecoder(configs.get(e.getKey())));
                Map<String, List<ProtocolEvent>> byTx = new HashMap<>();
                events.forEach(ev -> byTx.computeIfAbsent(ev.ref().txHash().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(ev));
                chains.put(e.getKey(), new ChainRead(e.getKey(), head.number(), head.timestamp(), events, byTx));
            }
            collect();
            evaluate();
            List<SignerRow> signerRows = new ArrayList<>();
            List<ExtraTx> extra = new ArrayList<>();
            List<NonceRow> nonces = new ArrayList<>();
            for (ChainRead c : chains.values()) {
                signerRows.addAll(auditSigners(c, extra));
                for (String signer : signers) {
                    nonces.add(nonce(c, signer));
                }
            }
            if (store != null) {
                unexplainedRows();
            }
            Map<Long, Long> headNumbers = new LinkedHashMap<>();
            chains.values().forEach(c -> headNumbers.put(c.chainId(), c.head()));
            List<FlowRow> rows = new ArrayList<>();
            tallies.forEach((f, t) -> rows.add(new FlowRow(f, t[0], t[1], t[2], t[3], t[4], t[5], t[6])));
            problems.sort(Comparator.comparing(Problem::flow).thenComparing(Problem::kind).thenComparing(Problem::id));
            return new AuditResult(headNumbers, rows, problems, signerRows, extra, nonces, storeRows);
        }

        // ---- reading ---------------------------------------------------------------------------------------

        /** Every protocol event of the chain from block 0 to its latest block, decoded, in order. */
        private List<ProtocolEvent> events(EthApi api, EventDecoder decoder) {
            long to = api.blockNumber();
            List<ProtocolEvent> out = new ArrayList<>();
            for (long from = 0; from <= to; from += LOG_PAGE) {
                ObjectNode filter = JsonNodeFactory.instance.objectNode();
                filter.put("fromBlock", EthApi.hex(from));
                filter.put("toBlock", EthApi.hex(Math.min(to, from + LOG_PAGE - 1)));
                var addresses = filter.putArray("address");
                decoder.addresses().forEach(addresses::add);
                JsonNode result = api.request("eth_getLogs", List.of(filter));
                if (!result.isArray()) {
                    throw new IllegalStateException(api.name() + ": eth_getLogs answered " + result.getNodeType()
                            + ", not an array");
                }
                List<Log> logs = new ArrayList<>();
                result.forEach(n -> logs.add(JsonRpcClient.convert("eth_getLogs", Log.class).apply(n)));
                logs.sort(Comparator.comparing(Log::getBlockNumber).thenComparing(Log::getLogIndex));
                EventDecoder.Result decoded = decoder.decode(logs, timestamps(api, logs));
                if (!decoded.setAside().isEmpty()) {
                    throw new IllegalStateException(api.name() + ": " + decoded.setAside().size() + " protocol logs"
                            + " cannot be decoded, the first: " + decoded.setAside().getFirst().reason());
                }
                out.addAll(decoded.events());
            }
            return out;
        }

        private Map<Long, Long> timestamps(EthApi api, List<Log> logs) {
            List<Long> blocks = logs.stream().map(l -> l.getBlockNumber().longValueExact()).distinct().toList();
            Map<Long, Long> out = new HashMap<>();
            for (int i = 0; i < blocks.size(); i += BATCH) {
                List<Long> part = blocks.subList(i, Math.min(blocks.size(), i + BATCH));
                List<JsonNode> headers = api.batch(part.stream().map(n -> new EthApi.Call("eth_getBlockByNumber",
                        List.of(EthApi.hex(n), false))).toList());
                for (int j = 0; j < part.size(); j++) {
                    out.put(part.get(j), quantity(headers.get(j).path("timestamp")));
                }
            }
            return out;
        }

        // ---- matching --------------------------------------------------------------------------------------

        /** Indexes every message on its source chain and every effect on its destination. */
        private void collect() {
            for (ChainRead c : chains.values()) {
                long id = c.chainId();
                for (ProtocolEvent ev : c.events()) {
                    switch (ev) {
                        case ProtocolEvent.DepositInitiated e -> sources.add(key("dep", e.l2ChainId(),
                                e.depositHash()));
                        case ProtocolEvent.DepositExecuted e -> effect(key("dep", id, e.depositHash()),
                                new Effect(e.ref(), e.success(), "executed"));
                        case ProtocolEvent.DepositReclaimed e -> reclaimed(e);
                        case ProtocolEvent.WithdrawalInitiated e -> sources.add(key("wd", id, e.withdrawalHash()));
                        case ProtocolEvent.WithdrawalFinalized e -> effect(key("wd", e.l2ChainId(),
                                e.withdrawalHash()), new Effect(e.ref(), e.success(), "finalized"));
                        case ProtocolEvent.CrossDomainMessageSent e -> sources.add(messengerKey(id, e.ref(),
                                e.messageHash()));
                        case ProtocolEvent.CrossDomainMessageRelayed e -> effect(relayKey(id, e.sourceChainId(),
                                e.messageHash()), new Effect(e.ref(), true, "relayed by the messenger"));
                        case ProtocolEvent.CrossDomainMessageFailed e -> effect(relayKey(id, e.sourceChainId(),
                                e.messageHash()), new Effect(e.ref(), false, "messenger call failed"));
                        case ProtocolEvent.CrossRollupSent e -> sources.add(key("fast",
                                e.destination().longValueExact(), e.messageHash()));
                        case ProtocolEvent.CrossRollupRelayed e -> effect(key("fast", id, e.messageHash()),
                                new Effect(e.ref(), true, "relayed"));
                        case ProtocolEvent.OutputProposed e -> outputsOf(e.l2ChainId())
                                .put(e.outputIndex().longValueExact(), new long[] {e.l1Timestamp(),
                                        e.l2BlockNumber().longValueExact()});
                        case ProtocolEvent.OutputsDeleted e -> outputsOf(e.l2ChainId())
                                .tailMap(e.newNextOutputIndex().longValueExact(), true).clear();
                        default -> { }
                    }
                }
            }
        }

        private TreeMap<Long, long[]> outputsOf(long l2ChainId) {
            return outputs.computeIfAbsent(l2ChainId, k -> new TreeMap<>());
        }

        private void reclaimed(ProtocolEvent.DepositReclaimed e) {
            Optional<ProtocolEvent.DepositInitiated> d = chains.get(l1).events().stream()
                    .filter(ProtocolEvent.DepositInitiated.class::isInstance)
                    .map(ProtocolEvent.DepositInitiated.class::cast)
                    .filter(x -> x.l2ChainId() == e.l2ChainId() && x.depositNonce().equals(e.depositNonce()))
                    .findFirst();
            String hash = d.map(ProtocolEvent.DepositInitiated::depositHash).orElse("nonce-" + e.depositNonce());
            // Reclaimed on L1, counted as the deposit's effect on its L2 (it can no longer run there).
            effect(key("dep", e.l2ChainId(), hash), new Effect(e.ref(), true, "reclaimed in escape mode"));
        }

        private void effect(String key, Effect e) {
            effects.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }

        /** The key of a messenger message: down (L1 to an L2) from an L1 messenger, up from an L2's. */
        private String messengerKey(long chainId, EventRef ref, String hash) {
            if (chainId == l1) {
                Long l2 = l1Messengers.get(ref.address().toLowerCase(Locale.ROOT));
                return key("down", l2 == null ? -1 : l2, hash);
            }
            return key("up", chainId, hash);
        }

        private String relayKey(long chainId, Long sourceChainId, String hash) {
            return chainId == l1 ? key("up", sourceChainId == null ? -1 : sourceChainId, hash)
                    : key("down", chainId, hash);
        }

        /** Every message sent in the audited blocks, with its fate; the orphan effects. */
        private void evaluate() {
            ChainRead l1Read = chains.get(l1);
            Set<String> carriers = new HashSet<>();
            // Messenger messages first: their carriers and second legs are not counted again.
            for (ChainRead c : chains.values()) {
                for (ProtocolEvent ev : c.events()) {
                    if (ev instanceof ProtocolEvent.CrossDomainMessageSent e) {
                        String key = messengerKey(c.chainId(), e.ref(), e.messageHash());
                        if (c.chainId() == l1) {
                            long l2 = Long.parseLong(key.split(":")[1]);
                            String carrier = carrierDeposit(l1Read, e.ref().txHash(), l2, e.messageHash());
                            if (carrier != null) {
                                carriers.add(carrier);
                            }
                            // A second leg of a settled message is judged with its first.
                            if (!isSecondLeg(e)) {
                                judgeMessenger(Flow.MESSAGE_L1_TO_L2, e, key, carrier, l1, l2);
                            }
                        } else {
                            String carrier = carrierWithdrawal(c, e.ref().txHash(), e.messageHash());
                            if (carrier != null) {
                                carriers.add(carrier);
                            }
                            Long destL2 = l1Messengers.get(e.target().toLowerCase(Locale.ROOT));
                            if (destL2 != null && destL2 != c.chainId()) {
                                judgeSettled(c, e, key, carrier, destL2);
                            } else {
                                judgeMessenger(Flow.MESSAGE_L2_TO_L1, e, key, carrier, c.chainId(), l1);
                            }
                        }
                    }
                }
            }
            for (ChainRead c : chains.values()) {
                for (ProtocolEvent ev : c.events()) {
                    switch (ev) {
                        case ProtocolEvent.DepositInitiated e -> {
                            String key = key("dep", e.l2ChainId(), e.depositHash());
                            if (!carriers.contains(key)) {
                                judge(new Sent(Flow.DEPOSIT, e.depositHash(), l1, e.l2ChainId(), e.ref().blockNumber(),
                                        e.ref().blockTimestamp(), e.ref().txHash()), effects.get(key),
                                        List.of(e.depositHash()));
                            }
                        }
                        case ProtocolEvent.WithdrawalInitiated e -> {
                            String key = key("wd", c.chainId(), e.withdrawalHash());
                            if (!carriers.contains(key)) {
                                judge(new Sent(Flow.WITHDRAWAL, e.withdrawalHash(), c.chainId(), l1,
                                        e.ref().blockNumber(), e.ref().blockTimestamp(), e.ref().txHash()),
                                        effects.get(key), List.of(e.withdrawalHash()));
                            }
                        }
                        case ProtocolEvent.CrossRollupSent e -> {
                            long dest = e.destination().longValueExact();
                            String key = key("fast", dest, e.messageHash());
                            judge(new Sent(Flow.FAST_L2_TO_L2, e.messageHash(), c.chainId(), dest,
                                    e.ref().blockNumber(), e.ref().blockTimestamp(), e.ref().txHash()),
                                    effects.get(key), List.of(e.messageHash()));
                        }
                        default -> { }
                    }
                }
            }
            for (var e : effects.entrySet()) {
                if (sources.contains(e.getKey())) {
                    continue;
                }
                String kind = e.getKey().substring(0, e.getKey().indexOf(':'));
                Flow flow = switch (kind) {
                    case "dep" -> Flow.DEPOSIT;
                    case "wd" -> Flow.WITHDRAWAL;
                    case "down" -> Flow.MESSAGE_L1_TO_L2;
                    case "up" -> Flow.MESSAGE_L2_TO_L1;
                    default -> Flow.FAST_L2_TO_L2;
                };
                for (Effect x : e.getValue()) {
                    if (audited(x.ref())) {
                        tallies.get(flow)[5]++;
                        problems.add(new Problem(flow, Problem.ORPHAN, e.getKey().substring(e.getKey().lastIndexOf(':')
                                + 1), x.ref().chainId(), x.what() + " in tx " + x.ref().txHash() + " (block "
                                + x.ref().blockNumber() + ") with no such message sent on its source chain"));
                    }
                }
            }
        }

        /** The deposit in {@code txHash} that carries messenger message {@code hash} to {@code l2}, as a key. */
        private String carrierDeposit(ChainRead l1Read, String txHash, long l2, String hash) {
            for (ProtocolEvent ev : l1Read.byTx().getOrDefault(txHash.toLowerCase(Locale.ROOT), List.of())) {
                if (ev instanceof ProtocolEvent.DepositInitiated d && d.l2ChainId() == l2 && carries(d.data(), hash)) {
                    return key("dep", l2, d.depositHash());
                }
            }
            return null;
        }

        private String carrierWithdrawal(ChainRead l2, String txHash, String hash) {
            for (ProtocolEvent ev : l2.byTx().getOrDefault(txHash.toLowerCase(Locale.ROOT), List.of())) {
                if (ev instanceof ProtocolEvent.WithdrawalInitiated w && carries(w.data(), hash)) {
                    return key("wd", l2.chainId(), w.withdrawalHash());
                }
            }
            return null;
        }

        /**
         * Whether a transport's call data is the messenger message {@code hash}: the messenger hash is the keccak of
         * its {@code relayMessage} call data, which is what the deposit or withdrawal carries.
         */
        private static boolean carries(String data, String hash) {
            return Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(data))).equalsIgnoreCase(hash);
        }

        /** Whether an L1 messenger's message was sent by another L2's L1 messenger: a settled message's second leg. */
        private boolean isSecondLeg(ProtocolEvent.CrossDomainMessageSent e) {
            return l1Messengers.containsKey(e.sender().toLowerCase(Locale.ROOT));
        }

        private void judgeMessenger(Flow flow, ProtocolEvent.CrossDomainMessageSent e, String key, String carrier,
                long from, long to) {
            Sent sent = new Sent(flow, e.messageHash(), from, to, e.ref().blockNumber(), e.ref().blockTimestamp(),
                    e.ref().txHash());
            List<Effect> relays = effects.get(key);
            List<String> storeIds = carrier == null ? List.of() : List.of(hashOf(carrier));
            if (carrier != null && effects.getOrDefault(carrier, List.of()).size() > 1) {
                // The transport ran twice (a deposit executed twice, a withdrawal finalized twice).
                count(sent, Problem.DOUBLE, effects.get(carrier), storeIds);
                return;
            }
            judge(sent, relays, storeIds);
        }

        private void judgeSettled(ChainRead source, ProtocolEvent.CrossDomainMessageSent e, String key, String carrier,
                long destL2) {
            Sent sent = new Sent(Flow.SETTLED_L2_TO_L2, e.messageHash(), source.chainId(), destL2,
                    e.ref().blockNumber(), e.ref().blockTimestamp(), e.ref().txHash());
            List<String> storeIds = new ArrayList<>();
            if (carrier != null) {
                storeIds.add(hashOf(carrier));
            }
            List<Effect> first = effects.getOrDefault(key, List.of());
            List<Effect> firstOk = first.stream().filter(Effect::success).toList();
            if (firstOk.size() != 1) {
                judge(sent, first, storeIds);
                return;
            }
            // The second leg: the message the source's L1 messenger sent to the destination's in the first leg's relay.
            Effect relay = firstOk.getFirst();
            String sourceMessenger = manifest.chain(source.chainId()).settlement().l1Messenger();
            String legKey = null;
            for (ProtocolEvent ev : chains.get(l1).byTx().getOrDefault(relay.ref().txHash().toLowerCase(Locale.ROOT),
                    List.of())) {
                if (ev instanceof ProtocolEvent.CrossDomainMessageSent leg
                        && leg.sender().equalsIgnoreCase(sourceMessenger)) {
                    legKey = messengerKey(l1, leg.ref(), leg.messageHash());
                    String legCarrier = carrierDeposit(chains.get(l1), leg.ref().txHash(), destL2, leg.messageHash());
                    if (legCarrier != null) {
                        storeIds.add(hashOf(legCarrier));
                    }
                    break;
                }
            }
            if (legKey == null) {
                count(sent, Problem.LOST, List.of(), storeIds, "its first leg was relayed in " + relay.ref().txHash()
                        + " but sent nothing on to chain " + destL2);
                return;
            }
            judge(sent, effects.get(legKey), storeIds);
        }

        /** Counts a message sent in the audited blocks by its effects. */
        private void judge(Sent sent, List<Effect> found, List<String> storeIds) {
            List<Effect> all = found == null ? List.of() : found.stream().filter(e -> e.ref().blockNumber()
                    <= chains.get(e.ref().chainId()).head()).toList();
            long ok = all.stream().filter(Effect::success).count();
            if (ok > 1) {
                count(sent, Problem.DOUBLE, all, storeIds);
            } else if (ok == 1) {
                count(sent, "delivered", all, storeIds);
            } else if (!all.isEmpty()) {
                count(sent, "failed", all, storeIds);
            } else if (isDue(sent)) {
                count(sent, Problem.LOST, all, storeIds);
            } else {
                count(sent, "not yet due", all, storeIds);
            }
        }

        private void count(Sent sent, String fate, List<Effect> all, List<String> storeIds) {
            count(sent, fate, all, storeIds, null);
        }

        private void count(Sent sent, String fate, List<Effect> all, List<String> storeIds, String detail) {
            chainIds.addAll(storeIds);
            if (!audited(sent)) {
                return;
            }
            int[] t = tallies.get(sent.flow());
            t[0]++;
            switch (fate) {
                case "delivered" -> t[1]++;
                case "failed" -> t[2]++;
                case Problem.LOST -> t[3]++;
                case Problem.DOUBLE -> t[4]++;
                default -> t[6]++;
            }
            if (fate.equals(Problem.LOST) || fate.equals(Problem.DOUBLE)) {
                problems.add(new Problem(sent.flow(), fate, sent.id(), sent.sourceChainId(), detail != null ? detail
                        : fate.equals(Problem.LOST) ? "sent in block " + sent.block() + " (tx " + sent.txHash()
                                + "), due, no effect on chain " + sent.destinationChainId()
                        : all.size() + " effects: " + String.join(", ", all.stream().map(e -> e.what() + " in "
                                + e.ref().txHash()).toList())));
            }
            if (store != null) {
                boolean delivered = fate.equals("delivered") || fate.equals(Problem.DOUBLE);
                for (String id : storeIds) {
                    checkStore(sent, id, fate, delivered);
                }
            }
        }

        private boolean audited(Sent sent) {
            return sent.block() >= startBlocks.getOrDefault(sent.sourceChainId(), 0L)
                    && sent.block() <= chains.get(sent.sourceChainId()).head();
        }

        private boolean audited(EventRef ref) {
            return ref.blockNumber() >= startBlocks.getOrDefault(ref.chainId(), 0L)
                    && ref.blockNumber() <= chains.get(ref.chainId()).head();
        }

        /** Whether a message without an effect should have one by now (see the class comment). */
        private boolean isDue(Sent sent) {
            if (due != null) {
                return due.test(sent);
            }
            long l1Now = chains.get(l1).headTimestamp();
            return switch (sent.flow()) {
                case DEPOSIT, MESSAGE_L1_TO_L2 -> sent.timestamp() + grace.toSeconds() <= l1Now;
                case FAST_L2_TO_L2 -> sent.timestamp() + grace.toSeconds()
                        <= chains.get(sent.sourceChainId()).headTimestamp();
                case WITHDRAWAL, MESSAGE_L2_TO_L1, SETTLED_L2_TO_L2 -> {
                    long window = manifest.chain(sent.sourceChainId()).settlement().finalizationPeriodSeconds();
                    yield outputs.getOrDefault(sent.sourceChainId(), new TreeMap<>()).values().stream()
                            .filter(o -> o[1] >= sent.block())
                            .anyMatch(o -> o[0] + window + grace.toSeconds() <= l1Now);
                }
            };
        }

        // ---- signers ---------------------------------------------------------------------------------------

        /**
         * Every transaction of the signers on chain {@code c} from its start block, read block by block (full
         * transactions, in JSON-RPC batches) with the receipts of the blocks that have one ({@code
         * eth_getBlockReceipts}): a row per signer, and the extra transactions added to {@code extra}.
         */
        private List<SignerRow> auditSigners(ChainRead c, List<ExtraTx> extra) {
            EthApi api = apis.get(c.chainId());
            Map<String, String> purposes = new HashMap<>();
            Map<String, int[]> counts = new LinkedHashMap<>(); // signer: total, useful, reverted, no effect
            for (String signer : signers) {
                counts.put(signer, new int[4]);
                if (store != null) {
                    for (TxRecord t : store.transactionsFromNonce(c.chainId(), signer, BigInteger.ZERO)) {
                        if (t.txHash() != null) {
                            purposes.put(t.txHash().toLowerCase(Locale.ROOT), t.purpose());
                        }
                    }
                }
            }
            long start = startBlocks.getOrDefault(c.chainId(), 0L);
            for (long from = start; from <= c.head() && !signers.isEmpty(); from += BATCH) {
                List<EthApi.Call> calls = new ArrayList<>();
                for (long n = from; n <= Math.min(c.head(), from + BATCH - 1); n++) {
                    calls.add(new EthApi.Call("eth_getBlockByNumber", List.of(EthApi.hex(n), true)));
                }
                List<JsonNode> mine = new ArrayList<>();
                Set<String> withMine = new java.util.LinkedHashSet<>();
                for (JsonNode b : api.batch(calls)) {
                    for (JsonNode t : b.path("transactions")) {
                        if (counts.containsKey(t.path("from").asText().toLowerCase(Locale.ROOT))) {
                            mine.add(t);
                            withMine.add(b.path("number").asText());
                        }
                    }
                }
                if (mine.isEmpty()) {
                    continue;
                }
                Map<String, JsonNode> receipts = new HashMap<>();
                for (JsonNode block : api.batch(withMine.stream().map(n -> new EthApi.Call("eth_getBlockReceipts",
                        List.of(n))).toList())) {
                    block.forEach(r -> receipts.put(r.path("transactionHash").asText().toLowerCase(Locale.ROOT), r));
                }
                for (JsonNode t : mine) {
                    String signer = t.path("from").asText().toLowerCase(Locale.ROOT);
                    int[] n = counts.get(signer);
                    n[0]++;
                    String hash = t.path("hash").asText().toLowerCase(Locale.ROOT);
                    JsonNode receipt = receipts.get(hash);
                    if (receipt == null) {
                        throw new IllegalStateException(api.name() + ": no receipt of " + hash + " in its block's"
                                + " receipts");
                    }
                    long nonce = quantity(t.path("nonce"));
                    long block = quantity(t.path("blockNumber"));
                    String purpose = purposes.get(hash);
                    if (quantity(receipt.path("status")) == 0) {
                        n[2]++;
                        extra.add(new ExtraTx(c.chainId(), signer, nonce, hash, block, ExtraTx.REVERTED, purpose,
                                "reverted, to " + t.path("to").asText()));
                        continue;
                    }
                    String why = noEffect(c, t, hash);
                    if (why == null) {
                        n[1]++;
                    } else {
                        n[3]++;
                        extra.add(new ExtraTx(c.chainId(), signer, nonce, hash, block, ExtraTx.NO_EFFECT, purpose,
                                why));
                    }
                }
            }
            List<SignerRow> rows = new ArrayList<>();
            counts.forEach((signer, n) -> rows.add(new SignerRow(signer, c.chainId(), n[0], n[1], n[2], n[3])));
            return rows;
        }

        /** Why a successful transaction changed nothing of the protocol, or null when it did. */
        private String noEffect(ChainRead c, JsonNode tx, String hash) {
            List<ProtocolEvent> events = c.byTx().getOrDefault(hash, List.of());
            if (events.isEmpty()) {
                return tx.path("from").asText().equalsIgnoreCase(tx.path("to").asText())
                        ? "a transfer to itself (a cancel): no protocol event"
                        : "no protocol event, to " + tx.path("to").asText();
            }
            boolean failedOnly = true;
            String why = null;
            for (ProtocolEvent ev : events) {
                if (ev instanceof ProtocolEvent.CrossDomainMessageFailed) {
                    continue;
                }
                failedOnly = false;
                if (ev instanceof ProtocolEvent.WithdrawalProven p) {
                    String again = provenAgain(c, p);
                    if (again == null) {
                        return null;
                    }
                    why = again;
                } else {
                    return null;
                }
            }
            return failedOnly ? "the messenger's call failed (again): nothing delivered" : why;
        }

        /**
         * Why a proof was not needed (its withdrawal was proven before and no output of its L2 was deleted since),
         * or null when it was.
         */
        private String provenAgain(ChainRead l1Read, ProtocolEvent.WithdrawalProven p) {
            ProtocolEvent.WithdrawalProven previous = null;
            boolean deletedSince = false;
            for (ProtocolEvent ev : l1Read.events()) {
                if (ev == p) {
                    break;
                }
                if (ev instanceof ProtocolEvent.WithdrawalProven q && q.l2ChainId() == p.l2ChainId()
                        && q.withdrawalHash().equalsIgnoreCase(p.withdrawalHash())) {
                    previous = q;
                    deletedSince = false;
                } else if (ev instanceof ProtocolEvent.OutputsDeleted d && d.l2ChainId() == p.l2ChainId()) {
                    deletedSince = true;
                }
            }
            if (previous == null || deletedSince) {
                return null;
            }
            return "proved withdrawal " + p.withdrawalHash() + " again (proven before in " + previous.ref().txHash()
                    + ", no output deleted since)";
        }

        private NonceRow nonce(ChainRead c, String signer) {
            EthApi api = apis.get(c.chainId());
            long mined = api.nonce(signer, "latest").longValueExact();
            long pending = api.nonce(signer, "pending").longValueExact();
            List<String> wrong = new ArrayList<>();
            if (pending != mined) {
                wrong.add((pending - mined) + " transaction(s) in the node's pool (pending nonce " + pending + ")");
            }
            Long highest = null;
            Integer open = null;
            if (store != null) {
                highest = store.highestNonce(c.chainId(), signer).map(BigInteger::longValueExact).orElse(-1L);
                List<TxRecord> openTxs = store.openTransactions(c.chainId(), signer);
                open = openTxs.size();
                if (highest + 1 < mined) {
                    wrong.add("the chain has mined nonces up to " + (mined - 1) + " but the store recorded "
                            + (highest < 0 ? "none" : "up to " + highest));
                } else if (highest + 1 > mined) {
                    wrong.add("the store recorded nonces up to " + highest + " but the chain has mined only up to "
                            + (mined - 1) + " (a gap)");
                }
                if (!openTxs.isEmpty()) {
                    wrong.add(open + " transaction(s) still open in the store, nonces "
                            + openTxs.stream().map(t -> t.nonce().toString()).toList());
                }
            }
            return new NonceRow(signer, c.chainId(), mined, pending, highest, open,
                    wrong.isEmpty() ? null : String.join("; ", wrong));
        }

        // ---- store -----------------------------------------------------------------------------------------

        private void checkStore(Sent sent, String id, String fate, boolean delivered) {
            Optional<MessageRecord> found = store.message(id);
            if (found.isEmpty()) {
                storeRows.add(new StoreRow(id, sent.flow().label(), "-", "sent on chain " + sent.sourceChainId()
                        + " in block " + sent.block() + " but not in the store"));
                return;
            }
            MessageRecord m = found.get();
            MessageState s = m.state();
            String why = null;
            if (delivered && s != MessageState.RELAYED && s != MessageState.EXITED) {
                why = "delivered on chain but the store holds it as " + s;
            } else if (!delivered && s == MessageState.RELAYED) {
                why = "the store holds it as RELAYED but the chain has " + (fate.equals("failed")
                        ? "only a failed call" : "no effect");
            } else if (fate.equals("failed") && !Set.of(MessageState.FAILED, MessageState.DEAD_LETTERED,
                    MessageState.READY, MessageState.RELAYING).contains(s)) {
                why = "its call failed on chain but the store holds it as " + s;
            } else if (fate.equals(Problem.LOST) && !SETTLED.contains(s)) {
                why = "due and not delivered; the store holds it as " + s + (m.lastError() == null ? ""
                        : " (" + m.lastError() + ")");
            }
            if (why != null) {
                storeRows.add(new StoreRow(id, m.kind().name(), s.name(), why));
            }
        }

        /** Live rows of the store whose message is on no chain as it is now. */
        private void unexplainedRows() {
            for (MessageState s : MessageState.values()) {
                if (SETTLED.contains(s)) {
                    continue;
                }
                for (MessageRecord m : store.messages(new MessageQuery(Set.of(s), null, null, null, null, null,
                        1000))) {
                    String id = m.id().toLowerCase(Locale.ROOT);
                    if (chainIds.contains(id)) {
                        continue; // judged with its message
                    }
                    boolean onChain = sources.contains(key("dep", m.destinationChainId(), id))
                            || sources.contains(key("wd", m.sourceChainId(), id))
                            || sources.contains(key("fast", m.destinationChainId(), id));
                    storeRows.add(new StoreRow(m.id(), m.kind().name(), s.name(), (onChain
                            ? "not settled, sent before the audited blocks"
                            : "not on its source chain as it is now, yet not ORPHANED")
                            + (m.lastError() == null ? "" : " (last error: " + m.lastError() + ")")));
                }
            }
        }

        private String hashOf(String key) {
            return key.substring(key.lastIndexOf(':') + 1);
        }

        private String key(String kind, long chainId, String hash) {
            return kind + ":" + chainId + ":" + hash.toLowerCase(Locale.ROOT);
        }

        private long quantity(JsonNode n) {
            if (!n.isTextual()) {
                throw new IllegalStateException("expected a hex quantity, got " + n);
            }
            return Numeric.toBigInt(n.asText()).longValueExact();
        }
    }
}
