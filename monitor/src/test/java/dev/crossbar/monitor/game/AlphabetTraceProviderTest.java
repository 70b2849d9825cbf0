package dev.crossbar.monitor.game;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crossbar.devnet.faultproof.FaultProofParams;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** {@link AlphabetTraceProvider}: the AlphabetVM's trace of one sub-game of the devnet's games (depth 3). */
class AlphabetTraceProviderTest {
    private static final int DEPTH = 3;
    /** The disputed output is the one of L2 block 101: the VM starts from block 100, trace index 100 << 4. */
    private final AlphabetTraceProvider trace = new AlphabetTraceProvider(101, DEPTH);

    private static byte[] encode(long... words) {
        StringBuilder hex = new StringBuilder();
        for (long w : words) {
            hex.append(TypeEncoder.encode(new Uint256(BigInteger.valueOf(w))));
        }
        return Numeric.hexStringToByteArray(hex.toString());
    }

    @Test
    void itsAbsolutePrestateIsTheDevnets() {
        assertThat(Numeric.toHexString(trace.absolutePrestate())).isEqualTo(FaultProofParams.ALPHABET_PRESTATE);
    }

    @Test
    void theClaimAtTraceIndexIIsTheStateAfterStepI() {
        // (1600 + i, 0x60 + 1600 + i), hashed, status byte 1
        byte[] first = Hash.sha3(encode(1600, 1696));
        first[0] = 1;
        assertThat(trace.claimAt(Position.of(DEPTH, 0))).isEqualTo(first);
        byte[] last = Hash.sha3(encode(1607, 1703));
        last[0] = 1;
        assertThat(trace.claimAt(Position.ROOT)).as("the sub-game's root commits to the last index").isEqualTo(last);
        assertThat(trace.claimAt(Position.of(DEPTH, 7))).isEqualTo(last);
    }

    @Test
    void aStepCarriesThePreStateBeforeItsIndex() {
        TraceProvider.StepData first = trace.stepData(BigInteger.ZERO);
        assertThat(first.stateData()).isEqualTo(encode(0x60));
        assertThat(first.proof()).isEmpty();
        assertThat(first.localData()).isEqualTo(new TraceProvider.LocalPreimage(4, 0));

        TraceProvider.StepData fifth = trace.stepData(BigInteger.valueOf(5));
        assertThat(fifth.stateData()).isEqualTo(encode(1604, 1700));
        assertThat(fifth.localData()).as("only the step from the absolute prestate reads the oracle").isNull();
    }

    /** Each step's pre-state, run through the VM (its transcription), gives the claim at the step's index. */
    @Test
    void everyStepOfTheVmLeadsToTheNextClaim() {
        AlphabetVmModel vm = new AlphabetVmModel(trace.absolutePrestate());
        for (int i = 0; i < 1 << DEPTH; i++) {
            byte[] pre = trace.stepData(BigInteger.valueOf(i)).stateData();
            assertThat(vm.step(pre, 101L)).as("step %d", i).isEqualTo(trace.claimAt(Position.of(DEPTH, i)));
            if (i > 0) {
                byte[] preClaim = trace.claimAt(Position.of(DEPTH, i - 1));
                assertThat(java.util.Arrays.copyOfRange(Hash.sha3(pre), 1, 32))
                        .isEqualTo(java.util.Arrays.copyOfRange(preClaim, 1, 32));
            }
        }
    }

    @Test
    void refusesWhatTheVmCannotRun() {
        assertThatThrownBy(() -> new AlphabetTraceProvider(0, DEPTH)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("disputed L2 block 0");
        assertThatThrownBy(() -> new AlphabetTraceProvider(1L << 32, DEPTH))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> trace.stepData(BigInteger.valueOf(8))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trace index 8");
    }
}
