package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.L2ToL1MessagePasser;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.FaultProofViews;
import dev.crossbar.core.chain.ProtocolViews;
import dev.crossbar.core.model.MessageDetails;
import dev.crossbar.core.model.MessageState;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.core.protocol.Predeploys;
import dev.crossbar.core.protocol.WithdrawalProof;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import dev.crossbar.devnet.operator.GameProposer;
import dev.crossbar.devnet.operator.Misbehaviour;
import dev.crossbar.store.Finding;
import dev.crossbar.store.Transition;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A false root wins unopposed and the guardian's blacklist sends the withdrawals proven against it to another game,
 * with the real monitor and relayer on OP's unmodified contracts. The proposer creates a game whose root claim has a
 * made-up state root but the L2's true message passer storage root (what the devnet's {@code wrong-root} does), and
 * someone proves a real withdrawal against it on OptimismPortal2 (proving is permissionless; the relayer itself
 * never proves against a root it found false, but takes up a standing proof of another submitter). The monitor's
 * challenger plays no game type here, so the false root's clock runs out: the game resolves DEFENDER_WINS, the monitor
 * raises WRONG_RESOLUTION (tripping the chain's breaker) and blacklists the game with the guardian key, and
 * BLACKLISTED_GAME names the withdrawal. Once the operator resets the breaker, the relayer proves the withdrawal again
 * against a new, true game and finalizes it.
 */
class WrongResolutionTest {

    @Test
    void aFalseRootThatWonIsBlacklistedAndItsWithdrawalProvenAgainAgainstAnotherGame() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            w.startRelayer();
            w.startMonitor(w.settings());
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            EthApi l1 = w.clients.get(Watchtower.L1);
            DevChain l2 = w.l2(0);

            TransactionReceipt sent = w.user.withdrawal(0, "proven against a false root", BigInteger.ZERO);
            var passed = L2ToL1MessagePasser.getMessagePassedEvents(sent).getFirst();
            String id = Numeric.toHexString(passed.withdrawalHash);
            await().atMost(Duration.ofSeconds(30)).until(() -> w.store.message(id).isPresent());

            // The operator's false root: a made-up state root over the L2's true message passer storage root.
            l2.anvil().mine(1);
            long l2Block = l2.blockNumber().longValueExact();
            WithdrawalProof proof = proofAt(w, passed.withdrawalHash, l2Block);
            byte[] madeUp = Hash.sha3("made-up state root".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            DisputeGameFactory factory = DisputeGameFactory.load(fp.disputeGameFactory(), w.l1().web3j(),
                    w.l1().txManager(DevKeys.PROPOSER.credentials()), DevChain.GAS);
            TransactionReceipt created = factory.create(BigInteger.valueOf(FaultProofParams.ALPHABET),
                    Hashes.outputRoot(madeUp, proof.messagePasserStorageRoot(), proof.blockHash()),
                    Numeric.toBytesPadded(BigInteger.valueOf(l2Block), 32), fp.initBond()).send();
            String falseGame = DisputeGameFactory.getDisputeGameCreatedEvents(created).getFirst().disputeProxy
                    .toLowerCase();
            BigInteger falseIndex = factory.gameCount().send().subtract(BigInteger.ONE);
            await().atMost(Duration.ofSeconds(30)).until(() -> "INVALID".equals(verdict(w, falseGame)));

            // Someone proves the withdrawal against it: the storage proof is true, so the portal takes it.
            OptimismPortal2.WithdrawalTransaction tx = new OptimismPortal2.WithdrawalTransaction(passed.nonce,
                    passed.sender, passed.target, passed.value, passed.gasLimit, passed.data);
            TransactionReceipt userProof = OptimismPortal2.load(fp.portal(), w.l1().web3j(),
                    w.l1().txManager(DevKeys.USER.credentials()), DevChain.GAS).proveWithdrawalTransaction(tx,
                    falseIndex, new OptimismPortal2.OutputRootProof(new byte[32], madeUp,
                            proof.messagePasserStorageRoot(), proof.blockHash()), proof.storageProof()).send();
            assertThat(userProof.isStatusOK()).isTrue();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(w.store.message(id).orElseThrow()
                    .details()).as("the relayer takes up the standing proof").containsEntry(MessageDetails.PROVEN_GAME,
                            falseGame));

            // Nobody counters the false root: past its clock it resolves DEFENDER_WINS.
            advanceL1(w, fp.maxClockDurationSeconds() + 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> FaultProofViews.outcome(l1, falseGame).status()
                    == FaultProofViews.DEFENDER_WINS);
            Instant resolved = Instant.now();
            Finding wrong = w.awaitFinding("WRONG_RESOLUTION", Duration.ofSeconds(30));
            assertThat(wrong.evidence()).containsEntry("game", falseGame).containsEntry("status", "DEFENDER_WINS");
            await().atMost(Duration.ofSeconds(30)).until(() -> FaultProofViews.blacklisted(l1, fp.portal(),
                    falseGame));
            Watchtower.timing("wrong-resolution resolved->blacklisted", Duration.between(resolved, Instant.now()));
            assertThat(w.tripped(Watchtower.L2A)).isTrue();
            Finding blacklisted = w.awaitFinding("BLACKLISTED_GAME", Duration.ofSeconds(30));
            assertThat(blacklisted.evidence()).containsEntry("game", falseGame)
                    .containsEntry("withdrawalsProvenAgainstIt", "1");
            assertThat(blacklisted.evidence().get("withdrawals")).contains(id);

            // The runbook's last step: with the game blacklisted, the operator resets the breaker.
            w.store.setBreaker(Watchtower.L2A, false, "dispute game " + falseGame + " is blacklisted", "operator");
            l2.anvil().mine(1);
            GameProposer.Game trueGame = w.operator.gameProposer("l2a").propose(FaultProofParams.ALPHABET,
                    l2.blockNumber().longValueExact());
            advanceL1(w, 1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(causes(w, id)).anySatisfy(c -> assertThat(c).contains("re-prove").contains("blacklisted"));
                assertThat(w.store.message(id).orElseThrow().details().get(MessageDetails.PROVEN_GAME))
                        .isEqualToIgnoringCase(trueGame.address());
            });
            Watchtower.timing("wrong-resolution resolved->proven again", Duration.between(resolved, Instant.now()));

            advanceL1(w, fp.maxClockDurationSeconds() + 1);
            w.operator.gameProposer("l2a").resolveDue();
            advanceL1(w, Math.max(fp.proofMaturityDelaySeconds(), fp.disputeGameFinalityDelaySeconds()) + 2);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(w.store.message(id).orElseThrow().state()).as("history %s", causes(w, id))
                            .isEqualTo(MessageState.RELAYED));
            assertThat(ProtocolViews.finalizedWithdrawal(l1, fp.portal(), passed.withdrawalHash)).isTrue();
            assertThat(w.findings("WRONG_RESOLUTION")).hasSize(1);
            assertThat(w.findings("FORGED_WITHDRAWAL")).as("the withdrawal proven against the false root is real")
                    .isEmpty();
        }
    }

    /**
     * The other way round (devnet switch {@code attack-valid}): the relayer proves a withdrawal against a true game,
     * recording its own VALID verdict before the monitor starts; an attacker counters the true root and nobody
     * defends it, so the game resolves CHALLENGER_WINS. The monitor, finding the relayer's verdict again, still judges
     * the game and raises WRONG_RESOLUTION (no blacklist: nothing finalizes against a lost game); once the operator
     * resets the breaker, the relayer proves the withdrawal again against a newer game and finalizes it.
     */
    @Test
    void aTrueRootLostUnopposedIsAWrongResolutionAndItsWithdrawalProvenAgain() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            w.startRelayer();
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            EthApi l1 = w.clients.get(Watchtower.L1);
            DevChain l2 = w.l2(0);
            GameProposer proposer = w.operator.gameProposer("l2a");

            TransactionReceipt sent = w.user.withdrawal(0, "proven against a true root that loses", BigInteger.ZERO);
            byte[] hash = L2ToL1MessagePasser.getMessagePassedEvents(sent).getFirst().withdrawalHash;
            String id = Numeric.toHexString(hash);
            await().atMost(Duration.ofSeconds(30)).until(() -> w.store.message(id).isPresent());
            l2.anvil().mine(1);
            GameProposer.Game first = proposer.propose(FaultProofParams.ALPHABET, l2.blockNumber().longValueExact());
            advanceL1(w, 1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(w.store.message(id).orElseThrow()
                    .details().get(MessageDetails.PROVEN_GAME)).isEqualToIgnoringCase(first.address()));
            assertThat(w.store.gameAt(first.address()).orElseThrow().verdictBy()).isEqualTo("relayer");

            w.startMonitor(w.settings());
            w.operator.misbehave(Misbehaviour.ATTACK_VALID, "l2a", null);
            l2.anvil().mine(1);
            GameProposer.Game second = proposer.propose(FaultProofParams.ALPHABET, l2.blockNumber().longValueExact());
            advanceL1(w, fp.maxClockDurationSeconds() + 1);
            proposer.resolveDue();
            assertThat(FaultProofViews.outcome(l1, first.address()).status())
                    .isEqualTo(FaultProofViews.CHALLENGER_WINS);

            Finding wrong = w.awaitFinding("WRONG_RESOLUTION", Duration.ofSeconds(30));
            assertThat(wrong.evidence()).containsEntry("game", first.address().toLowerCase())
                    .containsEntry("status", "CHALLENGER_WINS").containsEntry("verdict", "VALID");
            assertThat(wrong.evidence().get("guardianAction")).startsWith("none needed");
            await().atMost(Duration.ofSeconds(10)).until(() -> w.tripped(Watchtower.L2A));
            assertThat(FaultProofViews.blacklisted(l1, fp.portal(), first.address())).isFalse();

            w.store.setBreaker(Watchtower.L2A, false, "dispute game " + first.address() + " lost; nothing finalizes"
                    + " against it", "operator");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(causes(w, id)).anySatisfy(c -> assertThat(c).contains("re-prove")
                        .contains("CHALLENGER_WINS"));
                assertThat(w.store.message(id).orElseThrow().details().get(MessageDetails.PROVEN_GAME))
                        .isEqualToIgnoringCase(second.address());
            });
            advanceL1(w, Math.max(fp.proofMaturityDelaySeconds(), fp.disputeGameFinalityDelaySeconds()) + 2);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(w.store.message(id).orElseThrow().state()).as("history %s", causes(w, id))
                            .isEqualTo(MessageState.RELAYED));
            assertThat(ProtocolViews.finalizedWithdrawal(l1, fp.portal(), hash)).isTrue();
            assertThat(w.findings("WRONG_RESOLUTION")).hasSize(1);
        }
    }

    /** The withdrawal's proof at {@code l2Block} from the L2 node: its output root's parts and the storage proof. */
    private static WithdrawalProof proofAt(Watchtower w, byte[] hash, long l2Block) {
        EthApi l2 = w.clients.get(Watchtower.L2A);
        EthApi.Header header = l2.header(EthApi.hex(l2Block));
        return WithdrawalProof.from(hash, header.hash(), header.stateRoot(), l2.proof(
                Predeploys.L2_TO_L1_MESSAGE_PASSER, List.of(Numeric.toHexString(Hashes.sentMessageSlot(hash))),
                l2Block));
    }

    private static void advanceL1(Watchtower w, long seconds) throws Exception {
        w.l1().anvil().increaseTime(seconds);
        w.l1().anvil().mine(1);
    }

    private static String verdict(Watchtower w, String game) {
        return w.store.gameAt(game).map(g -> g.verdict()).orElse(null);
    }

    private static List<String> causes(Watchtower w, String id) {
        return w.store.history(id).stream().map(Transition::cause).toList();
    }
}
