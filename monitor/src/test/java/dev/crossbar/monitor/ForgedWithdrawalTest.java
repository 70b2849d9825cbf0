package dev.crossbar.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crossbar.contracts.bindings.Portal;
import dev.crossbar.contracts.op.DisputeGameFactory;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.protocol.Hashes;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.faultproof.FaultProofParams;
import dev.crossbar.store.Finding;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.utils.Numeric;

/**
 * The proposer key posts an output whose message passer storage root is a one-leaf trie holding a withdrawal that was
 * never initiated, and that withdrawal is proven on L1 with it: the monitor finds FORGED_WITHDRAWAL (the L2's
 * sentMessages does not have it) and BAD_OUTPUT, deletes the output before its window ends (so the forged withdrawal
 * can never be finalized), alerts, trips l2a's breaker and pauses its Portal. The monitor starts after the proof:
 * running, it would have deleted the output before the proof could use it.
 */
class ForgedWithdrawalTest {

    @Test
    void aWithdrawalProvenAgainstAForgedStorageRootIsFoundAndItsOutputDeleted() throws Exception {
        try (Watchtower w = new Watchtower()) {
            w.startRelayer();
            Portal.WithdrawalTransaction forged = new Portal.WithdrawalTransaction(NONCE, DevKeys.USER.address(),
                    DevKeys.USER.address(), BigInteger.ZERO, GAS_LIMIT, new byte[0]);
            Forgery f = forgeAtL2aHead(w);
            BigInteger index = w.nextOutputIndex(0);
            w.oracle(0, DevKeys.PROPOSER).proposeL2Output(f.outputRoot(),
                    BigInteger.valueOf(f.l2Block()), new byte[32], BigInteger.ZERO, BigInteger.ZERO).send();
            TransactionReceipt proof = w.portal(0, DevKeys.USER).proveWithdrawalTransaction(forged, index,
                    new Portal.OutputRootProof(new byte[32], f.stateRoot(), f.storageRoot(), f.blockHash()),
                    List.of(f.leaf())).send();
            assertThat(proof.isStatusOK()).as("the Portal accepted the forged proof").isTrue();

            Instant start = Instant.now();
            w.startMonitor(w.settings());
            Finding forgedFinding = w.awaitFinding("FORGED_WITHDRAWAL", Duration.ofSeconds(30));
            w.awaitFinding("BAD_OUTPUT", Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(30)).until(() -> w.nextOutputIndex(0).compareTo(index) <= 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("FORGED_WITHDRAWAL", "l2a")
                    .isPresent());
            Watchtower.timing("forged-withdrawal monitor-start->alert", Duration.between(start,
                    w.webhooks.firstAlert("FORGED_WITHDRAWAL", "l2a").orElseThrow()));
            Watchtower.timing("forged-withdrawal monitor-start->output-deleted", Duration.between(start,
                    Instant.now()));

            assertThat(w.l1Timestamp()).isLessThan(w.store.outputs(Watchtower.L2A, 10).stream()
                    .filter(o -> o.outputIndex().equals(index)).findFirst().orElseThrow().l1Timestamp()
                    + w.devnet.config().finalizationPeriod().toSeconds());
            assertThat(forgedFinding.evidence()).containsEntry("withdrawalHash", Numeric.toHexString(f.hash()))
                    .containsEntry("seen", "0").containsEntry("l2Block", Long.toString(f.l2Block()))
                    .containsKeys("expected", "deadline", "outputRoot");
            assertThat(w.tripped(Watchtower.L2A)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> w.paused(0));
            w.awaitBlockedMessage(0, 1, "after a forged withdrawal");
        }
    }

