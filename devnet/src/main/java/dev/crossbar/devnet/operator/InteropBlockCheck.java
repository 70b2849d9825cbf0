package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.bindings.CrossL2Inbox;
import dev.crossbar.core.protocol.DepositTransaction;
import dev.crossbar.core.protocol.ExecutingMessages;
import dev.crossbar.core.protocol.OpDepositTx;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.utils.Numeric;

/**
 * The devnet's block builder check of interop executing messages on one L2, as OP's block builder (op-supervisor)
 * does it ({@code specs/interop/messaging.md} "Message validity", {@code predeploys.md} "Access-list"): the
 * CrossL2Inbox only checks that a transaction declared a message in its access list, so something must check that
 * the declared source log exists. This follows the L2's new blocks, and for every message a transaction declares
 * under the inbox ({@link ExecutingMessages#declared}) checks that
 * <ul>
 *   <li>its source chain is an L2 of this devnet;</li>
 *   <li>the source block exists there with the declared timestamp, and has a log at the declared index whose
 *       checksum (origin, {@code keccak256(topics ++ data)}, place) is the declared one;</li>
 *   <li>the executing block's timestamp is at least the source timestamp and at most the expiry window after it;</li>
 *   <li>a message from the executing chain itself comes from an earlier block, or from an earlier transaction of
 *       the same block.</li>
 * </ul>
 * A transaction is invalid too when its inbox entries are malformed, when it is a deposit ({@code 0x7E}, which may
 * not execute messages), or when the inbox emitted an {@code ExecutingMessage} for it that it did not declare.
 *
 * <p>A block with an invalid transaction is taken off the chain at devnet scale: with mining stopped, it and every
 * block after it are rolled back ({@code anvil_rollback}), then each removed block is mined again with its valid
 * transactions (same signed bytes, so the same hashes) and the node's clock where it was, so the chain keeps its
 * height and time and the invalid transactions have no effect. A transaction whose nonce
 * no longer fits (it came after an invalid one of its sender) is signed again at the next nonce when the sequencer
 * key sent it (a deposit's record after a forged relay of that key), and dropped otherwise, as a chain drops it (its
 * sender sends it again, as after any reorg); a deposit is encoded again from its fields. {@link #checkedUpTo} is the height up to which every
 * block has passed: the proposers propose no higher, so no output commits to a block this may still take away.
 *
 * <p>Blocks made before the check was created are taken as they are. A message checked valid stays so even if its
 * source block is reorged later (a real chain would then reorg the executing block too).
 */
public final class InteropBlockCheck {
    /** The expiry window of OP interop messages: 7 days. */
    public static final Duration DEFAULT_EXPIRY = Duration.ofDays(7);
    private static final Logger log = LoggerFactory.getLogger(InteropBlockCheck.class);
    private static final String EXECUTING_MESSAGE = EventEncoder.encode(CrossL2Inbox.EXECUTINGMESSAGE_EVENT);
    private static final String DEPOSIT_TYPE = "0x7e";
    private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
    /** How many checked block hashes are kept to notice a reorg made by someone else. */
    private static final int RECENT = 256;
    /** Take-aways one {@link #checkNew} does at most before it returns (the next call goes on). */
    private static final int MAX_TAKE_AWAYS_PER_CALL = 8;

    private final DevChain l2;
    private final Map<BigInteger, DevChain> l2sByChainId = new HashMap<>();
    private final long expirySeconds;
    private final Set<String> letThrough = ConcurrentHashMap.newKeySet();
    private final NavigableMap<Long, String> checkedHashes = new TreeMap<>();
    private volatile long checkedUpTo;
    private final AtomicLong blocksChecked = new AtomicLong();
    private final AtomicLong invalidMessages = new AtomicLong();
    private final AtomicLong blocksReorgedAway = new AtomicLong();
    private final AtomicLong reincluded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * A check of {@code l2}'s blocks from its current head on.
     *
     * @param l2s every L2 of the devnet (the chains messages may come from), {@code l2} among them
     * @param expiry how long after its source block a message may still be executed
     * @throws IOException when the L2's head cannot be read
     */
    public InteropBlockCheck(DevChain l2, List<DevChain> l2s, Duration expiry) throws IOException {
        if (expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("the message expiry window must be positive, got " + expiry);
        }
        this.l2 = l2;
        for (DevChain c : l2s) {
            l2sByChainId.put(BigInteger.valueOf(c.chainId()), c);
        }
        l2sByChainId.putIfAbsent(BigInteger.valueOf(l2.chainId()), l2);
        this.expirySeconds = expiry.toSeconds();
        EthBlock.Block head = l2.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
                .getBlock();
        this.checkedUpTo = head.getNumber().longValueExact();
        checkedHashes.put(checkedUpTo, head.getHash());
    }

