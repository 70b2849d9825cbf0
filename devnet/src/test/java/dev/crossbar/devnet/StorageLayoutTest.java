package dev.crossbar.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Storage slots that off-chain proofs depend on, read from the compiler's storage layout: if a change to
 * the contracts moved them, every withdrawal proof and deposit reclaim would break.
 */
class StorageLayoutTest {

    private static JsonNode slotOf(String contract, String variable) throws Exception {
        try (InputStream in = StorageLayoutTest.class.getResourceAsStream(
                "/dev/crossbar/contracts/solc/" + contract + ".layout.json")) {
            for (JsonNode entry : new ObjectMapper().readTree(in).path("storage")) {
                if (entry.path("label").asText().equals(variable)) {
                    return entry;
                }
            }
        }
        throw new AssertionError(contract + " has no storage variable " + variable);
    }

    @Test
    void sentMessagesIsSlotZeroOfTheMessagePasserAsInTheOpStack() throws Exception {
        JsonNode e = slotOf("L2ToL1MessagePasser", "sentMessages");
        assertThat(e.path("slot").asText()).isEqualTo("0");
        assertThat(e.path("offset").asInt()).isZero();
        assertThat(e.path("type").asText()).isEqualTo("t_mapping(t_bytes32,t_bool)");
    }

    @Test
    void executedCountIsSlotZeroOfTheDepositExecutor() throws Exception {
        JsonNode e = slotOf("DepositExecutor", "executedCount");
        assertThat(e.path("slot").asText()).isEqualTo("0");
        assertThat(e.path("type").asText()).isEqualTo("t_uint256");
    }
}
