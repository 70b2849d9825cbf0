package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.bindings.DemoTarget;
import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.contracts.op.SuperchainConfig;
import dev.crossbar.core.protocol.ExecutingMessages;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.utils.Numeric;

/**
 * The devnet operator: for each L2, a sequencer (executes L1 deposits) and a proposer (posts output
 * roots), run on fixed intervals. Honest until told otherwise through {@link #misbehave}.
 *
 * <p>An L2 that settles through the output oracle has a {@link Sequencer} and a {@link Proposer}; one that settles
 * through fault proofs a {@link FaultProofSequencer} and a {@link GameProposer}, and the guardian's switches.
 *
 * <p>Every L2 has an {@link InteropBlockCheck}, the block builder's check of interop executing messages: a block
 * with an invalid one is taken off the chain. A running operator runs it on the sequencer's interval; the proposers
 * bring it up to date before they propose, and propose only blocks it has passed (a manual operator's check runs
 * only then, or when called).
 */
public final class DevnetOperator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevnetOperator.class);

    private final Devnet devnet;
    private final Map<String, Sequencer> sequencers = new LinkedHashMap<>();
    private final Map<String, Proposer> proposers = new LinkedHashMap<>();
    private final Map<String, FaultProofSequencer> faultProofSequencers = new LinkedHashMap<>();
    private final Map<String, GameProposer> gameProposers = new LinkedHashMap<>();
    private final Map<String, InteropBlockCheck> interopChecks = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final SecureRandom random = new SecureRandom();

    private DevnetOperator(Devnet devnet, Duration messageExpiry) {
        this.devnet = devnet;
        DevnetManifest manifest = devnet.manifest();
        for (int i = 0; i < devnet.l2s().size(); i++) {
            DevChain l2 = devnet.l2(i);
            DevnetManifest.Chain entry = manifest.l2s().get(i);
            InteropBlockCheck check;
            try {
                check = new InteropBlockCheck(l2, devnet.l2s(), messageExpiry);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the interop block check of " + l2.name() + ": "
                        + e.getMessage(), e);
            }
            interopChecks.put(l2.name(), check);
            if (entry.faultProofs() != null) {
                faultProofSequencers.put(l2.name(), new FaultProofSequencer(devnet.l1(), l2, entry.faultProofs()));
                gameProposers.put(l2.name(), new GameProposer(devnet.l1(), l2, entry.faultProofs(), check));
            } else {
                sequencers.put(l2.name(), new Sequencer(devnet.l1(), l2, entry.settlement()));
                proposers.put(l2.name(), new Proposer(devnet.l1(), l2, entry.settlement(), check));
            }
        }
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "devnet-operator");
            t.setDaemon(true);
            return t;
        });
    }

    /** An operator that acts only when called (tests drive it step by step). */
    public static DevnetOperator manual(Devnet devnet) {
        return new DevnetOperator(devnet, InteropBlockCheck.DEFAULT_EXPIRY);
    }

    /**
     * An operator that executes deposits every {@code sequencerInterval} and proposes outputs every
     * {@code proposalInterval} (on fault proofs: resolves the games it can, then creates one if due).
     */
    public static DevnetOperator running(Devnet devnet, Duration sequencerInterval, Duration proposalInterval) {
        return running(devnet, sequencerInterval, proposalInterval, InteropBlockCheck.DEFAULT_EXPIRY);
    }

    /**
     * A running operator ({@link #running(Devnet, Duration, Duration)}) whose interop block check, run every
     * {@code sequencerInterval}, lets a message be executed at most {@code messageExpiry} after its source block
     * (OP's window, {@link InteropBlockCheck#DEFAULT_EXPIRY}, unless a test wants a short one).
     */
    public static DevnetOperator running(Devnet devnet, Duration sequencerInterval, Duration proposalInterval,
            Duration messageExpiry) {
        DevnetOperator op = new DevnetOperator(devnet, messageExpiry);
        op.scheduler.scheduleWithFixedDelay(op::checkAllQuietly, 0, sequencerInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        op.scheduler.scheduleWithFixedDelay(op::sequenceAllQuietly, 0, sequencerInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        op.scheduler.scheduleWithFixedDelay(op::proposeAllQuietly, proposalInterval.toMillis(),
                proposalInterval.toMillis(), TimeUnit.MILLISECONDS);
        return op;
    }

    private void checkAllQuietly() {
        interopChecks.forEach((name, c) -> {
            try {
                c.checkNew();
            } catch (Exception e) {
                log.warn("interop block check failed l2={} error={}", name, e.toString());
            }
        });
    }

    private void sequenceAllQuietly() {
        for (Sequencer s : sequencers.values()) {
            try {
                s.executeDue();
            } catch (Exception e) {
                log.warn("sequencer step failed l2={} error={}", s.l2Name(), e.toString());
            }
        }
        for (FaultProofSequencer s : faultProofSequencers.values()) {
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
        gameProposers.forEach((name, p) -> {
            try {
                p.step();
            } catch (Exception e) {
                log.warn("proposer step failed l2={} error={}", name, e.toString());
            }
        });
    }

    /** The sequencer of an L2 that settles through the output oracle. */
    public Sequencer sequencer(String l2) {
        return of(sequencers, l2, SettlementKind.OUTPUT_ORACLE);
    }

    /** The proposer of an L2 that settles through the output oracle. */
    public Proposer proposer(String l2) {
        return of(proposers, l2, SettlementKind.OUTPUT_ORACLE);
    }

    /** The sequencer of an L2 that settles through fault proofs. */
    public FaultProofSequencer faultProofSequencer(String l2) {
        return of(faultProofSequencers, l2, SettlementKind.FAULT_PROOFS);
    }

    /** The proposer of an L2 that settles through fault proofs. */
    public GameProposer gameProposer(String l2) {
        return of(gameProposers, l2, SettlementKind.FAULT_PROOFS);
    }

    /** The block builder's interop check of {@code l2}. */
    public InteropBlockCheck interopCheck(String l2) {
        settlementOf(l2);
        return interopChecks.get(l2);
    }

    /** How {@code l2} settles. */
    public SettlementKind settlementOf(String l2) {
        if (sequencers.containsKey(l2)) {
            return SettlementKind.OUTPUT_ORACLE;
        }
        if (faultProofSequencers.containsKey(l2)) {
            return SettlementKind.FAULT_PROOFS;
        }
        throw new IllegalArgumentException("no L2 named '" + l2 + "'; one of " + l2Names());
    }

    private <T> T of(Map<String, T> parts, String l2, SettlementKind kind) {
        SettlementKind actual = settlementOf(l2);
        if (actual != kind) {
            throw new IllegalArgumentException("L2 " + l2 + " settles through " + actual.cliName() + ", not "
                    + kind.cliName());
        }
        return parts.get(l2);
    }

    private List<String> l2Names() {
        List<String> names = new ArrayList<>(sequencers.keySet());
        names.addAll(faultProofSequencers.keySet());
        return names;
    }

    /**
     * Turns on a misbehaviour for one L2.
     *
     * @param value the switch's number: for {@link Misbehaviour#CENSOR_DEPOSIT} the deposit to censor (null for the
     *     next), for {@link Misbehaviour#BLACKLIST_GAME} the game's factory index, for
     *     {@link Misbehaviour#SET_RESPECTED_TYPE} the game type; null for the others
     * @return a one-line description of what was done
     * @throws IllegalArgumentException when the switch does not apply to how {@code l2} settles, or its value is
     *     missing or not wanted
     */
    public String misbehave(Misbehaviour what, String l2, BigInteger value) throws Exception {
        what.check(settlementOf(l2), value);
        return switch (what) {
            case WRONG_OUTPUT -> {
                proposer(l2).proposeWrongOutputNext();
                yield "the next output root proposed for " + l2 + " will be wrong";
            }
            case STOP_PROPOSING -> {
                if (settlementOf(l2) == SettlementKind.FAULT_PROOFS) {
                    gameProposer(l2).setStopped(true);
                } else {
                    proposer(l2).setStopped(true);
                }
                yield "the proposer of " + l2 + " stopped proposing";
            }
            case CENSOR_DEPOSIT -> {
                if (settlementOf(l2) == SettlementKind.FAULT_PROOFS) {
                    faultProofSequencer(l2).censor(value);
                } else {
                    sequencer(l2).censor(value);
                }
                yield "the sequencer of " + l2 + " censors deposit "
                        + (value == null ? "(the next one)" : value.toString());
            }
            case FORGE_RELAY -> "forged relay on " + l2 + " (let past the interop block check): tx "
                    + forgeRelay(l2, true).getTransactionHash();
            case WRONG_ROOT -> {
                gameProposer(l2).proposeWrongRootNext();
                yield "the next dispute game created for " + l2 + " will claim a wrong root";
            }
            case BLACKLIST_GAME -> {
                String game = gameProposer(l2).factory().gameAtIndex(value).send().component3();
                guardianPortal(l2).blacklistDisputeGame(game).send();
                yield "the guardian blacklisted dispute game " + value + " (" + game + ") of " + l2;
            }
            case SET_RESPECTED_TYPE -> {
                String impl = gameProposer(l2).factory().gameImpls(value).send();
                if (impl == null || impl.equalsIgnoreCase(Address.DEFAULT.getValue())) {
                    throw new IllegalArgumentException("game type " + value + " has no implementation in the"
                            + " factory of " + l2 + "; use 255 (alphabet) or 1 (permissioned)");
                }
                guardianPortal(l2).setRespectedGameType(value).send();
                yield "the guardian made the portal of " + l2 + " respect game type " + value
                        + " (games created before now can no longer finalize withdrawals)";
            }
            case PAUSE -> {
                guardianSuperchainConfig(l2).pause("crossbar devnet operator").send();
                yield "the guardian paused the SuperchainConfig shared by every L2";
            }
            case UNPAUSE -> {
                guardianSuperchainConfig(l2).unpause().send();
                yield "the guardian unpaused the SuperchainConfig shared by every L2";
            }
            case ATTACK_VALID -> attackValid(l2);
        };
    }

    /** Back to honest: proposes again, censors nothing (the guardian's changes stay). */
    public void behave(String l2) {
        if (settlementOf(l2) == SettlementKind.FAULT_PROOFS) {
            gameProposer(l2).setStopped(false);
            faultProofSequencer(l2).stopCensoring();
        } else {
            proposer(l2).setStopped(false);
            sequencer(l2).stopCensoring();
        }
    }

    private DevnetManifest.FaultProofSettlement faultProofs(String l2) {
        return devnet.manifest().l2(l2).faultProofs();
    }

    private OptimismPortal2 guardianPortal(String l2) {
        return OptimismPortal2.load(faultProofs(l2).portal(), devnet.l1().web3j(),
                devnet.l1().txManager(DevKeys.GUARDIAN.credentials()), DevChain.GAS);
    }

    private SuperchainConfig guardianSuperchainConfig(String l2) {
        return SuperchainConfig.load(faultProofs(l2).superchainConfig(), devnet.l1().web3j(),
                devnet.l1().txManager(DevKeys.GUARDIAN.credentials()), DevChain.GAS);
    }

    /**
     * Counters the root of the newest game in progress whose root is the true output root of its block with a
     * false claim ({@code attack} at the root, with the bond {@code getRequiredBond} asks for the new position). The
     * attacker is the permissioned game's challenger for type 1 (only it may move there), another key otherwise.
     */
    private String attackValid(String l2) throws Exception {
        DevChain l2Chain = devnet.l2s().stream().filter(c -> c.name().equals(l2)).findFirst().orElseThrow();
        DisputeGameFactory factory = gameProposer(l2).factory();
        for (long i = factory.gameCount().send().longValueExact() - 1; i >= 0; i--) {
            Tuple3<BigInteger, BigInteger, String> g = factory.gameAtIndex(BigInteger.valueOf(i)).send();
            DevKeys attacker = g.component1().intValueExact() == FaultProofParams.PERMISSIONED ? DevKeys.CHALLENGER
                    : DevKeys.USER_2;
            FaultDisputeGame game = FaultDisputeGame.load(g.component3(), devnet.l1().web3j(),
                    devnet.l1().txManager(attacker.credentials()), DevChain.GAS);
            if (!game.status().send().equals(GameProposer.IN_PROGRESS)) {
                continue;
            }
            byte[] root = game.rootClaim().send();
            long block = game.l2BlockNumber().send().longValueExact();
            if (!Arrays.equals(root, Proposer.computeOutput(l2Chain, block).outputRoot())) {
                continue;
            }
            // The root is at position 1; an attack on it is at position 2.
            BigInteger bond = game.getRequiredBond(BigInteger.TWO).send();
            byte[] claim = new byte[32];
            random.nextBytes(claim);
            TransactionReceipt r = game.attack(root, BigInteger.ZERO, claim, bond).send();
            log.warn("true root attacked l2={} index={} game={} attacker={} bond={} tx={}", l2, i,
                    game.getContractAddress(), attacker.roleName(), bond, r.getTransactionHash());
            return "attacked the true root of dispute game " + i + " (" + game.getContractAddress() + ") of " + l2
                    + " with a false claim, bond " + bond + " wei, tx " + r.getTransactionHash();
        }
        throw new IllegalArgumentException("no dispute game of " + l2 + " in progress has a true root to attack");
    }

    /**
     * Relays, to {@code destinationL2}, an L2-to-L2 message that no one sent: a ping of the destination's
     * DemoTarget claimed to come from the other L2, at a nonce its messenger never used. The destination's
     * {@link InteropBlockCheck} takes it off the chain when it next runs.
     */
    public TransactionReceipt forgeRelay(String destinationL2) throws Exception {
        return forgeRelay(destinationL2, false);
    }

    /**
     * {@link #forgeRelay(String)}; with {@code letThrough}, the destination's interop block check lets it past (it
     * logs and counts it, but keeps its block), as a sequencer that builds its own forgery in would: the forged relay
     * stays on the chain for the monitor to find.
     */
    public TransactionReceipt forgeRelay(String destinationL2, boolean letThrough) throws Exception {
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
        L2ToL2CrossDomainMessenger messenger = L2ToL2CrossDomainMessenger.load(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, destChain.web3j(),
                destChain.txManager(DevKeys.SEQUENCER.credentials()), DevChain.GAS);
        L2ToL2CrossDomainMessenger.Identifier id = new L2ToL2CrossDomainMessenger.Identifier(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, sourceHead.getNumber(), BigInteger.ZERO,
                sourceHead.getTimestamp(), BigInteger.valueOf(source.chainId()));
        // Declared in the access list as an honest relay would be, so the CrossL2Inbox lets it through: only the
        // source chain knows the log does not exist.
        var declared = new ExecutingMessages.Message(new ExecutingMessages.Identifier(
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, sourceHead.getNumber().longValueExact(), 0,
                sourceHead.getTimestamp().longValueExact(), BigInteger.valueOf(source.chainId())),
                org.web3j.crypto.Hash.sha3(payload.encode()));
        String signed = destChain.signWithAccessList(DevKeys.SEQUENCER.credentials(),
                Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, messenger.relayMessage(id, payload.encode(),
                        BigInteger.ZERO).encodeFunctionCall(), BigInteger.ZERO,
                ExecutingMessages.accessList(List.of(declared)));
        if (letThrough) {
            // Before it is sent: a running check may look at its block as soon as it is mined.
            interopCheck(destinationL2).letThrough(org.web3j.crypto.Hash.sha3(signed));
        }
        TransactionReceipt receipt = destChain.sendSigned(signed, Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER);
        log.warn("forged L2-to-L2 relay sent destination={} claimedSource={} nonce={} tx={} letThrough={}",
                destinationL2, source.name(), forgedNonce, receipt.getTransactionHash(), letThrough);
        return receipt;
    }

    /** A snapshot of what the operator has done and which switches are on. */
    public List<Map<String, Object>> status() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l2 : faultProofSequencers.keySet()) {
            FaultProofSequencer s = faultProofSequencers.get(l2);
            GameProposer p = gameProposers.get(l2);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("l2", l2);
            m.put("settlement", SettlementKind.FAULT_PROOFS.cliName());
            m.put("depositsOnL2", s.depositsOnL2());
            m.put("depositsSent", s.sentCount());
            m.put("censoredDeposits", s.censored().stream().map(BigInteger::toString).toList());
            m.put("depositsForcedIn", s.forcedCount());
            m.put("gamesCreated", p.createdCount());
            m.put("gamesResolved", p.resolvedCount());
            m.put("lastProposedL2Block", p.lastProposedBlock());
            m.put("proposerStopped", p.isStopped());
            m.put("wrongRootArmed", p.isWrongRootArmed());
            putInteropCheck(m, l2);
            out.add(m);
        }
        for (String l2 : sequencers.keySet()) {
            Sequencer s = sequencers.get(l2);
            Proposer p = proposers.get(l2);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("l2", l2);
            m.put("settlement", SettlementKind.OUTPUT_ORACLE.cliName());
            m.put("depositsExecuted", s.executedCount());
            m.put("censoredDeposits", s.censored().stream().map(BigInteger::toString).toList());
            m.put("outputsProposed", p.proposedCount());
            m.put("lastProposedL2Block", p.lastProposedBlock());
            m.put("proposerStopped", p.isStopped());
            m.put("wrongOutputArmed", p.isWrongOutputArmed());
            putInteropCheck(m, l2);
            out.add(m);
        }
        return out;
    }

    private void putInteropCheck(Map<String, Object> m, String l2) {
        InteropBlockCheck c = interopChecks.get(l2);
        m.put("interopCheckedUpTo", c.checkedUpTo());
        m.put("interopBlocksChecked", c.blocksChecked());
        m.put("invalidExecutingMessages", c.invalidMessages());
        m.put("blocksReorgedAway", c.blocksReorgedAway());
        m.put("reorgTxsReincluded", c.transactionsReincluded());
        m.put("reorgTxsDropped", c.transactionsDropped());
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