    /** A declared message (or a transaction) the check found invalid, and why. */
    public record Invalid(long block, String blockHash, String tx, String reason) {}

    /**
     * Checks the blocks mined since the last call, taking away each one with an invalid executing message, and
     * returns the height up to which every block has passed.
     *
     * @throws IOException when a node cannot be read or refuses the take-away (the blocks not checked yet stay
     *     unchecked, and the next call checks them again)
     */
    public synchronized long checkNew() throws IOException {
        int takeAways = 0;
        rewindIfReorged();
        while (true) {
            long n = checkedUpTo + 1;
            EthBlock.Block block = block(l2, n, true);
            if (block == null) {
                return checkedUpTo;
            }
            String parent = checkedHashes.get(checkedUpTo);
            if (parent != null && !parent.equalsIgnoreCase(block.getParentHash())) {
                // The chain changed under the blocks already checked (a reorg by someone else): check again from
                // where it still agrees.
                rewindIfReorged();
                if (takeAways++ >= MAX_TAKE_AWAYS_PER_CALL) {
                    return checkedUpTo;
                }
                continue;
            }
            List<Invalid> invalid = validate(block);
            blocksChecked.incrementAndGet();
            Set<String> toRemove = new LinkedHashSet<>();
            for (Invalid i : invalid) {
                invalidMessages.incrementAndGet();
                if (letThrough.contains(i.tx().toLowerCase(Locale.ROOT))) {
                    log.warn("invalid executing message let through (forge-relay misbehaviour) l2={} block={}"
                            + " blockHash={} tx={} reason={}", l2.name(), i.block(), i.blockHash(), i.tx(), i.reason());
                } else {
                    log.warn("invalid executing message, taking its block off the chain l2={} block={} blockHash={}"
                            + " tx={} reason={}", l2.name(), i.block(), i.blockHash(), i.tx(), i.reason());
                    toRemove.add(i.tx().toLowerCase(Locale.ROOT));
                }
            }
            if (toRemove.isEmpty()) {
                checkedUpTo = n;
                checkedHashes.put(n, block.getHash());
                while (checkedHashes.size() > RECENT) {
                    checkedHashes.pollFirstEntry();
                }
                continue;
            }
            takeAway(block, toRemove);
            if (++takeAways >= MAX_TAKE_AWAYS_PER_CALL) {
                return checkedUpTo;
            }
        }
    }

    /**
     * Lets the transaction {@code txHash} past the check: it is still checked and counted, but its block stays (the
     * {@link Misbehaviour#FORGE_RELAY} switch: a sequencer that builds its own forgery in).
     */
    public void letThrough(String txHash) {
        letThrough.add(txHash.toLowerCase(Locale.ROOT));
    }

    /** The height up to which every block has passed the check. */
    public long checkedUpTo() {
        return checkedUpTo;
    }

    public long blocksChecked() {
        return blocksChecked.get();
    }

    /** Invalid executing messages (and invalid executing transactions) found, taken away or let through. */
    public long invalidMessages() {
        return invalidMessages.get();
    }

    public long blocksReorgedAway() {
        return blocksReorgedAway.get();
    }

    /** Valid transactions of taken-away blocks mined again. */
    public long transactionsReincluded() {
        return reincluded.get();
    }

    /** Valid transactions of taken-away blocks that could not be mined again (their sender's nonce moved on). */
    public long transactionsDropped() {
        return dropped.get();
    }