    /**
     * On an L2 that settles through OP's dispute games: an attacker creates a game (permissionless type 255) whose root
     * claim commits to a one-leaf message passer storage root holding a withdrawal never initiated, and proves that
     * withdrawal on the unmodified OptimismPortal2 against it. The monitor finds FORGED_WITHDRAWAL (read at the
     * game's L2 block, the proof found through its submitter) and INVALID_ROOT_CLAIM for the game, and trips the
     * chain's breaker. Its challenger plays no game type here, so that nothing stops the proof from landing.
     */
    @Test
    void aWithdrawalProvenAgainstAGameWithAForgedStorageRootIsFound() throws Exception {
        try (Watchtower w = Watchtower.faultProofs()) {
            w.startMonitor(w.settings());
            DevnetManifest.FaultProofSettlement fp = w.devnet.manifest().l2("l2a").faultProofs();
            OptimismPortal2.WithdrawalTransaction forged = new OptimismPortal2.WithdrawalTransaction(NONCE,
                    DevKeys.USER.address(), DevKeys.USER.address(), BigInteger.ZERO, GAS_LIMIT, new byte[0]);
            Forgery f = forgeAtL2aHead(w);
            var attacker = w.l1().txManager(DevKeys.USER.credentials());
            DisputeGameFactory factory = DisputeGameFactory.load(fp.disputeGameFactory(), w.l1().web3j(), attacker,
                    DevChain.GAS);
            TransactionReceipt created = factory.create(BigInteger.valueOf(FaultProofParams.ALPHABET),
                    f.outputRoot(),
                    Numeric.toBytesPadded(BigInteger.valueOf(f.l2Block()), 32), fp.initBond()).send();
            String game = DisputeGameFactory.getDisputeGameCreatedEvents(created).getFirst().disputeProxy
                    .toLowerCase();
            BigInteger index = factory.gameCount().send().subtract(BigInteger.ONE);
            TransactionReceipt proof = OptimismPortal2.load(fp.portal(), w.l1().web3j(), attacker, DevChain.GAS)
                    .proveWithdrawalTransaction(forged, index, new OptimismPortal2.OutputRootProof(new byte[32],
                            f.stateRoot(), f.storageRoot(), f.blockHash()), List.of(f.leaf())).send();
            assertThat(proof.isStatusOK()).as("OptimismPortal2 accepted the forged proof").isTrue();

            Finding forgedFinding = w.awaitFinding("FORGED_WITHDRAWAL", Duration.ofSeconds(30));
            assertThat(forgedFinding.severity()).isEqualToIgnoringCase("critical");
            assertThat(forgedFinding.evidence()).containsEntry("withdrawalHash", Numeric.toHexString(f.hash()))
                    .containsEntry("game", game).containsEntry("proofSubmitter", DevKeys.USER.address().toLowerCase())
                    .containsEntry("seen", "0").containsEntry("l2Block", Long.toString(f.l2Block()))
                    .containsKeys("expected", "deadline", "rootClaim");
            assertThat(w.awaitFinding("INVALID_ROOT_CLAIM", Duration.ofSeconds(30)).evidence())
                    .containsEntry("game", game);
            await().atMost(Duration.ofSeconds(10)).until(() -> w.tripped(Watchtower.L2A));
            await().atMost(Duration.ofSeconds(10)).until(() -> w.webhooks.firstAlert("FORGED_WITHDRAWAL", "l2a")
                    .isPresent());
            // A forged proof can be finalized once its game wins: the guardian key pauses the SuperchainConfig.
            await().atMost(Duration.ofSeconds(30)).until(() -> dev.crossbar.core.chain.FaultProofViews
                    .superchainPaused(w.clients.get(Watchtower.L1), fp.superchainConfig()));
            assertThat(forgedFinding.evidence().get("guardianAction")).contains("SuperchainConfig.pause");
        }
    }

    /** The forged withdrawal (never initiated): from and to the user, no value, this nonce and gas limit. */
    private static final BigInteger NONCE = BigInteger.TWO.pow(200);
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(100_000);

    /**
     * What a forged output root at l2a's newest block is made of: the forged withdrawal's hash, the one-leaf message
     * passer storage trie holding it (its leaf and root), and the block's real state root and hash.
     */
    private record Forgery(byte[] hash, byte[] leaf, byte[] storageRoot, long l2Block, byte[] stateRoot,
            byte[] blockHash) {
        /** The forged output root: the block's real state root and hash, the forged storage root. */
        byte[] outputRoot() {
            return Hashes.outputRoot(stateRoot, storageRoot, blockHash);
        }
    }

    private static Forgery forgeAtL2aHead(Watchtower w) throws Exception {
        byte[] hash = Hashes.withdrawalHash(NONCE, DevKeys.USER.address(), DevKeys.USER.address(), BigInteger.ZERO,
                GAS_LIMIT, new byte[0]);
        byte[] leaf = singleLeaf(Hashes.sentMessageSlot(hash));
        w.l2(0).anvil().mine(1);
        long l2Block = w.l2(0).blockNumber().longValueExact();
        EthApi.Header header = w.clients.get(Watchtower.L2A).header(EthApi.hex(l2Block));
        return new Forgery(hash, leaf, Hash.sha3(leaf), l2Block, Numeric.hexStringToByteArray(header.stateRoot()),
                Numeric.hexStringToByteArray(header.hash()));
    }

    /**
     * The one-leaf storage trie holding {@code sentMessages[slot] = 1}: the leaf {@code rlp([hp(keccak(slot)),
     * rlp(1)])}, hex-prefix encoding of the full 64-nibble path (flag 0x20: a leaf, even length).
     */
    static byte[] singleLeaf(byte[] slot) {
        byte[] path = Hash.sha3(slot);
        byte[] hp = new byte[33];
        hp[0] = 0x20;
        System.arraycopy(path, 0, hp, 1, 32);
        return RlpEncoder.encode(new RlpList(RlpString.create(hp), RlpString.create(RlpEncoder.encode(
                RlpString.create(BigInteger.ONE)))));
    }
}
