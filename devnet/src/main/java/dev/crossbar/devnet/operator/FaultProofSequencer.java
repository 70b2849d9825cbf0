package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.faultproof.OpDepositSender;
import dev.crossbar.core.protocol.OpDepositTx;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The devnet's sequencer for one L2 that settles through fault proofs: carries every {@code TransactionDeposited}
 * log of the L2's OptimismPortal2 to the L2 as a deposit transaction ({@code 0x7E}, {@link OpDepositSender}), once
 * each, in L1 log order.
 *
 * <p>It keeps no state of its own: a deposit's L2 hash follows from its log, so "already on the L2?" is a lookup.
 * A new sequencer reads the portal's logs from the L1's first block and looks each deposit up, so a restart neither
 * sends one again nor misses one made while it was down. A deposit is known by its index in the portal's deposits
 * (0 for the first), which is what {@link #censor} takes.
 *
 * <p>A censored deposit holds every later one behind it, as deposits execute in order, but only for the sequencing
 * window ({@link DevnetManifest.FaultProofSettlement#sequencingWindowSeconds}, L1 time from the deposit's L1 block):
 * past it the deposit is forced in, and the ones held behind it follow in order, as OP's derivation forces the
 * deposits of an L1 origin into the L2 once the sequencer's window for that origin has passed. A manifest without a
 * sequencing window (0) censors for good.
 */
public final class FaultProofSequencer {
    private static final Logger log = LoggerFactory.getLogger(FaultProofSequencer.class);
    private static final String TRANSACTION_DEPOSITED = EventEncoder.encode(OptimismPortal2.TRANSACTIONDEPOSITED_EVENT);

    private final DevChain l1;
    private final DevChain l2;
    private final String portal;
    private final OpDepositSender sender;
    private final long sequencingWindow;
    /** Every deposit read from the portal so far, in L1 log order: index = deposit index. */
    private final List<Deposit> deposits = new ArrayList<>();
    private final Set<Long> censored = ConcurrentHashMap.newKeySet();
    private final AtomicLong onL2 = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong forced = new AtomicLong();
    private volatile boolean censorNext;
    private long nextL1Block;

    public FaultProofSequencer(DevChain l1, DevChain l2, DevnetManifest.FaultProofSettlement settlement) {
        this.l1 = l1;
        this.l2 = l2;
        this.portal = settlement.portal();
        this.sender = new OpDepositSender(l2);
        this.sequencingWindow = settlement.sequencingWindowSeconds();
    }

    /** A deposit and the timestamp of its L1 block (where its sequencing window starts). */
    private record Deposit(OpDepositTx tx, long l1Timestamp) {}

    /**
     * Reads new deposits from the L1 and includes, in order, every one the L2 does not have yet, stopping at a
     * censored one (deposits execute in order) whose sequencing window has not passed yet.
     *
     * @return how many deposits were sent to the L2 (those it already had are not counted)
     */
    public synchronized int executeDue() throws Exception {
        readNewDeposits();
        int count = 0;
        long l1Now = -1;
        for (int i = (int) onL2.get(); i < deposits.size(); i++) {
            if (censorNext) {
                censored.add((long) i);
                censorNext = false;
                log.warn("censoring deposit l2={} depositIndex={}", l2.name(), i);
            }
            if (censored.contains((long) i)) {
                long forcedAt = deposits.get(i).l1Timestamp() + sequencingWindow;
                l1Now = l1Now < 0 ? l1Timestamp(DefaultBlockParameterName.LATEST) : l1Now;
                if (sequencingWindow <= 0 || l1Now < forcedAt) {
                    break;
                }
                censored.remove((long) i);
                forced.incrementAndGet();
                log.warn("censored deposit forced in after the sequencing window l2={} depositIndex={}"
                        + " sequencingWindowSeconds={} l1Now={}", l2.name(), i, sequencingWindow, l1Now);
            }
            OpDepositTx d = deposits.get(i).tx();
            if (sender.include(d).sent()) {
                count++;
                sent.incrementAndGet();
                log.info("deposit carried l2={} depositIndex={} tx={}", l2.name(), i, d.hash());
            }
            onL2.set(i + 1);
        }
        return count;
    }

    private void readNewDeposits() throws Exception {
        LogPages.Page page = LogPages.read(l1, portal, nextL1Block, TRANSACTION_DEPOSITED);
        // Logs come in block order, and in log order within a block: the order deposits execute in.
        long block = -1;
        long timestamp = 0;
        for (Log l : page.logs()) {
            if (l.getBlockNumber().longValueExact() != block) {
                block = l.getBlockNumber().longValueExact();
                timestamp = l1Timestamp(DefaultBlockParameter.valueOf(l.getBlockNumber()));
            }
            deposits.add(new Deposit(OpDepositTx.from(OptimismPortal2.getTransactionDepositedEventFromLog(l)),
                    timestamp));
        }
        nextL1Block = page.next();
    }

    private long l1Timestamp(DefaultBlockParameter block) throws java.io.IOException {
        return l1.web3j().ethGetBlockByNumber(block, false).send().getBlock().getTimestamp().longValueExact();
    }

    /** Censors the deposit with index {@code depositIndex}, or the next deposit to include when null. */
    public void censor(BigInteger depositIndex) {
        if (depositIndex == null) {
            censorNext = true;
        } else {
            censored.add(depositIndex.longValueExact());
        }
    }

    public void stopCensoring() {
        censored.clear();
        censorNext = false;
    }

    public List<BigInteger> censored() {
        return censored.stream().sorted().map(BigInteger::valueOf).toList();
    }

    /** How many of the portal's deposits, counted from the first, are known to be on the L2. */
    public long depositsOnL2() {
        return onL2.get();
    }

    /** How many censored deposits were forced in once their sequencing window had passed. */
    public long forcedCount() {
        return forced.get();
    }

    /** How many deposits this sequencer sent (not counting those the L2 already had). */
    public long sentCount() {
        return sent.get();
    }

    String l2Name() {
        return l2.name();
    }
}
