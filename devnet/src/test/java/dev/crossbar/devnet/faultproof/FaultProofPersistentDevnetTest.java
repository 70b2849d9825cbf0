package dev.crossbar.devnet.faultproof;

import dev.crossbar.core.protocol.OpDepositTx;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crossbar.contracts.op.L1CrossDomainMessenger;
import dev.crossbar.contracts.op.OptimismPortal2;
import dev.crossbar.devnet.DevChain;
import dev.crossbar.devnet.DevKeys;
import dev.crossbar.devnet.Devnet;
import dev.crossbar.devnet.DevnetConfig;
import dev.crossbar.devnet.DevnetManifest;
import dev.crossbar.devnet.SettlementKind;
import dev.crossbar.devnet.operator.DevnetOperator;
import dev.crossbar.testkit.TempDirs;
import java.math.BigInteger;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A persistent fault-proof devnet started again on its folder continues its chains and contracts, its L2s still in
 * OP mode; started with the other settlement kind, it starts over.
 */
class FaultProofPersistentDevnetTest {
    private static final BigInteger VALUE = BigInteger.TEN.pow(17);
    private Path dataDir;

    @BeforeEach
    void folder() {
        dataDir = TempDirs.create("fault-proof-persistent");
    }

    @AfterEach
    void cleanUp() {
        TempDirs.delete(dataDir);
    }

    @Test
    void aRestartedDevnetKeepsItsFaultProofContractsAndItsL2sTakeDepositsAgain() throws Exception {
        DevnetConfig config = DevnetConfig.forTests(dataDir).persistent(true)
                .withSettlement(SettlementKind.FAULT_PROOFS);
        String before = freshAddress();
        DevnetManifest first;
        long l2Head;
        try (Devnet devnet = Devnet.start(config); DevnetOperator operator = DevnetOperator.manual(devnet)) {
            first = devnet.manifest();
            deposit(devnet, before);
            assertThat(operator.faultProofSequencer("l2a").executeDue()).isEqualTo(1);
            l2Head = devnet.l2(0).blockNumber().longValueExact();
        }

        String after = freshAddress();
        try (Devnet devnet = Devnet.start(config); DevnetOperator operator = DevnetOperator.manual(devnet)) {
            DevnetManifest resumed = devnet.manifest();
            assertThat(resumed.createdAt()).as("resumed, not deployed again").isEqualTo(first.createdAt());
            assertThat(resumed.l2s()).extracting(DevnetManifest.Chain::faultProofs)
                    .isEqualTo(first.l2s().stream().map(DevnetManifest.Chain::faultProofs).toList());
            assertThat(DevnetManifest.read(dataDir)).isEqualTo(resumed);
            assertThat(devnet.l2(0).blockNumber().longValueExact()).isGreaterThanOrEqualTo(l2Head);
            assertThat(balance(devnet.l2(0), before)).isEqualTo(VALUE);

            OpDepositTx d = deposit(devnet, after);
            assertThat(operator.faultProofSequencer("l2a").executeDue()).as("the new deposit only").isEqualTo(1);
            assertThat(devnet.l2(0).web3j().ethGetTransactionReceipt(d.hash()).send().getTransactionReceipt()
                    .orElseThrow().getType()).as("the reloaded L2 is in OP mode").isEqualToIgnoringCase("0x7e");
            assertThat(balance(devnet.l2(0), before)).isEqualTo(VALUE);
            assertThat(balance(devnet.l2(0), after)).isEqualTo(VALUE);
        }

        try (Devnet devnet = Devnet.start(config.withSettlement(SettlementKind.OUTPUT_ORACLE))) {
            assertThat(devnet.manifest().settlementKind()).as("another settlement kind starts over")
                    .isEqualTo(SettlementKind.OUTPUT_ORACLE);
            assertThat(devnet.manifest().createdAt()).isNotEqualTo(first.createdAt());
            assertThat(devnet.manifest().l2s()).allSatisfy(c -> assertThat(c.settlement()).isNotNull());
        }
    }

    private static OpDepositTx deposit(Devnet devnet, String target) throws Exception {
        DevnetManifest.FaultProofSettlement fp = devnet.manifest().l2("l2a").faultProofs();
        TransactionReceipt r = L1CrossDomainMessenger.load(fp.l1CrossDomainMessenger(), devnet.l1().web3j(),
                devnet.l1().txManager(DevKeys.USER.credentials()), DevChain.GAS)
                .sendMessage(target, new byte[0], BigInteger.valueOf(200_000), VALUE).send();
        return OpDepositTx.from(OptimismPortal2.getTransactionDepositedEvents(r).getFirst());
    }

    private static BigInteger balance(DevChain chain, String address) throws Exception {
        return chain.web3j().ethGetBalance(address, DefaultBlockParameterName.LATEST).send().getBalance();
    }

    private static String freshAddress() throws Exception {
        return Keys.toChecksumAddress(Keys.getAddress(Keys.createEcKeyPair()));
    }
}
