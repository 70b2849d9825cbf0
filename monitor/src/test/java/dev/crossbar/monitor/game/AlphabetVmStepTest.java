package dev.crossbar.monitor.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.contracts.op.AlphabetVM;
import dev.crossbar.contracts.op.PreimageOracle;
import dev.crossbar.devnet.AnvilNode;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import dev.crossbar.monitor.game.Games.Shape;
import dev.crossbar.testkit.TempDirs;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * The solver's steps on OP's real AlphabetVM: the bytecode of {@code @eth-optimism/contracts-bedrock} 0.17.3,
 * deployed on a plain anvil with the devnet's absolute prestate and a PreimageOracle, as {@code FaultProofDeployer}
 * deploys it. Games against a liar are played in memory to their last step; each step the solver took is then
 * run on the VM ({@code eth_call step(stateData, proof, localContext)}, after loading its local data into the oracle
 * as the game's {@code addLocalData} would), and the VM's post-state must be the honest trace's claim at the step's
 * post index: the value the game compares with the claim the step counters.
 */
class AlphabetVmStepTest {
    private static final Shape SHAPE = Games.DEVNET;
    private static Path dataDir;
    private static AnvilNode node;
    private static DevChain chain;
    private static PreimageOracle oracle;
    private static AlphabetVM vm;

    @BeforeAll
    static void deploy() throws Exception {
        dataDir = TempDirs.create("alphabet-vm-test");
        node = AnvilNode.start("l1", 900, 0, null, dataDir);
        chain = new DevChain("l1", 900, node.rpcUrl().toString(), node.wsUrl().toString());
        TransactionManager deployer = chain.txManager(DevKeys.DEPLOYER.credentials());
        FaultProofParams params = FaultProofParams.devnet();
        oracle = PreimageOracle.deploy(chain.web3j(), deployer, DevChain.GAS,
                BigInteger.valueOf(params.minProposalSize()),
                BigInteger.valueOf(params.challengePeriod().toSeconds())).send();
        vm = AlphabetVM.deploy(chain.web3j(), deployer, DevChain.GAS,
                Numeric.hexStringToByteArray(FaultProofParams.ALPHABET_PRESTATE), oracle.getContractAddress()).send();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {chain, node}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing the other matters more
                }
            }
        }
        TempDirs.delete(dataDir);
    }

    @Test
    void theVmReachesTheHonestPostStateOfEveryStepTheSolverTakes() throws Exception {
        long l2Block = SHAPE.lastBlock() - 20;
        Set<String> kinds = new HashSet<>();
        for (long firstFalse : new long[] {Games.STARTING_BLOCK + 1, Games.STARTING_BLOCK + 23, l2Block}) {
            for (int firstFalseStep = 0; firstFalseStep <= 8; firstFalseStep++) {
                GamePlayTest.Trace traces = new GamePlayTest.Trace(Games.honestTrace(SHAPE, l2Block),
                        Games.lyingTrace(SHAPE, l2Block, firstFalse, firstFalseStep));
                Arena arena = GamePlayTest.play(SHAPE, l2Block, traces,
                        Liars.solver(traces.lies(), traces.honest()), false);
                for (Arena.StepTaken taken : arena.steps) {
                    kinds.add(runOnTheVm(arena, taken));
                }
            }
        }
        assertThat(kinds).as("kinds of steps taken")
                .containsExactlyInAnyOrder("attack from the absolute prestate", "attack", "defense");
    }

    @Test
    void aStepFromTheAbsolutePrestateNeedsTheDisputedBlockInTheOracle() {
        byte[] context = Games.keccak("a local context nothing was loaded for");
        byte[] prestate = Numeric.toBytesPadded(AlphabetTraceProvider.PRESTATE_VALUE, 32);

        assertThatThrownBy(() -> vm.step(prestate, new byte[0], context).send())
                .hasMessageContaining("pre-image must exist");
    }

    /** Runs {@code taken} on the VM and checks its post-state; returns the kind of step. */
    private static String runOnTheVm(Arena arena, Arena.StepTaken taken) throws Exception {
        GameState state = taken.before();
        Action.Step step = taken.step();
        Claim leaf = state.claim(step.claimIndex());
        SubGame sub = arena.honest.subGame(state, leaf, leaf.position());
        assertThat(sub.localContext()).as("local context as the game computes it")
                .isEqualTo(SimulatedGame.localContext(arena.game.outputs(step.claimIndex())));
        if (step.localData() != null) {
            // FaultDisputeGame.addLocalData: the disputed block as a big-endian uint64 in the word's high 8 bytes
            byte[] word = Numeric.toBytesPadded(BigInteger.valueOf(sub.disputedBlock()).shiftLeft(192), 32);
            oracle.loadLocalData(BigInteger.valueOf(step.localData().ident()), sub.localContext(), word,
                    BigInteger.valueOf(8), BigInteger.valueOf(step.localData().partOffset())).send();
        }

        byte[] post = vm.step(step.stateData(), step.proof(), sub.localContext()).send();

        Position postPosition = step.isAttack() ? leaf.position() : leaf.position().moveRight();
        assertThat(Numeric.toHexString(post)).as("post-state of %s", step)
                .isEqualTo(Numeric.toHexString(arena.honest.claimAt(state, leaf, postPosition)));
        if (step.isAttack()) {
            assertThat(leaf.claims(post)).as("the attacked leaf is not the VM's state").isFalse();
        }
        BigInteger index = postPosition.relativeTo(SHAPE.splitDepth() + 1).indexAtDepth();
        return !step.isAttack() ? "defense"
                : index.signum() == 0 ? "attack from the absolute prestate" : "attack";
    }
}
