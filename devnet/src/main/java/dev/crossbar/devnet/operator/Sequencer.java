package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.DepositTransaction;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.core.protocol.OpDepositTx;
import dev.crossbar.devnet.faultproof.OpDepositSender;
import java.io.IOException;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * The devnet's sequencer for one L2 that settles through the output oracle: includes the deposits made on the L1
 * Portal, in deposit-nonce order, as OP deposit transactions ({@code 0x7E}, {@link OpDepositSender}: the L2 hash a
 * client computes from the L1 log), and records each one on the L2's {@link DepositExecutor} in the same L2 block
 * ({@link dev.crossbar.devnet.AnvilRpc#inOneBlock}). The record's {@code executedCount} is what the Portal's escape
 * mode proves: as no output can separate a deposit from its record, a deposit that counts as unexecuted at an output
 * had not run.
 *
 * <p>It keeps no state of its own: the executor's {@code executedCount} says where it stands, so a restarted
 * sequencer picks up where it left off.
 */
public final class Sequencer {
    private static final Logger log = LoggerFactory.getLogger(Sequencer.class);
    private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
    /** Gas of a record: a storage write and an event. */
    private static final long RECORD_GAS = 100_000;

    private final DevChain l1;
    private final DevChain l2;
    private final String portal;
    private final DepositExecutor executor;
    private final TransactionManager sequencerKey;
    private final OpDepositSender sender;
    private final NavigableMap<BigInteger, OpDepositTx> pending = new TreeMap<>();
    private final Set<BigInteger> censored = ConcurrentHashMap.newKeySet();
    private final AtomicLong executed = new AtomicLong();
    private volatile boolean censorNext;
    private long nextL1Block;

    public Sequencer(DevChain l1, DevChain l2, DevnetManifest.Settlement settlement) {
        this.l1 = l1;
        this.l2 = l2;
        this.portal = settlement.portal();
        this.sequencerKey = l2.txManager(DevKeys.SEQUENCER.credentials());
        this.executor = DepositExecutor.load(Predeploys.DEVNET_DEPOSIT_EXECUTOR, l2.web3j(), sequencerKey,
                DevChain.GAS);
        this.sender = new OpDepositSender(l2);
    }

    /**
     * Reads new deposits from the L1 and executes every one that is due, stopping at a censored one.
     *
     * @return how many deposits were executed
     */
    public synchronized int executeDue() throws Exception {
        readNewDeposits();
        BigInteger next = executor.executedCount().send();
        int count = 0;
        while (pending.containsKey(next)) {
            if (censorNext) {
                censored.add(next);
                censorNext = false;
                log.warn("censoring deposit l2={} depositNonce={}", l2.name(), next);
            }
            if (censored.contains(next)) {
                break;
            }
            include(next, pending.remove(next));
            executed.incrementAndGet();
            count++;
            next = next.add(BigInteger.ONE);
        }
        pending.headMap(next).clear();
        return count;
    }

    /**
     * Puts deposit {@code nonce} on the L2 with its record, in one block. A deposit the L2 already has (sent by a
     * sequencer that stopped before recording it, which only a crash between the two can leave) is recorded alone.
     */
    private void include(BigInteger nonce, OpDepositTx tx) throws IOException {
        DepositTransaction d = tx.deposit();
        String hash = tx.hash();
        boolean had = sender.known(hash);
        // The record says whether the deposit's call succeeded, before the block that runs it is mined: ask the L2
        // what the call does on its latest state, with the deposit's mint credited to its sender.
        String failure = had ? null : callFailure(d);
        boolean success = had ? sender.awaitReceipt(hash).isStatusOK() : failure == null;
        String record = executor.recordExecuted(nonce, d.depositHash(nonce), d.from(),
                d.isCreation() ? ZERO_ADDRESS : d.to(), success).encodeFunctionCall();
        String[] recordHash = new String[1];
        l2.anvil().inOneBlock(() -> {
            if (!had) {
                sender.send(tx);
            }
            EthSendTransaction sent = sequencerKey.sendTransaction(DevChain.GAS.getGasPrice(),
                    BigInteger.valueOf(RECORD_GAS), Predeploys.DEVNET_DEPOSIT_EXECUTOR, record, BigInteger.ZERO);
            if (sent.hasError()) {
                throw new IOException("L2 " + l2.name() + " refused the record of deposit " + nonce + ": "
                        + sent.getError().getMessage());
            }
            recordHash[0] = sent.getTransactionHash();
            awaitPooled(had ? List.of(recordHash[0]) : List.of(hash, recordHash[0]));
        });
        TransactionReceipt recorded = sender.awaitReceipt(recordHash[0]);
        if (!recorded.isStatusOK()) {
            throw new IOException("the record of deposit " + nonce + " reverted on L2 " + l2.name() + " (tx "
                    + recordHash[0] + ")");
        }
        TransactionReceipt deposited = sender.awaitReceipt(hash);
        if (had) {
            log.error("deposit was on the L2 without its record, recorded now in a later block l2={} depositNonce={}"
                    + " tx={}", l2.name(), nonce, hash);
        } else {
            for (int attempt = 1; !deposited.getBlockNumber().equals(recorded.getBlockNumber()); attempt++) {
                if (attempt > 5) {
                    throw new IOException("deposit " + nonce + " (tx " + hash + ") and its record (tx " + recordHash[0]
                            + ") stay in different L2 blocks on " + l2.name() + " after 5 tries to regroup them: "
                            + blockTxs(deposited) + " / " + blockTxs(recorded));
                }
                log.warn("deposit and its record were mined in different blocks, regrouping them l2={} depositNonce={}"
                        + " deposit={} record={} attempt={}", l2.name(), nonce, blockTxs(deposited),
                        blockTxs(recorded), attempt);
                regroup(tx, deposited, recorded);
                recorded = sender.awaitReceipt(recordHash[0]);
                deposited = sender.awaitReceipt(hash);
            }
        }
        if (deposited.isStatusOK() != success) {
            log.error("deposit recorded with the wrong outcome l2={} depositNonce={} tx={} recorded={} receipt={}",
                    l2.name(), nonce, hash, success, deposited.isStatusOK());
        }
        log.info("deposit executed l2={} depositNonce={} tx={} from={} to={} mint={} success={}{}", l2.name(), nonce,
                hash, d.from(), d.to(), d.mint(), success, failure == null ? "" : " failure=" + failure);
    }

    /**
     * Waits until the node shows every one of {@code hashes}, so that the block mined next takes them all: a send's
     * answer does not always mean the transaction is in the pool yet.
     */
    private void awaitPooled(List<String> hashes) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (String h : hashes) {
            while (l2.web3j().ethGetTransactionByHash(h).send().getTransaction().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("L2 " + l2.name() + " does not show tx " + h + " 5 s after accepting it");
                }
                Thread.onSpinWait();
            }
        }
    }

    /**
     * Puts a deposit and its record back in one block after something split them (anvil now and then mines one of
     * the two on its own while its mining is stopped; the cause is not known): the blocks from the first of the two
     * on are taken off the chain ({@link dev.crossbar.devnet.AnvilRpc#reorg}) and mined again with the same
     * transactions, the deposit and then its record at the end of the later block.
     */
    private void regroup(OpDepositTx deposit, TransactionReceipt deposited, TransactionReceipt recorded)
            throws IOException {
        long depositBlock = deposited.getBlockNumber().longValueExact();
        long recordBlock = recorded.getBlockNumber().longValueExact();
        long first = Math.min(depositBlock, recordBlock);
        long last = Math.max(depositBlock, recordBlock);
        long head = l2.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        String recordRaw = l2.anvil().rawTransaction(recorded.getTransactionHash());
        if (recordRaw == null) {
            throw new IOException("L2 " + l2.name() + " has no raw bytes of tx " + recorded.getTransactionHash());
        }
        List<List<Object>> txs = new java.util.ArrayList<>();
        for (long b = first; b <= head; b++) {
            EthBlock.Block block = l2.web3j().ethGetBlockByNumber(
                    org.web3j.protocol.core.DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), false).send()
                    .getBlock();
            for (EthBlock.TransactionResult<?> t : block.getTransactions()) {
                String h = String.valueOf(t.get());
                if (h.equalsIgnoreCase(deposited.getTransactionHash())
                        || h.equalsIgnoreCase(recorded.getTransactionHash())) {
                    continue;
                }
                String raw = l2.anvil().rawTransaction(h);
                if (raw != null) {
                    txs.add(List.of(raw, b - first));
                }
            }
            if (b == last) {
                txs.add(List.of(Numeric.toHexString(deposit.encoded()), b - first));
                txs.add(List.of(recordRaw, b - first));
            }
        }
        l2.anvil().reorg(head - first + 1, txs);
    }

    /** A block's number, time and transactions, for an error. */
    private String blockTxs(TransactionReceipt r) throws IOException {
        EthBlock.Block b = l2.web3j().ethGetBlockByHash(r.getBlockHash(), false).send().getBlock();
        return "block " + b.getNumber() + " (time " + b.getTimestamp() + ", txs " + b.getTransactions().stream()
                .map(t -> String.valueOf(t.get())).toList() + ")";
    }

    private String callFailure(DepositTransaction d) throws IOException {
        BigInteger balance = l2.web3j().ethGetBalance(d.from(), DefaultBlockParameterName.LATEST).send().getBalance();
        Map<String, String> call = new HashMap<>();
        call.put("from", d.from());
        if (!d.isCreation()) {
            call.put("to", d.to());
        }
        call.put("value", Numeric.toHexStringWithPrefix(d.value()));
        call.put("gas", Numeric.toHexStringWithPrefix(d.gasLimit()));
        call.put("data", Numeric.toHexString(d.data()));
        return l2.anvil().callFailure(call, Map.of(d.from(),
                Map.of("balance", Numeric.toHexStringWithPrefix(balance.add(d.mint())))));
    }

    private void readNewDeposits() throws Exception {
        LogPages.Page page = LogPages.read(l1, portal, nextL1Block,
                EventEncoder.encode(Portal.TRANSACTIONDEPOSITED_EVENT), EventEncoder.encode(Portal.DEPOSITESCROWED_EVENT));
        // TransactionDeposited and DepositEscrowed come as a pair from one deposit, in that order.
        Map<String, OpDepositTx> byLog = new HashMap<>();
        for (Log l : page.logs()) {
            String topic0 = l.getTopics().getFirst();
            if (topic0.equals(EventEncoder.encode(Portal.TRANSACTIONDEPOSITED_EVENT))) {
                Portal.TransactionDepositedEventResponse e = Portal.getTransactionDepositedEventFromLog(l);
                byLog.put(l.getTransactionHash() + ":" + l.getLogIndex(),
                        OpDepositTx.at(l, DepositTransaction.decode(e.from, e.to, e.version, e.opaqueData)));
            } else {
                Portal.DepositEscrowedEventResponse e = Portal.getDepositEscrowedEventFromLog(l);
                OpDepositTx d = byLog.get(l.getTransactionHash() + ":" + l.getLogIndex().subtract(BigInteger.ONE));
                if (d == null) {
                    log.error("DepositEscrowed without its TransactionDeposited tx={} logIndex={}",
                            l.getTransactionHash(), l.getLogIndex());
                    continue;
                }
                pending.put(e.depositNonce, d);
            }
        }
        nextL1Block = page.next();
    }

    /** Censors {@code depositNonce}, or the next deposit to execute when null. */
    public void censor(BigInteger depositNonce) {
        if (depositNonce == null) {
            censorNext = true;
        } else {
            censored.add(depositNonce);
        }
    }

    public void stopCensoring() {
        censored.clear();
        censorNext = false;
    }

    public List<BigInteger> censored() {
        return censored.stream().sorted().toList();
    }

    public long executedCount() {
        return executed.get();
    }

    String l2Name() {
        return l2.name();
    }

    static String hex(byte[] b) {
        return Numeric.toHexString(b);
    }
}
