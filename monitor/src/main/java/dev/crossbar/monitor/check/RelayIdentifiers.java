package dev.crossbar.monitor.check;

import dev.crossbar.contracts.bindings.L2ToL2CrossDomainMessenger;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.core.protocol.L2ToL2Payload;
import dev.crossbar.core.protocol.MalformedEventException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Finds the source-log identifier a relay transaction gave the destination messenger: from a direct
 * {@code relayMessage(Identifier, bytes)} call, or from the calls of a Multicall3 {@code aggregate3} batch. Other
 * wrappers are not looked into: the identifier is then not available and the check relies on the source
 * messenger's {@code sentMessages}.
 */
final class RelayIdentifiers {
    static final String RELAY_SELECTOR =
            Hash.sha3String("relayMessage((address,uint256,uint256,uint256,uint256),bytes)").substring(0, 10);
    static final String AGGREGATE3_SELECTOR = Hash.sha3String("aggregate3((address,bool,bytes)[])").substring(0, 10);

    /** A relay's identifier and the payload it came with. */
    record Relay(BigInteger chainId, BigInteger blockNumber, BigInteger logIndex, BigInteger timestamp, String origin,
            L2ToL2Payload payload) {}

    private RelayIdentifiers() {}

    /**
     * The relay in transaction input {@code input} (sent to {@code to}) of the message with {@code messageHash}, if
     * it can be decoded.
     */
    static Optional<Relay> find(String to, String input, String messenger, String messageHash) {
        if (input == null || input.length() < 10) {
            return Optional.empty();
        }
        List<String> calls = new ArrayList<>();
        String selector = input.substring(0, 10).toLowerCase();
        if (selector.equals(RELAY_SELECTOR) && messenger.equalsIgnoreCase(to)) {
            calls.add(input);
        } else if (selector.equals(AGGREGATE3_SELECTOR)) {
            calls.addAll(batchedCalls(input, messenger));
        }
        for (String call : calls) {
            Optional<Relay> r = decode(call);
            if (r.isPresent() && Numeric.toHexString(r.get().payload().messageHash(r.get().chainId()))
                    .equalsIgnoreCase(messageHash)) {
                return r;
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Optional<Relay> decode(String call) {
        try {
            List<Type> v = FunctionReturnDecoder.decode(call.substring(10), (List) List.of(
                    new TypeReference<L2ToL2CrossDomainMessenger.Identifier>() {}, new TypeReference<DynamicBytes>() {}));
            L2ToL2CrossDomainMessenger.Identifier id = (L2ToL2CrossDomainMessenger.Identifier) v.get(0);
            byte[] payload = ((DynamicBytes) v.get(1)).getValue();
            return Optional.of(new Relay(id.chainId, id.blockNumber, id.logIndex, id.timestamp, id.origin,
                    payloadOf(payload)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The payload's topics and data, decoded as the SentMessage log they claim to be. */
    private static L2ToL2Payload payloadOf(byte[] payload) {
        if (payload.length < 128) {
            throw new MalformedEventException("payload shorter than a SentMessage log");
        }
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            topics.add(Numeric.toHexString(java.util.Arrays.copyOfRange(payload, 32 * i, 32 * (i + 1))));
        }
        return L2ToL2Payload.fromLog(topics, Numeric.toHexString(java.util.Arrays.copyOfRange(payload, 128,
                payload.length)));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<String> batchedCalls(String input, String messenger) {
        try {
            List<Type> v = FunctionReturnDecoder.decode(input.substring(10), (List) List.of(
                    new TypeReference<DynamicArray<Multicall3.Call3>>() {}));
            List<String> out = new ArrayList<>();
            for (Object o : ((DynamicArray) v.getFirst()).getValue()) {
                Multicall3.Call3 c = (Multicall3.Call3) o;
                String data = Numeric.toHexString(c.callData);
                if (c.target.equalsIgnoreCase(messenger) && data.toLowerCase().startsWith(RELAY_SELECTOR)) {
                    out.add(data);
                }
            }
            return out;
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
