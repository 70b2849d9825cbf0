package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2ToL2Messenger;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetManifest;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The devnet operator: for each L2, a sequencer (executes L1 deposits) and a proposer (posts output
 * roots), run on fixed intervals. Honest until told otherwise through {@link #misbehave}.
 */
public final class DevnetOperator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevnetOperator.class);

    private final Devnet devnet;
    private final Map<String, Sequencer> sequencers = new LinkedHashMap<>();
    private final Map<String, Proposer> proposers = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final SecureRandom random = new SecureRandom();

    private DevnetOperator(Devnet devnet) {
        this.devnet = devnet;
        DevnetManifest manifest = devnet.manifest();
        for (int i = 0; i < devnet.l2s().size(); i++) {
            DevChain l2 = devnet.l2(i);
            DevnetManifest.Settlement s = manifest.l2s().get(i).settlement();
            sequencers.put(l2.name(), new Sequencer(devnet.l1(), l2, s));
            proposers.put(l2.name(), new Proposer(devnet.l1(), l2, s));
        }
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "devnet-operator");
            t.setDaemon(true);
            return t;
        });
    }

    /** An operator that acts only when called (tests drive it step by step). */
    public static DevnetOperator manual(Devnet devnet) {
        return new DevnetOperator(devnet);
    }

    /**
     * An operator that executes deposits every {@code sequencerInterval} and proposes outputs every
     * {@code proposalInterval}.
     */
    public static DevnetOperator running(Devnet devnet, Duration sequencerInterval, Duration proposalInterval) {
        DevnetOperator op = new DevnetOperator(devnet);
        op.scheduler.scheduleWithFixedDelay(op::sequenceAllQuietly, 0, sequencerInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        op.scheduler.scheduleWithFixedDelay(op::proposeAllQuietly, proposalInterval.toMillis(),
                proposalInterval.toMillis(), TimeUnit.MILLISECONDS);
        return op;
    }

    private void sequenceAllQuietly() {
        for (Sequencer s : sequencers.values()) {
            try {
                s.executeDue();
            } catch (Exception e) {
                log.warn("sequencer step failed l2={} error={}", s.l2Name(), e.toString());
            }
        }
    }

    private void proposeAllQuietly() {
        proposers.forEach((name, p) -> {
            try {
                p.proposeIfDue();
            } catch (Exception e) {
                log.warn("proposer step failed l2={} error={}", name, e.toString());
            }
        });
    }

    public Sequencer sequencer(String l2) {
        Sequencer s = sequencers.get(l2);
        if (s == null) {
            throw new IllegalArgumentException("no L2 named '" + l2 + "'; one of " + sequencers.keySet());
        }
        return s;
    }

    public Proposer proposer(String l2) {
        Proposer p = proposers.get(l2);
        if (p == null) {
            throw new IllegalArgumentException("no L2 named '" + l2 + "'; one of " + proposers.keySet());
        }
        return p;
    }

    /**
     * Turns on a misbehaviour for one L2.
     *
     * @param depositNonce for {@link Misbehaviour#CENSOR_DEPOSIT}: the deposit to censor, or null for the next
     * @return a one-line description of what was done
     */
    public String misbehave(Misbehaviour what, String l2, BigInteger depositNonce) throws Exception {
        return switch (what) {
            case WRONG_OUTPUT -> {
                proposer(l2).proposeWrongOutputNext();
                yield "the next output root proposed for " + l2 + " will be wrong";
            }
            case STOP_PROPOSING -> {
                proposer(l2).setStopped(true);
                yield "the proposer of " + l2 + " stopped proposing";
            }
            case CENSOR_DEPOSIT -> {
                sequencer(l2).censor(depositNonce);
                yield "the sequencer of " + l2 + " censors deposit "
                        + (depositNonce == null ? "(the next one)" : depositNonce.toString());
            }
            case FORGE_RELAY -> "forged relay on " + l2 + ": tx " + forgeRelay(l2).getTransactionHash();
        };
    }

    /** Back to honest: proposes again, censors nothing. */
    public void behave(String l2) {
        proposer(l2).setStopped(false);
        sequencer(l2).stopCensoring();
    }

    /**
     * Relays, to {@code destinationL2}, an L2-to-L2 message that no one sent: a ping of the destination's
     * DemoTarget claimed to come from the other L2, at a nonce its messenger never used.
     */
    public TransactionReceipt forgeRelay(String destinationL2) throws Exception {
        DevnetManifest manifest = devnet.manifest();
        DevnetManifest.Chain dest = manifest.l2(destinationL2);
        DevnetManifest.Chain source = manifest.l2s().stream().filter(c -> !c.name().equals(destinationL2)).findFirst()
                .orElseThrow(() -> new IllegalStateException("a forged relay needs a second L2 to claim as source"));
        DevChain destChain = devnet.l2s().stream().filter(c -> c.name().equals(destinationL2)).findFirst().orElseThrow();
        DevChain sourceChain = devnet.l2s().stream().filter(c -> c.name().equals(source.name())).findFirst()
                .orElseThrow();
        EthBlock.Block sourceHead = sourceChain.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
                .send().getBlock();
        BigInteger forgedNonce = BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(random.nextInt(1 << 30)));
        String ping = DemoTarget.load(dest.contract("demoTarget"), destChain.web3j(),
                destChain.txManager(DevKeys.SEQUENCER.credentials()), DevChain.GAS).ping("forged", BigInteger.ZERO)
                .encodeFunctionCall();
        L2ToL2Payload payload = new L2ToL2Payload(BigInteger.valueOf(dest.chainId()), dest.contract("demoTarget"),
                forgedNonce, DevKeys.USER.address(), Numeric.hexStringToByteArray(ping));
        L2ToL2Messenger messenger = L2ToL2Messenger.load(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                destChain.web3j(), destChain.txManager(DevKeys.SEQUENCER.credentials()), DevChain.GAS);
        L2ToL2Messenger.Identifier id = new L2ToL2Messenger.Identifier(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                sourceHead.getNumber(), BigInteger.ZERO, sourceHead.getTimestamp(), BigInteger.valueOf(source.chainId()));
        TransactionReceipt receipt = messenger.relayMessage(id, payload.encode(), BigInteger.ZERO).send();
        log.warn("forged L2-to-L2 relay sent destination={} claimedSource={} nonce={} tx={}", destinationL2,
                source.name(), forgedNonce, receipt.getTransactionHash());
        return receipt;
    }

    /** A snapshot of what the operator has done and which switches are on. */
    public List<Map<String, Object>> status() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l2 : sequencers.keySet()) {
            Sequencer s = sequencers.get(l2);
            Proposer p = proposers.get(l2);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("l2", l2);
            m.put("depositsExecuted", s.executedCount());
            m.put("censoredDeposits", s.censored().stream().map(BigInteger::toString).toList());
            m.put("outputsProposed", p.proposedCount());
            m.put("lastProposedL2Block", p.lastProposedBlock());
            m.put("proposerStopped", p.isStopped());
            m.put("wrongOutputArmed", p.isWrongOutputArmed());
            out.add(m);
        }
        return out;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