    public Duration expiry() {
        return Duration.ofSeconds(expirySeconds);
    }

    /** Steps {@link #checkedUpTo} back to the newest checked block the chain still has. */
    private void rewindIfReorged() throws IOException {
        long lowest = checkedHashes.isEmpty() ? checkedUpTo : checkedHashes.firstKey();
        while (!checkedHashes.isEmpty()) {
            Map.Entry<Long, String> last = checkedHashes.lastEntry();
            EthBlock.Block b = block(l2, last.getKey(), false);
            if (b != null && b.getHash().equalsIgnoreCase(last.getValue())) {
                checkedUpTo = last.getKey();
                return;
            }
            checkedHashes.pollLastEntry();
        }
        checkedUpTo = Math.max(lowest - 1, 0);
    }

    /** Every invalid declared message and invalid executing transaction of {@code block}. */
    List<Invalid> validate(EthBlock.Block block) throws IOException {
        List<Invalid> out = new ArrayList<>();
        long number = block.getNumber().longValueExact();
        List<Log> blockLogs = logs(l2, block.getHash());
        Map<String, List<ExecutingMessages.Declared>> declaredByTx = new HashMap<>();
        Map<String, List<Log>> sourceLogs = new HashMap<>();
        for (EthBlock.TransactionResult<?> r : block.getTransactions()) {
            Transaction tx = (Transaction) r.get();
            String hash = tx.getHash().toLowerCase(Locale.ROOT);
            List<ExecutingMessages.Declared> declared;
            try {
                declared = ExecutingMessages.declared(accessList(tx));
            } catch (IllegalArgumentException e) {
                out.add(new Invalid(number, block.getHash(), hash, "its access list under the CrossL2Inbox is"
                        + " malformed: " + e.getMessage()));
                continue;
            }
            declaredByTx.put(hash, declared);
            if (declared.isEmpty()) {
                continue;
            }
            if (DEPOSIT_TYPE.equalsIgnoreCase(tx.getType())) {
                out.add(new Invalid(number, block.getHash(), hash, "a deposit transaction may not execute messages"));
                continue;
            }
            for (ExecutingMessages.Declared d : declared) {
                String why = whyInvalid(block, blockLogs, tx, d, sourceLogs);
                if (why != null) {
                    out.add(new Invalid(number, block.getHash(), hash, "declared message " + d + ": " + why));
                }
            }
        }
        // Every ExecutingMessage the inbox emitted must be one its transaction declared.
        for (Log l : blockLogs) {
            if (!Predeploys.CROSS_L2_INBOX.equalsIgnoreCase(l.getAddress()) || l.getTopics().isEmpty()
                    || !EXECUTING_MESSAGE.equalsIgnoreCase(l.getTopics().getFirst())) {
                continue;
            }
            String hash = l.getTransactionHash().toLowerCase(Locale.ROOT);
            byte[] checksum = emittedChecksum(l);
            boolean declared = checksum != null && declaredByTx.getOrDefault(hash, List.of()).stream()
                    .anyMatch(d -> java.util.Arrays.equals(d.checksum(), checksum));
            if (!declared) {
                out.add(new Invalid(number, block.getHash(), hash, "the CrossL2Inbox emitted ExecutingMessage (log "
                        + l.getLogIndex() + ") for a message the transaction did not declare"));
            }
        }
        return out;
    }

