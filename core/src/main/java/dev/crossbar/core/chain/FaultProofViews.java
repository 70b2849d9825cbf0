package dev.crossbar.core.chain;

import static dev.crossbar.core.chain.ProtocolViews.LATEST;
import static dev.crossbar.core.chain.ProtocolViews.view;

import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.contracts.op.L2ToL1MessagePasser;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.contracts.op.SuperchainConfig;
import java.math.BigInteger;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * The views of OP's fault-proof contracts ({@code OptimismPortal2}, {@code DisputeGameFactory}, the games), typed,
 * through the generated bindings as {@link ProtocolViews} does for the output-oracle contracts. A view that reverts
 * throws {@link EthApi.Reverted}.
 */
public final class FaultProofViews {
    /** {@code GameStatus.IN_PROGRESS}. */
    public static final int IN_PROGRESS = 0;
    /** {@code GameStatus.CHALLENGER_WINS}: the root claim was countered; nothing may be proven against it. */
    public static final int CHALLENGER_WINS = 1;
    /** {@code GameStatus.DEFENDER_WINS}: the root claim stood. */
    public static final int DEFENDER_WINS = 2;

    private FaultProofViews() {}

    /** The name of a game status, as the contracts name it. */
    public static String statusName(int status) {
        return switch (status) {
            case IN_PROGRESS -> "IN_PROGRESS";
            case CHALLENGER_WINS -> "CHALLENGER_WINS";
            case DEFENDER_WINS -> "DEFENDER_WINS";
            default -> "UNKNOWN(" + status + ")";
        };
    }

    // ---- encode only -------------------------------------------------------------------------------------

    public static OptimismPortal2 portal2(String address) {
        return OptimismPortal2.load(address, null, (TransactionManager) null, null);
    }

    /** The SuperchainConfig, for the call data of the guardian's pause. */
    public static SuperchainConfig superchainConfig(String address) {
        return SuperchainConfig.load(address, null, (TransactionManager) null, null);
    }

    /** OP's L2ToL1MessagePasser predeploy, for the call data of {@code initiateWithdrawal} (a forced withdrawal). */
    public static L2ToL1MessagePasser messagePasser(String address) {
        return L2ToL1MessagePasser.load(address, null, (TransactionManager) null, null);
    }

    /** A game, for the call data of moves, steps, resolutions and credit claims. */
    public static FaultDisputeGame game(String address) {
        return FaultDisputeGame.load(address, null, (TransactionManager) null, null);
    }

    // ---- binders -----------------------------------------------------------------------------------------

    public static OptimismPortal2 portal2(EthApi chain, String address, String blockTag) {
        return ProtocolViews.bind(OptimismPortal2::load, chain, address, blockTag);
    }

    public static DisputeGameFactory factory(EthApi chain, String address, String blockTag) {
        return ProtocolViews.bind(DisputeGameFactory::load, chain, address, blockTag);
    }

    /** A game of any type the factory creates: they share the {@code IFaultDisputeGame} views read here. */
    public static FaultDisputeGame game(EthApi chain, String address, String blockTag) {
        return ProtocolViews.bind(FaultDisputeGame::load, chain, address, blockTag);
    }

    // ---- the portal --------------------------------------------------------------------------------------

    /** What the portal holds of one submitter's proof: no game and a zero timestamp when there is none. */
    public record Proof(String game, long timestamp) {
        public boolean exists() {
            return timestamp != 0;
        }
    }

    /** {@code provenWithdrawals(hash, submitter)}. */
    public static Proof proof(EthApi l1, String portal, byte[] withdrawalHash, String submitter) {
        return proof(l1, portal, withdrawalHash, submitter, LATEST);
    }

    /** {@code provenWithdrawals(hash, submitter)} at {@code blockTag}. */
    public static Proof proof(EthApi l1, String portal, byte[] withdrawalHash, String submitter, String blockTag) {
        var v = view(portal2(l1, portal, blockTag).provenWithdrawals(withdrawalHash, submitter));
        return new Proof(v.component1().toLowerCase(), v.component2().longValueExact());
    }

    /**
     * Who submitted the proof of {@code withdrawalHash} that a transaction made: the {@code proofSubmitter} of the
     * portal's {@code WithdrawalProvenExtension1} log in its receipt ({@code msg.sender} of the proof, which is not the
     * transaction's sender when a contract proves); empty when the receipt has no such log.
     */
    public static java.util.Optional<String> proofSubmitter(TransactionReceipt receipt, String portal,
            byte[] withdrawalHash) {
        String topic = EventEncoder.encode(OptimismPortal2.WITHDRAWALPROVENEXTENSION1_EVENT);
        String hash = Numeric.toHexString(withdrawalHash);
        return receipt.getLogs().stream().filter(l -> l.getAddress().equalsIgnoreCase(portal)
                && l.getTopics().size() == 3 && l.getTopics().get(0).equalsIgnoreCase(topic)
                && l.getTopics().get(1).equalsIgnoreCase(hash))
                .map(l -> OptimismPortal2.getWithdrawalProvenExtension1EventFromLog(l).proofSubmitter.toLowerCase())
                .findFirst();
    }

