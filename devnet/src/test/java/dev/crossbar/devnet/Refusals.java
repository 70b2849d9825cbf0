package dev.crossbar.devnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Asks a chain whether a call would be refused, and why: the revert reason string, or the name of the
 * custom error (looked up in the compiled ABIs).
 */
public final class Refusals {
    private static final String ERROR_STRING = "0x08c379a0";
    private static final Map<String, String> CUSTOM_ERRORS = loadCustomErrors();

    private Refusals() {}

    /**
     * @return why the call would revert
     * @throws AssertionError when the call would succeed
     */
    public static String refusal(DevChain chain, String from, String to, String data, BigInteger value) throws IOException {
        EthCall r = chain.web3j().ethCall(Transaction.createFunctionCallTransaction(from, null, null,
                BigInteger.valueOf(15_000_000), to, value, data), DefaultBlockParameterName.LATEST).send();
        return explain(r, to);
    }

    private static String explain(EthCall r, String to) {
        if (!r.hasError() && !r.isReverted()) {
            throw new AssertionError("expected the call to " + to + " to be refused, but it would succeed");
        }
        String revertData = r.hasError() && r.getError().getData() != null ? r.getError().getData().replace("\"", "")
                : null;
        if (revertData != null && revertData.startsWith(ERROR_STRING)) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            List<Type> decoded = FunctionReturnDecoder.decode(revertData.substring(10),
                    List.of((TypeReference) TypeReference.create(Utf8String.class)));
            return decoded.getFirst().getValue().toString();
        }
        if (revertData != null && revertData.length() >= 10) {
            return CUSTOM_ERRORS.getOrDefault(revertData.substring(0, 10), "custom error " + revertData);
        }
        return r.hasError() ? r.getError().getMessage() : r.getRevertReason();
    }

    /**
     * {@link #refusal} of a call that carries an EIP-2930 access list.
     *
     * @throws AssertionError when the call would succeed
     */
    public static String refusal(DevChain chain, String from, String to, String data,
            List<org.web3j.crypto.AccessListObject> accessList) throws IOException {
        Map<String, Object> tx = new java.util.LinkedHashMap<>();
        tx.put("from", from);
        tx.put("to", to);
        tx.put("data", data);
        tx.put("gas", "0xe4e1c0");
        tx.put("accessList", accessList.stream().map(o -> Map.of("address", o.getAddress(), "storageKeys",
                o.getStorageKeys())).toList());
        EthCall r = new org.web3j.protocol.core.Request<>("eth_call", List.of(tx, "latest"),
                new org.web3j.protocol.http.HttpService(chain.rpcUrl()), EthCall.class).send();
        return explain(r, to);
    }

    /** Asserts a mined transaction failed (status 0): the refusal left nothing behind. */
    static void assertFailed(TransactionReceipt receipt) {
        if (receipt.isStatusOK()) {
            throw new AssertionError("expected transaction " + receipt.getTransactionHash() + " to fail");
        }
    }

    private static Map<String, String> loadCustomErrors() {
        Map<String, String> out = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream list = Refusals.class.getResourceAsStream("/dev/crossbar/contracts/solc/contracts.txt")) {
            for (String name : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
                if (name.isBlank()) {
                    continue;
                }
                try (InputStream abi = Refusals.class.getResourceAsStream("/dev/crossbar/contracts/solc/" + name + ".abi")) {
                    for (JsonNode e : json.readTree(abi)) {
                        if (!"error".equals(e.path("type").asText())) {
                            continue;
                        }
                        StringBuilder sig = new StringBuilder(e.path("name").asText()).append('(');
                        for (int i = 0; i < e.path("inputs").size(); i++) {
                            sig.append(i == 0 ? "" : ",").append(e.path("inputs").get(i).path("type").asText());
                        }
                        sig.append(')');
                        out.put(Hash.sha3String(sig.toString()).substring(0, 10), e.path("name").asText());
                    }
                }
            }
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("cannot read the compiled ABIs from the contracts jar", e);
        }
        return out;
    }
}
