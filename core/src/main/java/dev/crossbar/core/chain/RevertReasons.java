package dev.crossbar.core.chain;

import java.util.List;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Hash;

/** Turns revert data into something a person and the relayer's policies can read. */
public final class RevertReasons {
    private static final String ERROR_STRING = "0x08c379a0";
    private static final List<String> CUSTOM_ERRORS = List.of("MessageAlreadyRelayed()",
            // The CrossL2Inbox: the specification's name for an undeclared message, and OP's code's.
            "NonDeclaredExecutingMessage()", "NotInAccessList()", "BlockNumberTooHigh()", "TimestampTooHigh()",
            "LogIndexTooHigh()", "InvalidMessage()", "NotEntered()",
            "IdOriginNotL2ToL2CrossDomainMessenger()", "EventPayloadNotSentMessage()", "MessageDestinationSameChain()",
            "MessageDestinationNotRelayChain()", "MessageTargetL2ToL2CrossDomainMessenger()",
            "MessageTargetCrossL2Inbox()", "L2ToL2CrossDomainMessenger_MessageTargetUnsafe()", "ReentrantCall()");

    private RevertReasons() {}

    /** The reason: the {@code Error(string)} text, a custom error's name, or the node's message. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static String of(EthApi.Reverted r) {
        String data = r.data() == null ? "" : r.data().replace("\"", "");
        if (data.startsWith(ERROR_STRING) && data.length() > 10) {
            try {
                List<Type> v = FunctionReturnDecoder.decode(data.substring(10),
                        List.of((TypeReference) TypeReference.create(Utf8String.class)));
                return v.getFirst().getValue().toString();
            } catch (RuntimeException ignored) {
                // fall through to the raw data
            }
        }
        if (data.length() >= 10) {
            String selector = data.substring(0, 10);
            for (String e : CUSTOM_ERRORS) {
                if (Hash.sha3String(e).substring(0, 10).equalsIgnoreCase(selector)) {
                    return e.substring(0, e.length() - 2);
                }
            }
            return "custom error " + selector;
        }
        return r.getMessage();
    }
}