    /** Every submitter of a proof of {@code withdrawalHash}, in the order they proved it. */
    public static java.util.List<String> proofSubmitters(EthApi l1, String portal, byte[] withdrawalHash) {
        OptimismPortal2 p = portal2(l1, portal, LATEST);
        int n = view(p.numProofSubmitters(withdrawalHash)).intValueExact();
        java.util.List<String> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(view(p.proofSubmitters(withdrawalHash, BigInteger.valueOf(i))).toLowerCase());
        }
        return out;
    }

    /**
     * The portal's rules as they stand: the respected game type and when it was last set, the delays, and whether
     * the portal is paused (through its SuperchainConfig).
     */
    public record PortalRules(int respectedGameType, long respectedGameTypeUpdatedAt, long proofMaturityDelay,
            long disputeGameFinalityDelay, boolean paused) {}

    public static PortalRules rules(EthApi l1, String portal) {
        OptimismPortal2 p = portal2(l1, portal, LATEST);
        return new PortalRules(view(p.respectedGameType()).intValueExact(),
                view(p.respectedGameTypeUpdatedAt()).longValueExact(),
                view(p.proofMaturityDelaySeconds()).longValueExact(),
                view(p.disputeGameFinalityDelaySeconds()).longValueExact(), view(p.paused()));
    }

    /** Whether the SuperchainConfig at {@code address} is paused (which pauses every portal under it). */
    public static boolean superchainPaused(EthApi l1, String address) {
        return view(ProtocolViews.bind(SuperchainConfig::load, l1, address, LATEST).paused());
    }

    public static boolean blacklisted(EthApi l1, String portal, String game) {
        return view(portal2(l1, portal, LATEST).disputeGameBlacklist(game));
    }

    // ---- the factory and its games -----------------------------------------------------------------------

    /** A game as the factory and the game itself describe it. */
    public record Game(long index, String address, int gameType, long createdAt, byte[] rootClaim,
            long l2BlockNumber, int status, long resolvedAt) {
        public String rootClaimHex() {
            return Numeric.toHexString(rootClaim);
        }
    }

    public static long gameCount(EthApi l1, String factory, String blockTag) {
        return view(factory(l1, factory, blockTag).gameCount()).longValueExact();
    }

    /** Game {@code index} of the factory, with its root claim, L2 block and status read from the game. */
    public static Game game(EthApi l1, String factory, long index) {
        var g = view(factory(l1, factory, LATEST).gameAtIndex(BigInteger.valueOf(index)));
        String address = g.component3().toLowerCase();
        FaultDisputeGame game = game(l1, address, LATEST);
        return new Game(index, address, g.component1().intValueExact(), g.component2().longValueExact(),
                view(game.rootClaim()), view(game.l2BlockNumber()).longValueExact(),
                view(game.status()).intValueExact(), view(game.resolvedAt()).longValueExact());
    }

    public static long l2BlockNumber(FaultDisputeGame game) {
        return view(game.l2BlockNumber()).longValueExact();
    }

    public static long createdAt(FaultDisputeGame game) {
        return view(game.createdAt()).longValueExact();
    }

    /** The status and resolution time of the game at {@code address}. */
    public record Outcome(int status, long resolvedAt) {}

    public static Outcome outcome(EthApi l1, String game) {
        FaultDisputeGame g = game(l1, game, LATEST);
        return new Outcome(view(g.status()).intValueExact(), view(g.resolvedAt()).longValueExact());
    }

    /**
     * One entry of a game's {@code claimData}.
     *
     * @param clock packed: duration (seconds) in the high 64 bits, timestamp in the low 64
     */
    public record Claim(long parentIndex, String counteredBy, String claimant, BigInteger bond, byte[] claim,
            BigInteger position, BigInteger clock) {}

    /** How long the side countering claim {@code index} has used (capped at the max clock); reverts once resolved. */
    public static long challengerDuration(EthApi l1, String game, long index) {
        return view(game(l1, game, LATEST).getChallengerDuration(BigInteger.valueOf(index))).longValueExact();
    }

    public static long maxClockDuration(EthApi l1, String game) {
        return view(game(l1, game, LATEST).maxClockDuration()).longValueExact();
    }

    public static boolean subgameResolved(EthApi l1, String game, long index) {
        return view(game(l1, game, LATEST).resolvedSubgames(BigInteger.valueOf(index)));
    }

    /** The bonds the game owes {@code recipient} (claimable through DelayedWETH after its delay). */
    public static BigInteger credit(EthApi l1, String game, String recipient) {
        return view(game(l1, game, LATEST).credit(recipient));
    }

    /** How long the game's DelayedWETH holds credit after it is unlocked, in seconds. */
    public static long creditDelay(EthApi l1, String game) {
        String weth = view(game(l1, game, LATEST).weth());
        return view(ProtocolViews.bind(dev.crossbar.contracts.op.DelayedWETH::load, l1, weth, LATEST).delay())
                .longValueExact();
    }

    public static long claimCount(EthApi l1, String game, String blockTag) {
        return view(game(l1, game, blockTag).claimDataLen()).longValueExact();
    }

    public static Claim claim(EthApi l1, String game, long index, String blockTag) {
        var c = view(game(l1, game, blockTag).claimData(BigInteger.valueOf(index)));
        return new Claim(c.component1().longValueExact(), c.component2().toLowerCase(), c.component3().toLowerCase(),
                c.component4(), c.component5(), c.component6(), c.component7());
    }
}
