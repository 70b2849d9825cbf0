package dev.crossbar.core.protocol;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.DefaultFunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * An L2-to-L2 message as the source chain's {@code SentMessage} log carries it, and the raw payload
 * ({@code topics ++ data}) that the destination's {@code relayMessage(Identifier, bytes)} takes.
 *
 * @param destination destination chain id (topic 1)
 * @param target the contract called on the destination (topic 2)
 * @param nonce the source messenger's nonce (topic 3)
 * @param sender who sent it on the source chain
 * @param message the call data for the target
 */
public record L2ToL2Payload(BigInteger destination, String target, BigInteger nonce, String sender, byte[] message) {

    /** {@code SentMessage(uint256,address,uint256,address,bytes)}. */
    public static final String SENT_MESSAGE_TOPIC =
            Numeric.toHexString(Hash.sha3("SentMessage(uint256,address,uint256,address,bytes)".getBytes()));

    /** The payload: {@code abi.encodePacked(topic0, destination, target, nonce) ++ abi.encode(sender, message)}. */
    @SuppressWarnings("rawtypes")
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Numeric.hexStringToByteArray(SENT_MESSAGE_TOPIC));
        out.writeBytes(Numeric.toBytesPadded(destination, 32));
        out.writeBytes(Numeric.toBytesPadded(Numeric.toBigInt(target), 32));
        out.writeBytes(Numeric.toBytesPadded(nonce, 32));
        List<Type> data = List.of(new Address(sender), new DynamicBytes(message));
        out.writeBytes(Numeric.hexStringToByteArray(new DefaultFunctionEncoder().encodeParameters(data)));
        return out.toByteArray();
    }

    /** The log data of the event: {@code abi.encode(sender, message)}. */
    @SuppressWarnings("rawtypes")
    public byte[] eventData() {
        List<Type> data = List.of(new Address(sender), new DynamicBytes(message));
        return Numeric.hexStringToByteArray(new DefaultFunctionEncoder().encodeParameters(data));
    }

    /** The message hash as the destination records it, given the source chain id. */
    public byte[] messageHash(BigInteger source) {
        return Hashes.l2ToL2Message(destination, source, nonce, sender, target, message);
    }

    /**
     * Decodes a {@code SentMessage} log from its topics and data.
     *
     * @throws MalformedEventException when the topics or data do not have the event's shape
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static L2ToL2Payload fromLog(List<String> topics, String data) {
        if (topics.size() != 4 || !SENT_MESSAGE_TOPIC.equalsIgnoreCase(topics.getFirst())) {
            throw new MalformedEventException("not an L2ToL2 SentMessage log: expected 4 topics starting with "
                    + SENT_MESSAGE_TOPIC + ", got " + topics);
        }
        List<Type> decoded;
        try {
            decoded = FunctionReturnDecoder.decode(data, List.of(
                    (TypeReference) TypeReference.create(Address.class),
                    (TypeReference) TypeReference.create(DynamicBytes.class)));
        } catch (RuntimeException e) {
            throw new MalformedEventException("SentMessage data does not decode as (address, bytes): " + e.getMessage(), e);
        }
        if (decoded.size() != 2) {
            throw new MalformedEventException("SentMessage data does not decode as (address, bytes)");
        }
        return new L2ToL2Payload(Numeric.toBigInt(topics.get(1)),
                Numeric.toHexStringWithPrefixZeroPadded(Numeric.toBigInt(topics.get(2)), 40),
                Numeric.toBigInt(topics.get(3)),
                ((Address) decoded.get(0)).getValue(),
                ((DynamicBytes) decoded.get(1)).getValue());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof L2ToL2Payload p && destination.equals(p.destination) && target.equalsIgnoreCase(p.target)
                && nonce.equals(p.nonce) && sender.equalsIgnoreCase(p.sender) && Arrays.equals(message, p.message);
    }

    @Override
    public int hashCode() {
        return destination.hashCode() * 31 + nonce.hashCode();
    }
}
