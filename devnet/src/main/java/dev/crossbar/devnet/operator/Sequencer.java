package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.core.protocol.DepositTransaction;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
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
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * The devnet's sequencer for one L2: executes the deposits made on the L1 Portal, in deposit-nonce
 * order, through the L2's deposit executor. It keeps no state of its own: the executor's
 * {@code executedCount} says where it stands, so a restarted sequencer picks up where it left off.
 */
public final class Sequencer {
    private static final Logger log = LoggerFactory.getLogger(Sequencer.class);

    private final DevChain l1;
    private final DevChain l2;
    private final String portal;
    private final DepositExecutor executor;
    private final NavigableMap<BigInteger, DepositTransaction> pending = new TreeMap<>();
    private final Set<BigInteger> censored = ConcurrentHashMap.newKeySet();
    private final AtomicLong executed = new AtomicLong();
    private volatile boolean censorNext;
    private long nextL1Block;

    public Sequencer(DevChain l1, DevChain l2, DevnetManifest.Settlement settlement) {
        this.l1 = l1;
        this.l2 = l2;
        this.portal = settlement.portal();
        this.executor = DepositExecutor.load(Predeploys.DEVNET_DEPOSIT_EXECUTOR, l2.web3j(),
                l2.txManager(DevKeys.SEQUENCER.credentials()), DevChain.GAS);
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
            DepositTransaction d = pending.remove(next);
            executor.executeDeposit(next, d.from(), d.to(), d.mint(), d.value(), d.gasLimit(), d.isCreation(),
                    d.data()).send();
            log.info("deposit executed l2={} depositNonce={} from={} to={} mint={}", l2.name(), next, d.from(), d.to(),
                    d.mint());
            executed.incrementAndGet();
            count++;
            next = next.add(BigInteger.ONE);
        }
        pending.headMap(next).clear();
        return count;
    }

    private void readNewDeposits() throws Exception {
        LogPages.Page page = LogPages.read(l1, portal, nextL1Block,
                EventEncoder.encode(Portal.TRANSACTIONDEPOSITED_EVENT), EventEncoder.encode(Portal.DEPOSITESCROWED_EVENT));
        // TransactionDeposited and DepositEscrowed come as a pair from one deposit, in that order.
        Map<String, DepositTransaction> byLog = new HashMap<>();
        for (Log l : page.logs()) {
            String topic0 = l.getTopics().getFirst();
            if (topic0.equals(EventEncoder.encode(Portal.TRANSACTIONDEPOSITED_EVENT))) {
                Portal.TransactionDepositedEventResponse e = Portal.getTransactionDepositedEventFromLog(l);
                byLog.put(l.getTransactionHash() + ":" + l.getLogIndex(),
                        DepositTransaction.decode(e.from, e.to, e.version, e.opaqueData));
            } else {
                Portal.DepositEscrowedEventResponse e = Portal.getDepositEscrowedEventFromLog(l);
                DepositTransaction d = byLog.get(l.getTransactionHash() + ":" + l.getLogIndex().subtract(BigInteger.ONE));
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
