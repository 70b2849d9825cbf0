package dev.crossbar.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.contracts.op.OptimismPortal2;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/** The encoding of deposit transactions (type 0x7E), against a vector anvil's OP mode accepted. */
class OpDepositTxTest {
    /** A plain ether deposit: mint 1 ether, value 0.3 ether, gas 100000, no data; L1 block 0xabab…, log 7. */
    private static final String L1_BLOCK_HASH = "0x" + "ab".repeat(32);
    private static final String SOURCE_HASH = "0xdc79a926b0a66eb9c67804a20ad6dcfd00b12b5aa002b8ce557cdc68869a8329";
    private static final String RAW = "0x7ef863a0dc79a926b0a66eb9c67804a20ad6dcfd00b12b5aa002b8ce557cdc68869a8329941111"
            + "111111111111111111111111111111111111942222222222222222222222222222222222222222880de0b6b3a76400008804"
            + "29d069189e0000830186a08080";
    /** The hash anvil ({@code --network optimism}) answered for {@link #RAW}. */
    private static final String HASH = "0x5824dc62004f0cefb34ec426c3074b970d161103ac6237ab9e23a4c37769b427";

    @Test
    void aUserDepositIsEncodedAsTheOpSpecSaysAndHashedOverItsBytes() {
        byte[] source = OpDepositTx.userDepositSourceHash(Numeric.hexStringToByteArray(L1_BLOCK_HASH),
                BigInteger.valueOf(7));
        assertThat(Numeric.toHexString(source)).isEqualTo(SOURCE_HASH);
        OpDepositTx tx = new OpDepositTx(source, new DepositTransaction("0x" + "11".repeat(20), "0x" + "22".repeat(20),
                BigInteger.TEN.pow(18), new BigInteger("300000000000000000"), BigInteger.valueOf(100_000), false,
                new byte[0]));
        assertThat(Numeric.toHexString(tx.encoded())).isEqualTo(RAW);
        assertThat(tx.hash()).isEqualTo(HASH);
    }

    @Test
    void aDepositComesFromItsEventAtItsPlaceInTheL1Block() {
        OptimismPortal2.TransactionDepositedEventResponse e = event(L1_BLOCK_HASH, "0x7");
        OpDepositTx tx = OpDepositTx.from(e);
        assertThat(Numeric.toHexString(tx.sourceHash())).isEqualTo(SOURCE_HASH);
        assertThat(tx.hash()).isEqualTo(HASH);
    }

    @Test
    void aCreationHasAnEmptyToAndAnotherLogIndexAnotherSourceHash() {
        OpDepositTx at8 = OpDepositTx.from(event(L1_BLOCK_HASH, "0x8"));
        assertThat(at8.sourceHash()).isNotEqualTo(Numeric.hexStringToByteArray(SOURCE_HASH));
        OpDepositTx creation = new OpDepositTx(at8.sourceHash(), new DepositTransaction("0x" + "11".repeat(20),
                "0x" + "00".repeat(20), BigInteger.ZERO, BigInteger.ZERO, BigInteger.valueOf(100_000), true,
                new byte[] {0x60, 0x00}));
        byte[] raw = creation.encoded();
        // ... from (0x94 + 20 bytes), then to as the empty string 0x80, mint 0 and value 0 as 0x80.
        String hex = Numeric.toHexString(raw);
        assertThat(hex).contains("94" + "11".repeat(20) + "808080");
    }

    @Test
    void aLogWithoutItsPlaceInABlockIsRefused() {
        OptimismPortal2.TransactionDepositedEventResponse e = event(null, "0x7");
        assertThatThrownBy(() -> OpDepositTx.from(e)).isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("block hash");
        assertThatThrownBy(() -> new OpDepositTx(new byte[31], null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }

    private static OptimismPortal2.TransactionDepositedEventResponse event(String blockHash, String logIndex) {
        OptimismPortal2.TransactionDepositedEventResponse e = new OptimismPortal2.TransactionDepositedEventResponse();
        e.from = "0x" + "11".repeat(20);
        e.to = "0x" + "22".repeat(20);
        e.version = BigInteger.ZERO;
        e.opaqueData = Numeric.hexStringToByteArray(
                Numeric.toHexStringNoPrefixZeroPadded(BigInteger.TEN.pow(18), 64)
                + Numeric.toHexStringNoPrefixZeroPadded(new BigInteger("300000000000000000"), 64)
                + Numeric.toHexStringNoPrefixZeroPadded(BigInteger.valueOf(100_000), 16)
                + "00");
        Log log = new Log();
        log.setBlockHash(blockHash);
        log.setLogIndex(logIndex);
        e.log = log;
        return e;
    }
}