    /** Why {@code d}, declared by {@code tx} of {@code block}, is not a valid executing message; null when it is. */
    private String whyInvalid(EthBlock.Block block, List<Log> blockLogs, Transaction tx,
            ExecutingMessages.Declared d, Map<String, List<Log>> sourceLogs) throws IOException {
        DevChain source = l2sByChainId.get(d.chainId());
        if (source == null) {
            return "source chain " + d.chainId() + " is not an L2 of this devnet (" + l2sByChainId.keySet() + ")";
        }
        if (d.blockNumber() < 0 || d.timestamp() < 0) {
            return "chain " + source.name() + " has no block " + Long.toUnsignedString(d.blockNumber());
        }
        long number = block.getNumber().longValueExact();
        long timestamp = block.getTimestamp().longValueExact();
        boolean sameBlock = source == l2 && d.blockNumber() == number;
        if (source == l2 && d.blockNumber() > number) {
            return "the source block is after the executing block " + number + " on the same chain";
        }
        EthBlock.Block src = sameBlock ? block : block(source, d.blockNumber(), false);
        if (src == null) {
            return "chain " + source.name() + " has no block " + d.blockNumber();
        }
        if (src.getTimestamp().longValueExact() != d.timestamp()) {
            return "block " + d.blockNumber() + " of " + source.name() + " has timestamp " + src.getTimestamp()
                    + ", not the declared " + d.timestamp();
        }
        List<Log> logs = sameBlock ? blockLogs : sourceLogs.get(src.getHash());
        if (logs == null) {
            logs = logs(source, src.getHash());
            sourceLogs.put(src.getHash(), logs);
        }
        Log log = logs.stream().filter(l -> l.getLogIndex().longValueExact() == d.logIndex()).findFirst().orElse(null);
        if (log == null) {
            return "block " + d.blockNumber() + " of " + source.name() + " has no log at index " + d.logIndex();
        }
        if (sameBlock && log.getTransactionIndex().compareTo(tx.getTransactionIndex()) >= 0) {
            return "a message from the executing block itself must come from an earlier transaction";
        }
        byte[] msgHash = ExecutingMessages.msgHash(log.getTopics(), Numeric.hexStringToByteArray(log.getData()));
        if (!d.checksumMatches(log.getAddress(), msgHash)) {
            return "the log at index " + d.logIndex() + " of block " + d.blockNumber() + " of " + source.name()
                    + " is not the declared message (its checksum differs)";
        }
        if (timestamp < d.timestamp()) {
            return "the executing block's timestamp " + timestamp + " is before the source block's " + d.timestamp();
        }
        if (timestamp - d.timestamp() > expirySeconds) {
            return "the message expired: the executing block's timestamp " + timestamp + " is more than "
                    + expirySeconds + " s after the source block's " + d.timestamp();
        }
        return null;
    }

