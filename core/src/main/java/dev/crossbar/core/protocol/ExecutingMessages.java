package dev.crossbar.core.protocol;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Executing messages of OP Stack interop, as the specification ({@code specs/interop/predeploys.md}, "Access-list")
 * and OP's reference code ({@code op-core/interop/messages}) define them: a transaction that executes a message from
 * another chain (through the CrossL2Inbox, e.g. a relay of the L2ToL2CrossDomainMessenger) declares it in its EIP-2930
 * access list under the inbox's address, with two storage keys per message (three when the chain id needs more than
 * 64 bits):
 * <ul>
 *   <li><b>lookup</b> (type 1): {@code 0x01}, 3 zero bytes, chain id (u64), block number (u64), timestamp (u64), log
 *       index (u32), big-endian: where the block builder finds the source log;</li>
 *   <li><b>chain-id extension</b> (type 2), only when the chain id is above {@code 2^64 - 1}: {@code 0x02}, 7 zero
 *       bytes, then the upper 24 bytes of the 32-byte chain id;</li>
 *   <li><b>checksum</b> (type 3): {@code logHash = keccak256(origin ++ msgHash)}, {@code idLogHash =
 *       keccak256(logHash ++ 12 zero bytes ++ blockNumber u64 ++ timestamp u64 ++ logIndex u32)}, {@code checksum =
 *       keccak256(idLogHash ++ chainId as 32 bytes)} with its first byte set to {@code 0x03}. The inbox's
 *       {@code validateMessage} reverts unless this slot is warm; the block builder recomputes it from the real
 *       log.</li>
 * </ul>
 * {@code msgHash} is {@code keccak256(topics ++ data)} of the source log.
 */
