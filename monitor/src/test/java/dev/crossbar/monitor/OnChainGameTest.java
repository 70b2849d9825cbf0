package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.FaultDisputeGame;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import dev.crossbar.devnet.operator.Proposer;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.monitor.game.Action;
import dev.crossbar.monitor.game.Claim;
import dev.crossbar.monitor.game.GameState;
import dev.crossbar.monitor.game.Games;
import dev.crossbar.monitor.game.Liars;
import dev.crossbar.monitor.game.OutputRoots;
import dev.crossbar.monitor.game.OutputTraceProvider;
import dev.crossbar.monitor.game.Position;
import dev.crossbar.monitor.game.Solver;
import dev.crossbar.monitor.game.SplitTrace;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * A whole dispute game on chain, against OP's unmodified FaultDisputeGame and AlphabetVM: the proposer claims a false
 * root and defends it with a liar's trace (true outputs up to one block, made-up ones after; the VM's states up to
 * one step, made-up ones after), answering every counter of the monitor. The monitor bisects the output roots to the
 * first false one, then the VM trace below it, steps on the VM at the maximum depth, and wins: the game resolves
 * CHALLENGER_WINS, every bond in it is credited to the challenger, and the moves, the step and the time they took are
 * printed.
 */
class OnChainGameTest {
    private static final Logger log = LoggerFactory.getLogger(OnChainGameTest.class);

    @Test
    void aDefendedFalseRootIsBisectedToAStepAndLost() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            w.startMonitor(w.settings().withAlphabetGameTypes(Set.of(FaultProofParams.ALPHABET,
                    FaultProofParams.PERMISSIONED)));
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            EthApi l1 = w.clients.get(Watchtower.L1);
            DevChain l2 = w.l2(0);
            l2.anvil().mine(12);
            long l2Block = l2.blockNumber().longValueExact();
            long startingBlock = 0;
            long firstFalse = startingBlock + 5;
            OutputRoots truth = block -> {
                try {
                    return Proposer.computeOutput(l2, block).outputRoot();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            OutputRoots lies = block -> block < firstFalse ? truth.at(block) : Games.keccak("false output " + block);
            Games.Shape shape = new Games.Shape(fp.maxGameDepth(), fp.splitDepth());
            SplitTrace lying = Games.lyingTrace(shape, startingBlock, l2Block, lies, 3);
            SplitTrace honest = SplitTrace.alphabet(new OutputTraceProvider(startingBlock, l2Block, fp.splitDepth(),
                    truth), fp.maxGameDepth());

            DevChain l1Chain = w.l1();
            var liarKeys = l1Chain.txManager(DevKeys.PROPOSER.credentials());
            DisputeGameFactory factory = DisputeGameFactory.load(fp.disputeGameFactory(), l1Chain.web3j(), liarKeys,
                    DevChain.GAS);
            byte[] root = lying.top().claimAt(Position.ROOT);
            Instant created = Instant.now();
            var receipt = factory.create(BigInteger.valueOf(FaultProofParams.ALPHABET), root,
                    Numeric.toBytesPadded(BigInteger.valueOf(l2Block), 32), fp.initBond()).send();
            String game = DisputeGameFactory.getDisputeGameCreatedEvents(receipt).getFirst().disputeProxy;
            FaultDisputeGame asLiar = FaultDisputeGame.load(game, l1Chain.web3j(), liarKeys, DevChain.GAS);
            assertThat(ProtocolViews.view(FaultProofViews.game(l1, game, "latest").startingBlockNumber())
                    .longValueExact()).isEqualTo(startingBlock);

            // The liar answers every move of the monitor, as the liar's solver would, until it has nothing to say.
            Solver liar = new Solver(lying);
            String challenger = DevKeys.CHALLENGER.address();
            Instant firstMove = null;
            Instant quietSince = Instant.now();
            int liarMoves = 0;
            while (Duration.between(quietSince, Instant.now()).compareTo(Duration.ofSeconds(8)) < 0) {
                GameState state = state(l1, game, fp);
                if (firstMove == null && state.claims().size() > 1) {
                    firstMove = Instant.now();
                }
                boolean acted = false;
                for (Action a : liar.actions(state)) {
                    if (a instanceof Action.Move m) {
                        Claim parent = state.claim(m.parentIndex());
                        byte[] value = Liars.truthless(state, parent, m.position(), m.newClaim(), honest);
                        BigInteger bond = asLiar.getRequiredBond(m.position().gindex()).send();
                        try {
                            (m.isAttack() ? asLiar.attack(parent.claim(), BigInteger.valueOf(parent.index()), value,
                                    bond) : asLiar.defend(parent.claim(), BigInteger.valueOf(parent.index()), value,
                                    bond)).send();
                            liarMoves++;
                            acted = true;
                        } catch (Exception refused) {
                            log.info("liar move refused: {}", refused.getMessage());
                        }
                    }
                }
                if (acted) {
                    quietSince = Instant.now();
                }
                Thread.sleep(200);
            }

            GameState end = state(l1, game, fp);
            List<Claim> ours = new ArrayList<>();
            end.claims().stream().filter(c -> c.claimant().equalsIgnoreCase(challenger)).forEach(ours::add);
            List<Claim> stepped = end.claims().stream().filter(c -> c.depth() == end.maxDepth()
                    && c.counteredBy().equalsIgnoreCase(challenger)).toList();
            assertThat(stepped).as("the monitor stepped on the VM against the liar's leaf").hasSize(1);
            assertThat(ours).as("the monitor's moves").isNotEmpty();
            assertThat(end.claims().stream().mapToInt(Claim::depth).max().orElseThrow()).isEqualTo(end.maxDepth());

            long clock = fp.maxClockDurationSeconds();
            w.l1().anvil().increaseTime(clock + 1);
            w.l1().anvil().mine(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> FaultProofViews.outcome(l1, game).status()
                    == FaultProofViews.CHALLENGER_WINS);
            BigInteger pot = end.claims().stream().map(Claim::bond).reduce(BigInteger.ZERO, BigInteger::add);
            assertThat(FaultProofViews.credit(l1, game, challenger)).as("every bond in the game").isEqualTo(pot);
            String report = "full game: liar moves " + liarMoves + ", monitor moves " + ours.size() + " and 1 step,"
                    + " depth " + end.maxDepth() + ", bonds won " + pot + " wei, creation->first move "
                    + Duration.between(created, firstMove).toMillis() + " ms";
            log.info(report);
            Watchtower.timing(report, Duration.between(created, firstMove));
        }
    }

    private static GameState state(EthApi l1, String game, DevnetManifest.FaultProofSettlement fp) {
        long count = FaultProofViews.claimCount(l1, game, "latest");
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            claims.add(Claim.of(i, FaultProofViews.claim(l1, game, i, "latest")));
        }
        return new GameState(fp.maxGameDepth(), fp.splitDepth(), claims);
    }
}
