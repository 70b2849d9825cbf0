package dev.crossbar.core.chain;

import dev.crossbar.contracts.bindings.L1Messenger;
import dev.crossbar.contracts.bindings.L2ToL2Messenger;
import dev.crossbar.contracts.bindings.Multicall3;
import dev.crossbar.contracts.bindings.OutputOracle;
import dev.crossbar.contracts.bindings.Portal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * The protocol's calls as the relayer makes them: call data from the generated bindings (never written by hand)
 * and the answers of the view functions it asks, decoded. The bindings are used only to encode; they are not
 * connected to any node.
 */
public final class ProtocolViews {
    private ProtocolViews() {}

    public static Portal portal(String address) {
        return Portal.load(address, null, (TransactionManager) null, null);
    }

    public static OutputOracle oracle(String address) {
        return OutputOracle.load(address, null, (TransactionManager) null, null);
    }

    public static L1Messenger messenger(String address) {
        return L1Messenger.load(address, null, (TransactionManager) null, null);
    }

    public static L2ToL2Messenger l2ToL2(String address) {
        return L2ToL2Messenger.load(address, null, (TransactionManager) null, null);
    }

    public static Multicall3 multicall(String address) {
        return Multicall3.load(address, null, (TransactionManager) null, null);
    }

    /** An output proposal as {@code getL2Output} returns it. */
    public record Output(BigInteger index, byte[] root, long timestamp, long l2BlockNumber) {}

    /** {@code provenWithdrawals(hash)}: zero timestamp when not proven. */
    public record Proven(byte[] outputRoot, long timestamp, BigInteger outputIndex) {
        public boolean exists() {
            return timestamp != 0;
        }
    }

    public static Proven provenWithdrawal(EthApi l1, String portal, byte[] hash) {
        String out = l1.call(null, portal, portal(portal).provenWithdrawals(hash).encodeFunctionCall(), null);
        List<Type> v = decode(out, new TypeReference<Bytes32>() {}, new TypeReference<Uint128>() {},
                new TypeReference<Uint128>() {});
        return new Proven((byte[]) v.get(0).getValue(), ((BigInteger) v.get(1).getValue()).longValueExact(),
                (BigInteger) v.get(2).getValue());
    }

    public static boolean finalizedWithdrawal(EthApi l1, String portal, byte[] hash) {
        return bool(l1.call(null, portal, portal(portal).finalizedWithdrawals(hash).encodeFunctionCall(), null));
    }

    public static boolean successfulMessage(EthApi chain, String messenger, byte[] hash) {
        return bool(chain.call(null, messenger, messenger(messenger).successfulMessages(hash).encodeFunctionCall(),
                null));
    }

    public static boolean successfulCrossRollup(EthApi chain, String messenger, byte[] hash) {
        return bool(chain.call(null, messenger, l2ToL2(messenger).successfulMessages(hash).encodeFunctionCall(), null));
    }

    /** The index of the first output covering {@code l2Block}; {@link EthApi.Reverted} when none does yet. */
    public static BigInteger outputIndexAfter(EthApi l1, String oracle, long l2Block) {
        String out = l1.call(null, oracle, oracle(oracle).getL2OutputIndexAfter(BigInteger.valueOf(l2Block))
                .encodeFunctionCall(), null);
        return (BigInteger) decode(out, new TypeReference<Uint256>() {}).getFirst().getValue();
    }

    /** The index of the newest output; {@link EthApi.Reverted} when none was proposed yet. */
    public static BigInteger latestOutputIndex(EthApi l1, String oracle) {
        String out = l1.call(null, oracle, oracle(oracle).latestOutputIndex().encodeFunctionCall(), null);
        return (BigInteger) decode(out, new TypeReference<Uint256>() {}).getFirst().getValue();
    }

    /** Output {@code index}; {@link EthApi.Reverted} when there is none (never proposed, or deleted). */
    public static Output output(EthApi l1, String oracle, BigInteger index) {
        String out = l1.call(null, oracle, oracle(oracle).getL2Output(index).encodeFunctionCall(), null);
        List<Type> v = decode(out, new TypeReference<Bytes32>() {}, new TypeReference<Uint128>() {},
                new TypeReference<Uint128>() {});
        return new Output(index, (byte[]) v.get(0).getValue(), ((BigInteger) v.get(1).getValue()).longValueExact(),
                ((BigInteger) v.get(2).getValue()).longValueExact());
    }

    public static long finalizationPeriod(EthApi l1, String oracle) {
        String out = l1.call(null, oracle, oracle(oracle).FINALIZATION_PERIOD_SECONDS().encodeFunctionCall(), null);
        return ((BigInteger) decode(out, new TypeReference<Uint256>() {}).getFirst().getValue()).longValueExact();
    }

    /** Results of a simulated {@code aggregate3}: whether each call succeeded. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static List<Boolean> aggregate3Results(String returnData) {
        List<Type> v = FunctionReturnDecoder.decode(returnData, List.of((TypeReference)
                new TypeReference<DynamicArray<Multicall3.Result>>() {}));
        List<Boolean> out = new ArrayList<>();
        for (Object r : ((DynamicArray) v.getFirst()).getValue()) {
            out.add(((Multicall3.Result) r).success);
        }
        return out;
    }

    /** A view call's {@code bool} answer. */
    public static boolean bool(String out) {
        return (Boolean) decode(out, new TypeReference<Bool>() {}).getFirst().getValue();
    }

    /**
     * A view call's answer decoded as {@code types}.
     *
     * @throws IllegalStateException when the answer is empty (no contract at that address)
     */
    @SafeVarargs
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static List<Type> decode(String data, TypeReference<? extends Type>... types) {
        if (data == null || Numeric.cleanHexPrefix(data).isEmpty()) {
            throw new IllegalStateException("empty answer from a view call (no contract at that address?)");
        }
        return FunctionReturnDecoder.decode(data, (List) List.of(types));
    }
}