    /**
     * Takes {@code block} off the chain with every block after it, with mining stopped, and mines each removed
     * block again with its transactions but {@code invalidTxs}.
     */
    private void takeAway(EthBlock.Block block, Set<String> invalidTxs) throws IOException {
        long n = block.getNumber().longValueExact();
        long[] outcome = new long[3]; // depth, re-included, dropped
        boolean[] done = new boolean[1];
        dev.crossbar.devnet.AnvilRpc.Sends work = () -> {
            EthBlock.Block now = block(l2, n, false);
            if (now == null || !now.getHash().equalsIgnoreCase(block.getHash())) {
                return; // the chain changed meanwhile; the next round checks what is there now
            }
            long head = l2.blockNumber().longValueExact();
            List<EthBlock.Block> removed = new ArrayList<>();
            Map<String, String> raw = new HashMap<>();
            for (long b = n; b <= head; b++) {
                EthBlock.Block full = block(l2, b, true);
                if (full == null) {
                    throw new IOException("block " + b + " of " + l2.name() + " disappeared while it was taken away");
                }
                removed.add(full);
                for (EthBlock.TransactionResult<?> r : full.getTransactions()) {
                    String hash = ((Transaction) r.get()).getHash().toLowerCase(Locale.ROOT);
                    if (!invalidTxs.contains(hash)) {
                        raw.put(hash, signedBytes((Transaction) r.get()));
                    }
                }
            }
            l2.anvil().rollback(head - n + 1); // keeps the node's clock where it was
            outcome[0] = head - n + 1;
            Map<String, BigInteger> nextNonce = new HashMap<>();
            for (EthBlock.Block b : removed) {
                for (EthBlock.TransactionResult<?> r : b.getTransactions()) {
                    Transaction tx = (Transaction) r.get();
                    String hash = tx.getHash().toLowerCase(Locale.ROOT);
                    if (invalidTxs.contains(hash)) {
                        continue;
                    }
                    if (!DEPOSIT_TYPE.equalsIgnoreCase(tx.getType())) {
                        String from = tx.getFrom().toLowerCase(Locale.ROOT);
                        BigInteger expected = nextNonce.get(from);
                        if (expected == null) {
                            expected = l2.web3j().ethGetTransactionCount(from, DefaultBlockParameterName.LATEST)
                                    .send().getTransactionCount();
                        }
                        String signed = raw.get(hash);
                        if (!tx.getNonce().equals(expected)) {
                            // Its sender's invalid transaction before it is gone: the operator signs its own again,
                            // at the nonce that is next now (under another hash).
                            signed = resigned(tx, expected);
                            if (signed == null) {
                                outcome[2]++;
                                log.warn("transaction of a taken-away block dropped: its nonce no longer fits (an"
                                        + " invalid one of its sender went) l2={} block={} tx={} nonce={} senderNonce={}",
                                        l2.name(), b.getNumber(), hash, tx.getNonce(), expected);
                                continue;
                            }
                            log.warn("transaction of a taken-away block signed again at the sender's next nonce"
                                    + " l2={} block={} tx={} newTx={} nonce={} newNonce={}", l2.name(),
                                    b.getNumber(), hash, org.web3j.crypto.Hash.sha3(signed), tx.getNonce(), expected);
                        }
                        raw.put(hash, signed);
                        nextNonce.put(from, expected.add(BigInteger.ONE));
                    }
                    String signed = raw.get(hash);
                    var sent = signed == null ? null : l2.web3j().ethSendRawTransaction(signed).send();
                    if (sent == null || sent.hasError()) {
                        outcome[2]++;
                        log.warn("transaction of a taken-away block dropped l2={} block={} tx={} reason={}",
                                l2.name(), b.getNumber(), hash, sent == null ? "the node no longer has its bytes"
                                        : sent.getError().getMessage());
                        continue;
                    }
                    outcome[1]++;
                }
                l2.anvil().mine(1);
            }
            done[0] = true;
        };
        if (l2.anvil().miningCanBeStopped()) {
            l2.anvil().whileMiningStopped(work);
        } else {
            work.send(); // sub-second interval mining cannot be stopped; a block mined meanwhile is checked anew
        }
        if (!done[0]) {
            return;
        }
        blocksReorgedAway.incrementAndGet();
        reincluded.addAndGet(outcome[1]);
        dropped.addAndGet(outcome[2]);
        log.warn("block taken off the chain l2={} block={} blockHash={} invalidTxs={} blocksReplaced={}"
                + " txsReincluded={} txsDropped={}", l2.name(), n, block.getHash(),
                invalidTxs.stream().collect(Collectors.joining(",")), outcome[0], outcome[1], outcome[2]);
    }

    /**
     * {@code tx} signed again at {@code nonce} with the sequencer key (same call, gas and fees): the operator that
     * builds the block re-signs its own transactions, such as a deposit's record after its forged relay. Null when
     * another key sent it (its owner sends it again, as after any reorg that drops it) or its type is neither legacy
     * nor EIP-1559.
     */
    private String resigned(Transaction tx, BigInteger nonce) {
        DevKeys key = DevKeys.SEQUENCER;
        if (!key.address().equalsIgnoreCase(tx.getFrom())) {
            return null;
        }
        String to = tx.getTo() == null ? "" : tx.getTo();
        String type = tx.getType() == null ? "0x0" : tx.getType().toLowerCase(Locale.ROOT);
        byte[] signed = switch (type) {
            case "0x0" -> TransactionEncoder.signMessage(RawTransaction.createTransaction(nonce, tx.getGasPrice(),
                    tx.getGas(), to, tx.getValue(), tx.getInput()), l2.chainId(), key.credentials());
            case "0x2" -> TransactionEncoder.signMessage(RawTransaction.createTransaction(l2.chainId(), nonce,
                    tx.getGas(), to, tx.getValue(), tx.getInput(), tx.getMaxPriorityFeePerGas(), tx.getMaxFeePerGas(),
                    accessList(tx)), key.credentials());
            default -> null;
        };
        return signed == null ? null : Numeric.toHexString(signed);
    }

