package dev.crossbar.devnet.operator;

import dev.crossbar.contracts.op.AnchorStateRegistry;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.Address;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * The devnet's proposer for one L2 that settles through fault proofs: creates dispute games on the L2's
 * DisputeGameFactory with the output roots it computes from the L2 node ({@link Proposer#computeOutput}), and
 * resolves the games whose clocks have run out, as op-proposer and op-challenger do on OP networks, so that the
 * anchor moves and withdrawals can finalize.
 *
 * <p>Everything it depends on is read at run time, so the guardian's changes take effect at once: the game type the
 * portal respects, that type's init bond, its anchor in the AnchorStateRegistry and the split depth of its
 * implementation. A game's block lies past the anchor and at most {@code 2^splitDepth} blocks past it (the game
 * judges a claim further out against the output at {@code anchor + 2^splitDepth}, so an honest one would lose), and
 * at least the proposal interval past the newest game of its type. Games are created and resolved with the
 * proposer key, so that {@code tx.origin} is the proposer the permissioned game (type 1) requires. A game's block is
 * one the L2's {@link InteropBlockCheck} has passed (brought up to date first), so that no game claims a block the
 * check may still take off the chain.
 */
public final class GameProposer {
    private static final Logger log = LoggerFactory.getLogger(GameProposer.class);
    static final BigInteger IN_PROGRESS = BigInteger.ZERO;

    private final DevChain l1;
    private final DevChain l2;
    private final long interval;
    private final TransactionManager proposerKey;
    private final DisputeGameFactory factory;
    private final OptimismPortal2 portal;
    private final AnchorStateRegistry registry;
    private final InteropBlockCheck interopCheck;
    private final AtomicBoolean wrongNext = new AtomicBoolean();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong resolved = new AtomicLong();
    private final AtomicLong lastProposedBlock = new AtomicLong(-1);
    private final SecureRandom random = new SecureRandom();
    /** Per game type, the highest L2 block any game of the factory claims (games read so far). */
    private final Map<Integer, Long> newestBlockByType = new HashMap<>();
    private final Map<String, Integer> splitDepthByImpl = new HashMap<>();
    /** Games below this index are known to be resolved. */
    private long firstOpenGame;
    /** Games below this index have been read into {@link #newestBlockByType}. */
    private long gamesRead;

    /** A game this proposer created. */
    public record Game(long index, String address, int gameType, long l2BlockNumber, byte[] rootClaim,
            boolean honest) {}

    public GameProposer(DevChain l1, DevChain l2, DevnetManifest.FaultProofSettlement settlement,
            InteropBlockCheck interopCheck) {
        this.l1 = l1;
        this.l2 = l2;
        this.interopCheck = interopCheck;
        this.interval = settlement.proposalInterval();
        this.proposerKey = l1.txManager(DevKeys.PROPOSER.credentials());
        this.factory = DisputeGameFactory.load(settlement.disputeGameFactory(), l1.web3j(), proposerKey,
                DevChain.GAS);
        this.portal = OptimismPortal2.load(settlement.portal(), l1.web3j(), proposerKey, DevChain.GAS);
        this.registry = AnchorStateRegistry.load(settlement.anchorStateRegistry(), l1.web3j(), proposerKey,
                DevChain.GAS);
    }

    /** Resolves what can be resolved, then proposes if a proposal is due: the operator's periodic step. */
    public synchronized void step() throws Exception {
        resolveDue();
        proposeIfDue();
    }

    /**
     * Creates a game of the respected type for the newest L2 block that is due, within the output window and passed
     * by the interop check.
     *
     * @return the game created, or null when none was due (stopped, the L2 has not advanced far enough, or the
     *     window is used up until the anchor moves)
     */
    public synchronized Game proposeIfDue() throws Exception {
        if (stopped.get()) {
            return null;
        }
        int type = portal.respectedGameType().send().intValueExact();
        long anchor = registry.anchors(BigInteger.valueOf(type)).send().component2().longValueExact();
        long window = 1L << splitDepth(type);
        readNewGames();
        long after = Math.max(anchor, newestBlockByType.getOrDefault(type, -1L));
        long checked = interopCheck.checkNew();
        long target = Math.min(Math.min(l2.blockNumber().longValueExact(), checked), anchor + window);
        if (target < after + interval || target <= anchor) {
            return null;
        }
        return propose(type, target);
    }

    /** Creates a game of {@code gameType} for {@code l2Block} now (a true root unless told otherwise). */
    public synchronized Game propose(int gameType, long l2Block) throws Exception {
        Proposer.Output output = Proposer.computeOutput(l2, l2Block);
        byte[] root = output.outputRoot();
        boolean wrong = wrongNext.getAndSet(false);
        if (wrong) {
            byte[] garbage = new byte[32];
            random.nextBytes(garbage);
            root = Hashes.outputRoot(garbage, output.messagePasserStorageRoot(), output.blockHash());
        }
        BigInteger type = BigInteger.valueOf(gameType);
        BigInteger bond = factory.initBonds(type).send();
        TransactionReceipt receipt = factory.create(type, root, Numeric.toBytesPadded(BigInteger.valueOf(l2Block), 32),
                bond).send();
        String address = DisputeGameFactory.getDisputeGameCreatedEvents(receipt).getFirst().disputeProxy;
        long index = indexOf(address);
        newestBlockByType.merge(gameType, l2Block, Math::max);
        created.incrementAndGet();
        lastProposedBlock.set(l2Block);
        log.info("dispute game created l2={} index={} game={} gameType={} l2Block={} rootClaim={} honest={}",
                l2.name(), index, address, gameType, l2Block, Numeric.toHexString(root), !wrong);
        return new Game(index, address, gameType, l2Block, root, !wrong);
    }

    /**
     * Resolves every game in progress whose claims' clocks have all run out: each claim bottom-up
     * ({@code resolveClaim}, children before parents), then the game. A game that resolves with its root standing
     * moves the anchor of its type.
     *
     * @return how many games were resolved
     */
    public synchronized int resolveDue() throws Exception {
        long count = factory.gameCount().send().longValueExact();
        int done = 0;
        boolean allResolvedSoFar = true;
        for (long i = firstOpenGame; i < count; i++) {
            FaultDisputeGame game = FaultDisputeGame.load(factory.gameAtIndex(BigInteger.valueOf(i)).send()
                    .component3(), l1.web3j(), proposerKey, DevChain.GAS);
            boolean open = game.status().send().equals(IN_PROGRESS);
            if (open && tryResolve(i, game)) {
                done++;
                open = false;
            }
            allResolvedSoFar &= !open;
            if (allResolvedSoFar) {
                firstOpenGame = i + 1;
            }
        }
        return done;
    }

    private boolean tryResolve(long index, FaultDisputeGame game) throws Exception {
        BigInteger maxClock = game.maxClockDuration().send();
        long claims = game.claimDataLen().send().longValueExact();
        for (long c = claims - 1; c >= 0; c--) {
            BigInteger claim = BigInteger.valueOf(c);
            if (game.resolvedSubgames(claim).send()) {
                continue;
            }
            if (game.getChallengerDuration(claim).send().compareTo(maxClock) < 0) {
                return false;
            }
            game.resolveClaim(claim, BigInteger.ZERO).send();
        }
        game.resolve().send();
        BigInteger status = game.status().send();
        resolved.incrementAndGet();
        log.info("dispute game resolved l2={} index={} game={} status={} claims={}", l2.name(), index,
                game.getContractAddress(), status, claims);
        return true;
    }

    /** Reads the games created since the last call, for the newest block of each type. */
    private void readNewGames() throws Exception {
        long count = factory.gameCount().send().longValueExact();
        for (long i = gamesRead; i < count; i++) {
            Tuple3<BigInteger, BigInteger, String> g = factory.gameAtIndex(BigInteger.valueOf(i)).send();
            long block = FaultDisputeGame.load(g.component3(), l1.web3j(), proposerKey, DevChain.GAS)
                    .l2BlockNumber().send().longValueExact();
            newestBlockByType.merge(g.component1().intValueExact(), block, Math::max);
        }
        gamesRead = count;
    }

    /** The factory index of the game at {@code address}, searched from the newest. */
    private long indexOf(String address) throws Exception {
        for (long i = factory.gameCount().send().longValueExact() - 1; i >= 0; i--) {
            if (factory.gameAtIndex(BigInteger.valueOf(i)).send().component3().equalsIgnoreCase(address)) {
                return i;
            }
        }
        throw new IllegalStateException("game " + address + " is not in the factory " + factory.getContractAddress());
    }

    /** The split depth of the implementation the factory clones for {@code gameType}. */
    private int splitDepth(int gameType) throws Exception {
        String impl = factory.gameImpls(BigInteger.valueOf(gameType)).send();
        if (impl == null || impl.equalsIgnoreCase(Address.DEFAULT.getValue())) {
            throw new IllegalStateException("the portal of " + l2.name() + " respects game type " + gameType
                    + ", which the factory " + factory.getContractAddress() + " has no implementation for");
        }
        Integer depth = splitDepthByImpl.get(impl);
        if (depth == null) {
            depth = FaultDisputeGame.load(impl, l1.web3j(), proposerKey, DevChain.GAS).splitDepth().send()
                    .intValueExact();
            splitDepthByImpl.put(impl, depth);
        }
        return depth;
    }

    public void proposeWrongRootNext() {
        wrongNext.set(true);
    }

    public void setStopped(boolean stop) {
        stopped.set(stop);
    }

    public boolean isStopped() {
        return stopped.get();
    }

    public boolean isWrongRootArmed() {
        return wrongNext.get();
    }

    public long createdCount() {
        return created.get();
    }

    public long resolvedCount() {
        return resolved.get();
    }

    public long lastProposedBlock() {
        return lastProposedBlock.get();
    }

    public DisputeGameFactory factory() {
        return factory;
    }

    String l2Name() {
        return l2.name();
    }
}
