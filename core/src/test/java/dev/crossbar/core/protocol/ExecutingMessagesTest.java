package dev.crossbar.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

class ExecutingMessagesTest {
    // The vector of OP's op-core/interop/messages/messages_test.go (TestChecksum / TestAccessList): every field
    // has distinct bytes, so a field in the wrong place or order changes the result.
    static final String ORIGIN = "0xe0e1e2e3e4e5e6e7e8e9f0f1f2f3f4f5f6f7f8f9";
    static final long BLOCK = 0xa1a2a3a4a5a6a7a8L;
    static final long LOG_INDEX = 0xb1b2b3b4L;
    static final long TIMESTAMP = 0xc1c2c3c4c5c6c7c8L;
    static final BigInteger CHAIN = new BigInteger("d1d2d3d4d5d6d7d8", 16);
    static final ExecutingMessages.Identifier ID = new ExecutingMessages.Identifier(ORIGIN, BLOCK, LOG_INDEX,
            TIMESTAMP, CHAIN);
    static final byte[] MSG_HASH = Hash.sha3("example payload".getBytes(StandardCharsets.UTF_8));

    @Test
    void opsPublishedVectorsPass() {
        assertEquals("0x8017559a85b12c04b14a1a425d53486d1015f833714a09bd62f04152a7e2ae9b",
                Numeric.toHexString(MSG_HASH));
        assertEquals("0x01000000d1d2d3d4d5d6d7d8a1a2a3a4a5a6a7a8c1c2c3c4c5c6c7c8b1b2b3b4",
                Numeric.toHexString(ExecutingMessages.lookup(ID)));
        assertEquals("0x03749e87fd7789575de9906569deb05aaf220dc4cfab3d8abbfd34a2e1d7d357",
                Numeric.toHexString(ExecutingMessages.checksum(ID, MSG_HASH)));
        assertEquals(List.of("0x01000000d1d2d3d4d5d6d7d8a1a2a3a4a5a6a7a8c1c2c3c4c5c6c7c8b1b2b3b4",
                "0x03749e87fd7789575de9906569deb05aaf220dc4cfab3d8abbfd34a2e1d7d357"),
                ExecutingMessages.storageKeys(ID, MSG_HASH));
    }

    /** The checksum rebuilt here from hex strings, following the spec's steps, without the production code. */
    @Test
    void theChecksumFollowsTheSpecStepByStep() {
        String logHash = Numeric.toHexString(Hash.sha3(Numeric.hexStringToByteArray(ORIGIN.substring(2)
                + Numeric.toHexStringNoPrefix(MSG_HASH))));
        assertEquals("0xf9ed05990c887d3f86718aabd7e940faaa75d6a5cd44602e89642586ce85f2aa", logHash,
                "OP's vector for logHash = keccak256(origin ++ msgHash)");
        String idPacked = "000000000000000000000000" + "a1a2a3a4a5a6a7a8" + "c1c2c3c4c5c6c7c8" + "b1b2b3b4";
        byte[] idLogHash = Hash.sha3(Numeric.hexStringToByteArray(logHash.substring(2) + idPacked));
        byte[] bare = Hash.sha3(Numeric.hexStringToByteArray(Numeric.toHexStringNoPrefix(idLogHash)
                + "000000000000000000000000000000000000000000000000d1d2d3d4d5d6d7d8"));
        String expected = "0x03" + Numeric.toHexStringNoPrefix(bare).substring(2);
        assertEquals(expected, Numeric.toHexString(ExecutingMessages.checksum(ID, MSG_HASH)));
    }