public final class ExecutingMessages {
    /** First byte of a lookup entry. */
    public static final byte LOOKUP = 0x01;
    /** First byte of a chain-id extension entry. */
    public static final byte CHAIN_ID_EXTENSION = 0x02;
    /** First byte of a checksum entry. */
    public static final byte CHECKSUM = 0x03;
    private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64);

    private ExecutingMessages() {}

    /**
     * Identifier of a source log (the CrossL2Inbox {@code Identifier}).
     *
     * @param origin address that emitted the log
     * @param blockNumber its block (unsigned 64 bits, as the access list carries it)
     * @param logIndex its index in the block (32 bits)
     * @param timestamp its block's timestamp (unsigned 64 bits)
     * @param chainId its chain
     */
    public record Identifier(String origin, long blockNumber, long logIndex, long timestamp, BigInteger chainId) {
        public Identifier {
            if (origin == null || !origin.matches("0x[0-9a-fA-F]{40}")) {
                throw new IllegalArgumentException("identifier origin is not an address: " + origin);
            }
            if (logIndex < 0 || logIndex > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("identifier log index does not fit in 32 bits: " + logIndex);
            }
            if (chainId == null || chainId.signum() <= 0 || chainId.bitLength() > 256) {
                throw new IllegalArgumentException("identifier chain id must be positive and fit in 256 bits");
            }
            origin = origin.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A message an access list declares: its identifier (all but the origin, which only the checksum binds) and the
     * checksum. {@link #checksumMatches} says whether a given log is the declared one.
     *
     * @param chainId source chain
     * @param blockNumber source block (unsigned)
     * @param timestamp source block's timestamp (unsigned)
     * @param logIndex the log's index in the block
     * @param checksum the type-3 entry
     */
    public record Declared(BigInteger chainId, long blockNumber, long timestamp, long logIndex, byte[] checksum) {
        /** Whether the log {@code (origin, msgHash)} at this place has the declared checksum. */
        public boolean checksumMatches(String origin, byte[] msgHash) {
            return Arrays.equals(checksum, ExecutingMessages.checksum(
                    new Identifier(origin, blockNumber, logIndex, timestamp, chainId), msgHash));
        }

        @Override
        public String toString() {
            return "chain " + chainId + " block " + Long.toUnsignedString(blockNumber) + " timestamp "
                    + Long.toUnsignedString(timestamp) + " log " + logIndex + " checksum " + Numeric.toHexString(checksum);
        }
    }

    /** {@code keccak256(topics ++ data)} of a log: the hash the inbox validates. */
    public static byte[] msgHash(List<String> topics, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(32 * topics.size() + data.length);
        for (String t : topics) {
            b.put(Numeric.toBytesPadded(Numeric.toBigInt(t), 32));
        }
        b.put(data);
        return Hash.sha3(b.array());
    }

    /** The type-1 lookup entry of a message. */
    public static byte[] lookup(Identifier id) {
        ByteBuffer b = ByteBuffer.allocate(32);
        b.put(LOOKUP).put(new byte[3]);
        b.putLong(id.chainId().longValue()); // the low 64 bits; the extension carries the rest
        b.putLong(id.blockNumber()).putLong(id.timestamp()).putInt((int) id.logIndex());
        return b.array();
    }

    /** Whether a message's chain id needs the type-2 extension entry (it does not fit in 64 bits). */
    public static boolean needsChainIdExtension(BigInteger chainId) {
        return chainId.compareTo(U64) >= 0;
    }

    /** The type-2 chain-id extension entry: {@code 0x02}, 7 zero bytes, the upper 24 bytes of the chain id. */
    public static byte[] chainIdExtension(BigInteger chainId) {
        byte[] id = Numeric.toBytesPadded(chainId, 32);
        byte[] e = new byte[32];
        e[0] = CHAIN_ID_EXTENSION;
        System.arraycopy(id, 0, e, 8, 24);
        return e;
    }

    /** The type-3 checksum entry of a message, as {@code CrossL2Inbox.calculateChecksum} computes it. */
    public static byte[] checksum(Identifier id, byte[] msgHash) {
        if (msgHash.length != 32) {
            throw new IllegalArgumentException("a message hash has 32 bytes, not " + msgHash.length);
        }
        byte[] logHash = Hash.sha3(concat(Numeric.hexStringToByteArray(id.origin()), msgHash));
        ByteBuffer packed = ByteBuffer.allocate(32);
        packed.put(new byte[12]).putLong(id.blockNumber()).putLong(id.timestamp()).putInt((int) id.logIndex());
        byte[] idLogHash = Hash.sha3(concat(logHash, packed.array()));
        byte[] checksum = Hash.sha3(concat(idLogHash, Numeric.toBytesPadded(id.chainId(), 32)));
        checksum[0] = CHECKSUM;
        return checksum;
    }

    /** The storage keys that declare one message: lookup, the chain-id extension when needed, checksum. */
    public static List<String> storageKeys(Identifier id, byte[] msgHash) {
        List<String> keys = new ArrayList<>(3);
        keys.add(Numeric.toHexString(lookup(id)));
        if (needsChainIdExtension(id.chainId())) {
            keys.add(Numeric.toHexString(chainIdExtension(id.chainId())));
        }
        keys.add(Numeric.toHexString(checksum(id, msgHash)));
        return keys;
    }

    /** A message to declare: its source log's identifier and {@code keccak256(topics ++ data)}. */
    public record Message(Identifier id, byte[] msgHash) {}

    /**
     * The access list of a transaction that executes {@code messages}: one entry, at the CrossL2Inbox, with every
     * message's keys in order (empty when there are none).
     */
    public static List<AccessListObject> accessList(List<Message> messages) {
        if (messages.isEmpty()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (Message m : messages) {
            keys.addAll(storageKeys(m.id(), m.msgHash()));
        }
        return List.of(new AccessListObject(Predeploys.CROSS_L2_INBOX, keys));
    }

    /**
     * The messages a transaction's access list declares under the CrossL2Inbox, read as the block builder reads them:
     * a lookup entry, its extension when the chain id needs one, then its checksum.
     *
     * @throws IllegalArgumentException naming the entry, when the inbox's keys are not a sequence of well-formed
     *     declarations (a lookup without its checksum, an entry of an unknown type, non-zero padding)
     */
    public static List<Declared> declared(List<AccessListObject> accessList) {
        List<Declared> out = new ArrayList<>();
        for (AccessListObject o : accessList == null ? List.<AccessListObject>of() : accessList) {
            if (!Predeploys.CROSS_L2_INBOX.equalsIgnoreCase(o.getAddress())) {
                continue;
            }
            List<String> keys = o.getStorageKeys();
            int i = 0;
            while (i < keys.size()) {
                byte[] lookup = key(keys, i);
                if (lookup[0] != LOOKUP || lookup[1] != 0 || lookup[2] != 0 || lookup[3] != 0) {
                    throw new IllegalArgumentException("inbox access-list entry " + i + " is not a lookup entry: "
                            + keys.get(i));
                }
                ByteBuffer b = ByteBuffer.wrap(lookup, 4, 28);
                BigInteger chainId = new BigInteger(1, Arrays.copyOfRange(lookup, 4, 12));
                b.getLong();
                long block = b.getLong();
                long timestamp = b.getLong();
                long logIndex = Integer.toUnsignedLong(b.getInt());
                i++;
                byte[] next = key(keys, i);
                if (next[0] == CHAIN_ID_EXTENSION) {
                    for (int z = 1; z < 8; z++) {
                        if (next[z] != 0) {
                            throw new IllegalArgumentException("inbox access-list entry " + i
                                    + " is a chain-id extension with non-zero padding: " + keys.get(i));
                        }
                    }
                    byte[] full = new byte[32];
                    System.arraycopy(next, 8, full, 0, 24);
                    System.arraycopy(lookup, 4, full, 24, 8);
                    chainId = new BigInteger(1, full);
                    i++;
                    next = key(keys, i);
                }
                if (next[0] != CHECKSUM) {
                    throw new IllegalArgumentException("inbox access-list entry " + i
                            + " should be the checksum of the lookup before it, but is " + keys.get(i));
                }
                out.add(new Declared(chainId, block, timestamp, logIndex, next));
                i++;
            }
        }
        return out;
    }

    private static byte[] key(List<String> keys, int i) {
        if (i >= keys.size()) {
            throw new IllegalArgumentException("inbox access list ends after entry " + (i - 1)
                    + " without the checksum of its last lookup");
        }
        byte[] k = Numeric.hexStringToByteArray(keys.get(i));
        if (k.length != 32) {
            throw new IllegalArgumentException("inbox access-list entry " + i + " has " + k.length + " bytes, not 32");
        }
        return k;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
