package dev.crossbar.monitor.chain;

import static dev.crossbar.core.chain.ProtocolViews.bool;
import static dev.crossbar.core.chain.ProtocolViews.decode;

import dev.crossbar.contracts.bindings.DepositExecutor;
import dev.crossbar.core.chain.ProtocolViews;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint96;
import org.web3j.tx.TransactionManager;
import org.web3j.utils.Numeric;

/**
 * The view calls the monitor makes that {@link ProtocolViews} does not have, at any block: call data from the
 * generated bindings, answers decoded. Each takes the endpoint to ask and the block tag ({@code latest} or hex).
 */
public final class ContractReads {
    public static final String LATEST = "latest";

    private ContractReads() {}

    /** An output as {@code getL2Output} returns it. */
    public record Output(BigInteger index, String root, long timestamp, long l2BlockNumber) {}

    /** {@code provenWithdrawals(hash)}: timestamp 0 when not proven. */
    public record Proven(String outputRoot, long timestamp, BigInteger outputIndex) {
        public boolean exists() {
            return timestamp != 0;
        }
    }

    /** {@code deposits(nonce)}: the escrow record of a deposit. */
    public record Deposit(BigInteger nonce, String depositHash, String sender, BigInteger mint, boolean reclaimed) {}

    /** The Portal's escape-mode state. */
    public record Escape(boolean active, boolean hasOutput, BigInteger outputIndex) {}

    // ---- OutputOracle -----------------------------------------------------------------------------------

    /** Output {@code index}, or empty when there is none (never proposed, or deleted). */
    public static Optional<Output> output(Endpoint e, String oracle, BigInteger index, String tag) {
        try {
            List<Type> v = decode(e.call(oracle, ProtocolViews.oracle(oracle).getL2Output(index).encodeFunctionCall(),
                    tag), new TypeReference<Bytes32>() {}, new TypeReference<Uint128>() {},
                    new TypeReference<Uint128>() {});
            return Optional.of(new Output(index, Numeric.toHexString((byte[]) v.get(0).getValue()),
                    uint(v.get(1)).longValueExact(), uint(v.get(2)).longValueExact()));
        } catch (Endpoint.CallReverted none) {
            return Optional.empty();
        }
    }

    public static BigInteger nextOutputIndex(Endpoint e, String oracle) {
        return uint256(e.call(oracle, ProtocolViews.oracle(oracle).nextOutputIndex().encodeFunctionCall(), LATEST));
    }

    /** The L2 block of the latest output, or the oracle's starting block while there is none. */
    public static long latestBlockNumber(Endpoint e, String oracle) {
        return uint256(e.call(oracle, ProtocolViews.oracle(oracle).latestBlockNumber().encodeFunctionCall(), LATEST))
                .longValueExact();
    }

    public static long finalizationPeriod(Endpoint e, String oracle) {
        return uint256(e.call(oracle, ProtocolViews.oracle(oracle).FINALIZATION_PERIOD_SECONDS().encodeFunctionCall(),
                LATEST)).longValueExact();
    }

    // ---- Portal -----------------------------------------------------------------------------------------

    public static Proven proven(Endpoint e, String portal, String withdrawalHash, String tag) {
        List<Type> v = decode(e.call(portal, ProtocolViews.portal(portal).provenWithdrawals(
                Numeric.hexStringToByteArray(withdrawalHash)).encodeFunctionCall(), tag),
                new TypeReference<Bytes32>() {}, new TypeReference<Uint128>() {}, new TypeReference<Uint128>() {});
        return new Proven(Numeric.toHexString((byte[]) v.get(0).getValue()), uint(v.get(1)).longValueExact(),
                uint(v.get(2)));
    }

    public static boolean paused(Endpoint e, String portal) {
        return bool(e.call(portal, ProtocolViews.portal(portal).paused().encodeFunctionCall(), LATEST));
    }

    public static Escape escape(Endpoint e, String portal) {
        var p = ProtocolViews.portal(portal);
        boolean active = bool(e.call(portal, p.escapeMode().encodeFunctionCall(), LATEST));
        if (!active) {
            return new Escape(false, false, BigInteger.ZERO);
        }
        return new Escape(true, bool(e.call(portal, p.escapeHasOutput().encodeFunctionCall(), LATEST)),
                uint256(e.call(portal, p.escapeOutputIndex().encodeFunctionCall(), LATEST)));
    }

    public static BigInteger depositCount(Endpoint e, String portal) {
        return uint256(e.call(portal, ProtocolViews.portal(portal).depositCount().encodeFunctionCall(), LATEST));
    }

    public static long deploymentTimestamp(Endpoint e, String portal) {
        return uint256(e.call(portal, ProtocolViews.portal(portal).deploymentTimestamp().encodeFunctionCall(), LATEST))
                .longValueExact();
    }

    public static Deposit deposit(Endpoint e, String portal, BigInteger nonce) {
        List<Type> v = decode(e.call(portal, ProtocolViews.portal(portal).deposits(nonce).encodeFunctionCall(), LATEST),
                new TypeReference<Bytes32>() {}, new TypeReference<Address>() {}, new TypeReference<Uint96>() {},
                new TypeReference<Bool>() {});
        return new Deposit(nonce, Numeric.toHexString((byte[]) v.get(0).getValue()), (String) v.get(1).getValue(),
                uint(v.get(2)), (Boolean) v.get(3).getValue());
    }

    // ---- L2 ---------------------------------------------------------------------------------------------

    /** {@code DepositExecutor.executedCount()}: deposits with a lower nonce have executed on the L2. */
    public static BigInteger executedCount(Endpoint e, String executor, String tag) {
        return uint256(e.call(executor, DepositExecutor.load(executor, null, (TransactionManager) null, null)
                .executedCount().encodeFunctionCall(), tag));
    }

    /** {@code L2ToL2Messenger.sentMessages(nonce)}: the hash sent under that nonce, zero when none. */
    public static String sentCrossRollup(Endpoint e, String messenger, BigInteger nonce, String tag) {
        List<Type> v = decode(e.call(messenger, ProtocolViews.l2ToL2(messenger).sentMessages(nonce)
                .encodeFunctionCall(), tag), new TypeReference<Bytes32>() {});
        return Numeric.toHexString((byte[]) v.getFirst().getValue());
    }

    // ---- decoding ---------------------------------------------------------------------------------------

    private static BigInteger uint256(String data) {
        return uint(decode(data, new TypeReference<Uint256>() {}).getFirst());
    }

    private static BigInteger uint(Type<?> t) {
        return (BigInteger) t.getValue();
    }
}