    /**
     * The bytes of {@code tx} to send it again, or null when they cannot be had: the node's for a signed transaction;
     * for a deposit, which anvil does not give back, encoded again from its fields ({@link OpDepositTx}), and only
     * when that gives the same hash.
     */
    private String signedBytes(Transaction tx) throws IOException {
        if (!DEPOSIT_TYPE.equalsIgnoreCase(tx.getType())) {
            return l2.anvil().rawTransaction(tx.getHash());
        }
        Map<String, Object> json = l2.anvil().transactionJson(tx.getHash());
        if (json == null || json.get("sourceHash") == null) {
            return null;
        }
        String to = (String) json.get("to");
        byte[] input = Numeric.hexStringToByteArray(String.valueOf(json.getOrDefault("input", "0x")));
        OpDepositTx deposit = new OpDepositTx(Numeric.hexStringToByteArray((String) json.get("sourceHash")),
                new DepositTransaction((String) json.get("from"), to == null ? ZERO_ADDRESS : to,
                        quantity(json.get("mint")), quantity(json.get("value")), quantity(json.get("gas")), to == null,
                        input));
        if (Boolean.TRUE.equals(json.get("isSystemTx")) || !deposit.hash().equalsIgnoreCase(tx.getHash())) {
            log.warn("deposit of a taken-away block cannot be encoded again l2={} tx={}", l2.name(), tx.getHash());
            return null;
        }
        return Numeric.toHexString(deposit.encoded());
    }

    private static BigInteger quantity(Object hex) {
        return hex == null ? BigInteger.ZERO : Numeric.decodeQuantity(hex.toString());
    }

    /** The checksum of the message an {@code ExecutingMessage} log names, or null when the log is malformed. */
    private static byte[] emittedChecksum(Log l) {
        byte[] data = Numeric.hexStringToByteArray(l.getData());
        if (l.getTopics().size() != 2 || data.length != 5 * 32) {
            return null;
        }
        BigInteger[] words = new BigInteger[5];
        for (int i = 0; i < 5; i++) {
            words[i] = new BigInteger(1, java.util.Arrays.copyOfRange(data, 32 * i, 32 * (i + 1)));
        }
        if (words[1].bitLength() > 64 || words[2].bitLength() > 32 || words[3].bitLength() > 64
                || words[4].signum() == 0) {
            return null;
        }
        String origin = Numeric.toHexStringWithPrefixZeroPadded(words[0], 40);
        ExecutingMessages.Identifier id = new ExecutingMessages.Identifier(origin, words[1].longValue(),
                words[2].longValueExact(), words[3].longValue(), words[4]);
        return ExecutingMessages.checksum(id, Numeric.hexStringToByteArray(l.getTopics().get(1)));
    }

    private static List<AccessListObject> accessList(Transaction tx) {
        if (tx.getAccessList() == null) {
            return List.of();
        }
        return tx.getAccessList().stream().map(o -> new AccessListObject(o.getAddress(), o.getStorageKeys()))
                .toList();
    }

    private static EthBlock.Block block(DevChain chain, long number, boolean fullTxs) throws IOException {
        EthBlock b = chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)),
                fullTxs).send();
        if (b.hasError()) {
            throw new IOException("eth_getBlockByNumber " + number + " failed on " + chain.name() + ": "
                    + b.getError().getMessage());
        }
        return b.getBlock();
    }

    private static List<Log> logs(DevChain chain, String blockHash) throws IOException {
        EthLog r = chain.web3j().ethGetLogs(new EthFilter(blockHash)).send();
        if (r.hasError()) {
            throw new IOException("eth_getLogs of block " + blockHash + " failed on " + chain.name() + ": "
                    + r.getError().getMessage());
        }
        List<Log> out = new ArrayList<>();
        for (EthLog.LogResult<?> lr : r.getLogs()) {
            out.add((Log) lr.get());
        }
        return out;
    }
}
