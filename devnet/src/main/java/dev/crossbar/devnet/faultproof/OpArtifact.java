package dev.crossbar.devnet.faultproof;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.utils.Numeric;

/**
 * The runtime code of one of OP's contracts as {@code @eth-optimism/contracts-bedrock} ships it, read from the
 * contracts jar ({@code dev/crossbar/contracts/op/<Name>.runtime.json}), with the byte ranges its immutables fill
 * in at deployment.
 *
 * @param contract the contract's name (its binding's simple name)
 * @param source the npm package and version it comes from
 * @param runtime the runtime code, immutables zeroed
 * @param immutables where the constructor writes the immutables into the runtime code
 */
public record OpArtifact(String contract, String source, byte[] runtime, List<Range> immutables) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FOLDER = "/dev/crossbar/contracts/op/";

    /** A byte range of the runtime code. */
    public record Range(int start, int length) {}

    /**
     * The artifact of {@code contract}.
     *
     * @throws IllegalArgumentException when the contracts jar has no such artifact
     * @throws UncheckedIOException when it cannot be read
     */
    public static OpArtifact of(String contract) {
        String path = FOLDER + contract + ".runtime.json";
        try (InputStream in = OpArtifact.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("the contracts jar has no OP artifact " + path);
            }
            JsonNode n = JSON.readTree(in);
            List<Range> immutables = new ArrayList<>();
            for (JsonNode r : n.path("immutables")) {
                immutables.add(new Range(r.path("start").asInt(), r.path("length").asInt()));
            }
            return new OpArtifact(n.path("contract").asText(), n.path("package").asText(),
                    Numeric.hexStringToByteArray(n.path("runtime").asText()), List.copyOf(immutables));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OP artifact " + path, e);
        }
    }

    /** The runtime code as a hex string, for {@code anvil_setCode}. */
    public String runtimeHex() {
        return Numeric.toHexString(runtime);
    }

    /**
     * {@code code} with this contract's immutable ranges zeroed: equal to {@code masked(runtime())} exactly when
     * {@code code} is this contract's runtime code, whatever values its constructor wrote into the immutables.
     * Code of another length is returned unchanged (it cannot be this contract's).
     */
    public byte[] masked(byte[] code) {
        if (code.length != runtime.length) {
            return code.clone();
        }
        byte[] out = code.clone();
        for (Range r : immutables) {
            Arrays.fill(out, r.start(), r.start() + r.length(), (byte) 0);
        }
        return out;
    }

    /** Whether {@code code} (from {@code eth_getCode}) is this contract's runtime code, immutables aside. */
    public boolean matches(byte[] code) {
        return Arrays.equals(masked(code), masked(runtime));
    }
}
