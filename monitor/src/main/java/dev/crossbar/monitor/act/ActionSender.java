package dev.crossbar.monitor.act;

import dev.crossbar.core.chain.EthApi;
import dev.crossbar.core.chain.RevertReasons;
import dev.crossbar.core.model.TxPurpose;
import dev.crossbar.monitor.MonitorMetrics;
import dev.crossbar.store.TxRecord;
import dev.crossbar.txmanager.TxManager;
import java.math.BigInteger;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the monitor's transactions with one key on one chain, through the shared {@link TxManager} (recorded in the
 * store before broadcast, nonces owned, EIP-1559 with a cap, stuck ones replaced), so that a restart resumes a
 * challenge in flight instead of sending a second one. Rule: every action is simulated first ({@code
 * eth_estimateGas}); a simulation that reverts is not sent and its reason is returned. An action is identified by a
 * stable id (e.g. {@code challenge:901:5:0x..}): while a transaction for that id is open, it is not sent again.
 *
 * <p>Not thread-safe: the patrol owns every sender.
 */
public final class ActionSender {
    private static final Logger log = LoggerFactory.getLogger(ActionSender.class);
    private static final BigInteger GAS_MARGIN = BigInteger.valueOf(50_000);

    private final String role;
    private final TxManager signer;
    private final EthApi chain;
    private final MonitorMetrics metrics;

    public ActionSender(String role, TxManager signer, MonitorMetrics metrics) {
        this.role = role;
        this.signer = signer;
        this.chain = signer.chain();
        this.metrics = metrics;
    }

    /** What came of an attempt to act. */
    public sealed interface Result {
        /** Broadcast (or recorded to be): {@code tx} is in flight. */
        record Sent(TxRecord tx) implements Result {}

        /** The simulation reverted: not sent. */
        record Refused(String reason) implements Result {}

        /** A transaction for the same action is already in flight. */
        record InFlight() implements Result {}
    }

    public String address() {
        return signer.address();
    }

    public String role() {
        return role;
    }

    /** Whether a transaction for {@code actionId} is in flight. */
    public boolean inFlight(String actionId) {
        return signer.hasOpenTransaction(actionId.toLowerCase(Locale.ROOT));
    }

    /** Simulates and sends {@code data} to {@code to} as action {@code actionId} with purpose {@code purpose}. */
    public Result send(String purpose, String actionId, String to, String data) {
        return send(purpose, actionId, to, data, BigInteger.ZERO);
    }

    /** {@link #send(String, String, String, String)} paying {@code value} wei with the call (a game's bond). */
    public Result send(String purpose, String actionId, String to, String data, BigInteger value) {
        String id = actionId.toLowerCase(Locale.ROOT);
        if (signer.hasOpenTransaction(id)) {
            return new Result.InFlight();
        }
        BigInteger estimate;
        try {
            estimate = chain.estimateGas(signer.address(), to, data, value);
        } catch (EthApi.Reverted r) {
            String reason = RevertReasons.of(r);
            metrics.action(purpose, "refused");
            log.info("action refused by simulation purpose={} action={} signer={} reason=\"{}\"", purpose, id,
                    signer.address(), reason);
            return new Result.Refused(reason);
        }
        BigInteger gas = estimate.multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN).add(GAS_MARGIN);
        TxRecord tx = signer.submit(new TxManager.Intent(purpose, id, to, data, value, gas));
        metrics.action(purpose, "sent");
        log.warn("action sent purpose={} action={} chain={} signer={} nonce={} tx={}", purpose, id, chain.name(),
                signer.address(), tx.nonce(), tx.txHash());
        return new Result.Sent(tx);
    }

    /** Settles mined transactions (re-broadcasts, replaces stuck ones); logs each outcome. */
    public void settle() {
        // A recorded action goes out again only if it still goes through: an output deleted meanwhile, a portal
        // already paused, and the like make it revert, and its nonce is then filled instead.
        for (TxManager.Outcome o : signer.poll(tx -> TxPurpose.CANCEL.equals(tx.purpose())
                || signer.simulate(tx) != null ? TxManager.Verdict.CANCEL : TxManager.Verdict.SEND)) {
            boolean ok = o.receipt() != null && o.succeeded();
            metrics.action(o.tx().purpose(), ok ? "confirmed" : "failed");
            log.info("action settled purpose={} action={} tx={} status={}", o.tx().purpose(), o.tx().messageId(),
                    o.tx().txHash(), ok ? "CONFIRMED" : o.tx().status());
        }
    }
}