    @Test
    void aChainIdAbove64BitsGetsTheExtensionEntryAndTheFullIdInTheChecksum() {
        BigInteger big = new BigInteger("e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8" + "d1d2d3d4d5d6d7d8", 16);
        var id = new ExecutingMessages.Identifier(ORIGIN, 5, 7, 1_700_000_000L, big);
        List<String> keys = ExecutingMessages.storageKeys(id, MSG_HASH);
        assertEquals(3, keys.size());
        assertEquals("0x01000000d1d2d3d4d5d6d7d8" + "0000000000000005" + "000000006553f100" + "00000007", keys.get(0));
        assertEquals("0x02" + "00000000000000" + "e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8", keys.get(1));
        assertTrue(keys.get(2).startsWith("0x03"));
        // A chain id that fits in 64 bits has no extension.
        assertFalse(ExecutingMessages.needsChainIdExtension(BigInteger.valueOf(901)));
        assertEquals(2, ExecutingMessages.storageKeys(new ExecutingMessages.Identifier(ORIGIN, 5, 7, 1, BigInteger
                .valueOf(901)), MSG_HASH).size());
        // The checksum binds the whole chain id: the low 64 bits alone give another one.
        var low = new ExecutingMessages.Identifier(ORIGIN, 5, 7, 1_700_000_000L, CHAIN);
        assertFalse(keys.get(2).equals(Numeric.toHexString(ExecutingMessages.checksum(low, MSG_HASH))));
    }

    @Test
    void anAccessListDeclaresEveryMessageUnderTheInboxAndReadsBack() {
        BigInteger big = BigInteger.ONE.shiftLeft(200).add(BigInteger.valueOf(902));
        var a = new ExecutingMessages.Message(new ExecutingMessages.Identifier(Predeploys
                .L2_TO_L2_CROSS_DOMAIN_MESSENGER, 10, 0, 1000, BigInteger.valueOf(901)), MSG_HASH);
        var b = new ExecutingMessages.Message(ID, Hash.sha3(new byte[] {1}));
        var c = new ExecutingMessages.Message(new ExecutingMessages.Identifier(ORIGIN, 11, 3, 1001, big), MSG_HASH);
        List<AccessListObject> list = ExecutingMessages.accessList(List.of(a, b, c));
        assertEquals(1, list.size());
        assertEquals(Predeploys.CROSS_L2_INBOX, list.get(0).getAddress());
        assertEquals(2 + 2 + 3, list.get(0).getStorageKeys().size());

        List<ExecutingMessages.Declared> declared = ExecutingMessages.declared(list);
        assertEquals(3, declared.size());
        assertEquals(BigInteger.valueOf(901), declared.get(0).chainId());
        assertEquals(10, declared.get(0).blockNumber());
        assertEquals(1000, declared.get(0).timestamp());
        assertTrue(declared.get(0).checksumMatches(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER, MSG_HASH));
        assertFalse(declared.get(0).checksumMatches(ORIGIN, MSG_HASH), "another origin");
        assertFalse(declared.get(0).checksumMatches(Predeploys.L2_TO_L2_CROSS_DOMAIN_MESSENGER,
                Hash.sha3(new byte[] {2})), "another log");
        assertEquals(CHAIN, declared.get(1).chainId());
        assertEquals(BLOCK, declared.get(1).blockNumber());
        assertEquals(LOG_INDEX, declared.get(1).logIndex());
        assertEquals(big, declared.get(2).chainId());
        assertTrue(declared.get(2).checksumMatches(ORIGIN, MSG_HASH));
        assertEquals(List.of(), ExecutingMessages.accessList(List.of()));
    }

    @Test
    void malformedDeclarationsAreRefusedNamingTheEntry() {
        List<String> keys = new ArrayList<>(ExecutingMessages.storageKeys(ID, MSG_HASH));
        var lookupOnly = List.of(new AccessListObject(Predeploys.CROSS_L2_INBOX, keys.subList(0, 1)));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecutingMessages.declared(lookupOnly))
                .getMessage().contains("without the checksum"));
        var checksumFirst = List.of(new AccessListObject(Predeploys.CROSS_L2_INBOX, List.of(keys.get(1),
                keys.get(0))));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecutingMessages.declared(checksumFirst))
                .getMessage().contains("entry 0 is not a lookup entry"));
        var twoLookups = List.of(new AccessListObject(Predeploys.CROSS_L2_INBOX, List.of(keys.get(0), keys.get(0))));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecutingMessages.declared(twoLookups))
                .getMessage().contains("entry 1 should be the checksum"));
        // Keys of other contracts are not the inbox's business.
        assertEquals(List.of(), ExecutingMessages.declared(List.of(new AccessListObject(ORIGIN, List.of(keys.get(1))))));
    }
}
