package dev.crossbar.monitor.chain;

import static dev.crossbar.core.chain.ProtocolViews.LATEST;
import static dev.crossbar.core.chain.ProtocolViews.view;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.ProtocolViews;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.utils.Numeric;

/**
 * The view calls the monitor makes that {@link ProtocolViews} does not have, as typed binding calls through the
 * chain's {@link EthApi}: the one given (the chain's client, or one endpoint of its witnesses), at the block tag given
 * where the answer depends on it ({@code latest} or hex).
 */
public final class ContractReads {
    private ContractReads() {}

    /** {@code deposits(nonce)}: the escrow record of a deposit. */
    public record Deposit(BigInteger nonce, String depositHash, String sender, BigInteger mint, boolean reclaimed) {}


    // ---- OutputOracle -----------------------------------------------------------------------------------

    /** Output {@code index} at {@code tag}, or empty when there is none (never proposed, or deleted). */
    public static Optional<ProtocolViews.Output> output(EthApi e, String oracle, BigInteger index, String tag) {
        try {
            return Optional.of(ProtocolViews.output(e, oracle, index, tag));
        } catch (EthApi.Reverted none) {
            return Optional.empty();
        }
    }

    public static BigInteger nextOutputIndex(EthApi e, String oracle) {
        return view(ProtocolViews.oracle(e, oracle, LATEST).nextOutputIndex());
    }

    /** The L2 block of the latest output, or the oracle's starting block while there is none. */
    public static long latestBlockNumber(EthApi e, String oracle) {
        return view(ProtocolViews.oracle(e, oracle, LATEST).latestBlockNumber()).longValueExact();
    }

    // ---- Portal -----------------------------------------------------------------------------------------

    public static boolean paused(EthApi e, String portal) {
        return view(ProtocolViews.portal(e, portal, LATEST).paused());
    }

    public static BigInteger depositCount(EthApi e, String portal) {
        return view(ProtocolViews.portal(e, portal, LATEST).depositCount());
    }

    public static long deploymentTimestamp(EthApi e, String portal) {
        return view(ProtocolViews.portal(e, portal, LATEST).deploymentTimestamp()).longValueExact();
    }

    public static Deposit deposit(EthApi e, String portal, BigInteger nonce) {
        var d = view(ProtocolViews.portal(e, portal, LATEST).deposits(nonce));
        return new Deposit(nonce, Numeric.toHexString(d.component1()), d.component2(), d.component3(),
                d.component4());
    }

    // ---- L2 ---------------------------------------------------------------------------------------------

    /** {@code DepositExecutor.executedCount()}: deposits with a lower nonce have executed on the L2. */
    public static BigInteger executedCount(EthApi e, String executor, String tag) {
        return view(ProtocolViews.depositExecutor(e, executor, tag).executedCount());
    }

    /** {@code L2ToL2CrossDomainMessenger.sentMessages(nonce)}: the hash sent under that nonce, zero when none. */
    public static String sentCrossRollup(EthApi e, String messenger, BigInteger nonce, String tag) {
        return Numeric.toHexString(view(ProtocolViews.l2ToL2(e, messenger, tag).sentMessages(nonce)));
    }
}
